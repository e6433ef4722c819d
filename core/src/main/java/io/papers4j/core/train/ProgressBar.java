package io.papers4j.core.train;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a long loop on stderr: step/total, elapsed time, ETA, loss, throughput and any extra
 * fields.
 *
 * <pre>
 * train  120/1000  12% |###.........| 00:32&lt;02:21  loss 3.4521  12.3k tok/s  lr 3.0e-04
 * </pre>
 *
 * <p>On a terminal the line is redrawn in place (carriage return, at most every 100 ms); otherwise
 * (CI logs, pipes) a plain line is printed every {@code plainEvery} (default 10 s) and at the end.
 * {@code PAPERS4J_PROGRESS=tty|plain|off} overrides the detection. An update that prints nothing
 * costs a clock read and a few comparisons, so it may be called every step.
 *
 * <pre>{@code
 * try (ProgressBar bar = new ProgressBar("train", steps, "tok")) {
 *   for (int step = 1; step <= steps; step++) {
 *     ...
 *     bar.update(step, loss, batch * seq, "lr", lr);
 *   }
 * }
 * }</pre>
 */
public final class ProgressBar implements AutoCloseable {
  /** How the bar writes: redraw in place, periodic plain lines, or nothing. */
  public enum Mode {
    TTY,
    PLAIN,
    OFF
  }

  private static final long TTY_EVERY_NS = 100_000_000L;
  private static final int BAR_WIDTH = 20;

  private final String label;
  private final long total;
  private final String unit;
  private final PrintStream out;
  private final Mode mode;
  private final LongSupplier clock;
  private final long plainEveryNs;
  private final long startNs;
  private long startStep;
  private long items;
  private long lastPrintNs = Long.MIN_VALUE;
  private long lastStep;
  private double lastLoss = Double.NaN;
  private Object[] lastExtra = new Object[0];
  private long printedStep = -1;
  private int lastWidth;
  private boolean closed;

  /**
   * A bar on stderr with automatic mode.
   *
   * @param label short name printed first ("train", "eval")
   * @param total number of steps (0 if unknown: no percentage or ETA)
   * @param unit what {@code items} in {@link #update} count, e.g. "tok" or "img"; shown as unit/s
   */
  public ProgressBar(String label, long total, String unit) {
    this(label, total, unit, System.err, detectMode(), System::nanoTime, 10_000_000_000L);
  }

  /** Full control, for tests and for callers that log elsewhere. */
  public ProgressBar(
      String label, long total, String unit, PrintStream out, Mode mode, LongSupplier clock, long plainEveryNs) {
    this.label = label;
    this.total = Math.max(0, total);
    this.unit = unit == null ? "it" : unit;
    this.out = out;
    this.mode = mode;
    this.clock = clock;
    this.plainEveryNs = plainEveryNs;
    this.startNs = clock.getAsLong();
  }

  /**
   * Marks where this run starts when resuming, so the ETA and rate count only steps done now.
   * Call before the first update.
   */
  public ProgressBar resumedAt(long step) {
    this.startStep = step;
    this.lastStep = step;
    return this;
  }

  /**
   * Reports that {@code step} steps are complete.
   *
   * @param loss loss of the latest step; NaN to omit
   * @param newItems items processed since the last update (tokens, images), for the rate
   * @param extra alternating names and values, e.g. {@code "lr", 3e-4, "ppl", 41.2}
   */
  public void update(long step, double loss, long newItems, Object... extra) {
    items += newItems;
    lastStep = step;
    lastLoss = loss;
    lastExtra = extra;
    if (mode == Mode.OFF) return;
    long now = clock.getAsLong();
    boolean last = total > 0 && step >= total;
    long every = mode == Mode.TTY ? TTY_EVERY_NS : plainEveryNs;
    // The first update prints at once (a log shows the run has started), the last one always.
    if (!last && lastPrintNs != Long.MIN_VALUE && now - lastPrintNs < every) return;
    print(now);
  }

  /** Prints a message on its own line without garbling the bar (it is redrawn on the next update). */
  public void log(String message) {
    if (mode == Mode.OFF) return;
    if (mode == Mode.TTY && lastWidth > 0) {
      out.print("\r" + " ".repeat(lastWidth) + "\r");
      lastWidth = 0;
    }
    out.println(message);
    out.flush();
  }

  /** Prints the final state (once) and ends the line. */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    if (mode == Mode.OFF) return;
    if (printedStep != lastStep || lastPrintNs == Long.MIN_VALUE) print(clock.getAsLong());
    if (mode == Mode.TTY) out.println();
    out.flush();
  }

  private void print(long now) {
    lastPrintNs = now;
    printedStep = lastStep;
    String line = render(now);
    if (mode == Mode.TTY) {
      int pad = Math.max(0, lastWidth - line.length());
      out.print("\r" + line + " ".repeat(pad));
      lastWidth = line.length();
    } else {
      out.println(line);
    }
    out.flush();
  }

  /** The status line for the current state (no newline, no carriage return). */
  String render(long now) {
    double elapsed = (now - startNs) / 1e9;
    long done = lastStep - startStep;
    StringBuilder sb = new StringBuilder(label);
    if (total > 0) {
      int digits = Long.toString(total).length();
      sb.append(String.format(Locale.ROOT, "  %" + digits + "d/%d %3d%% ", lastStep, total, 100 * lastStep / total));
      if (mode == Mode.TTY) {
        int filled = (int) Math.min(BAR_WIDTH, BAR_WIDTH * lastStep / total);
        sb.append('|').append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append("| ");
      }
      String eta = done > 0 && elapsed > 0 ? clockTime(elapsed / done * (total - lastStep)) : "?";
      sb.append(clockTime(elapsed)).append('<').append(eta);
    } else {
      sb.append("  ").append(lastStep).append("  ").append(clockTime(elapsed));
    }
    if (!Double.isNaN(lastLoss)) sb.append(String.format(Locale.ROOT, "  loss %.4f", lastLoss));
    if (items > 0 && elapsed > 0) sb.append("  ").append(si(items / elapsed)).append(' ').append(unit).append("/s");
    for (int i = 0; i + 1 < lastExtra.length; i += 2) {
      sb.append("  ").append(lastExtra[i]).append(' ').append(value(lastExtra[i + 1]));
    }
    return sb.toString();
  }

  static String clockTime(double seconds) {
    long s = Math.round(seconds);
    if (s >= 3600) return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    return String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
  }

  static String si(double v) {
    if (v >= 1e9) return String.format(Locale.ROOT, "%.1fG", v / 1e9);
    if (v >= 1e6) return String.format(Locale.ROOT, "%.1fM", v / 1e6);
    if (v >= 1e3) return String.format(Locale.ROOT, "%.1fk", v / 1e3);
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String value(Object v) {
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      double a = Math.abs(d);
      if (a != 0 && (a < 1e-2 || a >= 1e5)) return String.format(Locale.ROOT, "%.2e", d);
      return String.format(Locale.ROOT, "%.4g", d);
    }
    return String.valueOf(v);
  }

  /** TTY when stderr is a terminal, PLAIN otherwise; {@code PAPERS4J_PROGRESS} overrides. */
  public static Mode detectMode() {
    String env = System.getenv("PAPERS4J_PROGRESS");
    if (env != null && !env.isBlank()) {
      switch (env.trim().toLowerCase(Locale.ROOT)) {
        case "tty":
          return Mode.TTY;
        case "plain":
          return Mode.PLAIN;
        case "off":
        case "0":
        case "none":
          return Mode.OFF;
        default:
          throw new IllegalArgumentException(
              "PAPERS4J_PROGRESS='" + env + "' is not one of tty, plain, off");
      }
    }
    try {
      // Linux: fd 2 points at a pseudo-terminal or a console when stderr is interactive.
      Path target = Files.readSymbolicLink(Path.of("/proc/self/fd/2"));
      String t = target.toString();
      return t.startsWith("/dev/pts/") || t.startsWith("/dev/tty") ? Mode.TTY : Mode.PLAIN;
    } catch (Exception e) {
      return System.console() != null ? Mode.TTY : Mode.PLAIN;
    }
  }
}
