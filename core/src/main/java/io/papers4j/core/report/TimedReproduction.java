package io.papers4j.core.report;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The common opening and closing of a reproduction: the name, paper and title, a clock and the
 * load average started before any work, a {@link Result.Builder} already holding the system, paper,
 * claim, preset and start time, and {@code result.json} written last (after the README and plots),
 * so a complete {@code result.json} means a complete report.
 *
 * <pre>public final class MyReproduction extends TimedReproduction {
 *   public MyReproduction() { super("my-system", "2403.00000", "one line for --list", "the claim"); }
 *   protected Result reproduce(String preset, Path outDir, Context run) throws Exception {
 *     ... experiment, plots, README into outDir ...
 *     return run.result().seed(SEED).metric("x", x).reference("x", 1.0).reproduced(ok).notes(n).build();
 *   }
 * }</pre>
 */
public abstract class TimedReproduction implements Reproduction {
  /** The metrics key listing the parts a partial run measured (absent when the whole experiment ran). */
  public static final String PARTS_KEY = "parts";

  private final String name;
  private final String paper;
  private final String title;
  private final String claim;

  /**
   * @param name the system name on the command line
   * @param paper arXiv id
   * @param title one line for {@code papers4j reproduce --list} and the index page
   * @param claim the paper's central claim, in one sentence (result.json "claim")
   */
  protected TimedReproduction(String name, String paper, String title, String claim) {
    this.name = name;
    this.paper = paper;
    this.title = title;
    this.claim = claim;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final String title() {
    return title;
  }

  @Override
  public final Result run(String preset, Path outDir) throws Exception {
    return run(preset, List.of(), outDir);
  }

  /**
   * Runs {@code parts} alone (each one of {@link #parts()}, case-insensitive; empty = the whole
   * experiment). An unknown part, or parts for a reproduction that has none, is refused before any
   * work with one message.
   */
  @Override
  public final Result run(String preset, List<String> parts, Path outDir) throws Exception {
    List<String> chosen = new ArrayList<>();
    for (String p : parts) {
      String q = p.trim().toLowerCase(Locale.ROOT);
      if (!parts().contains(q)) {
        throw new IllegalArgumentException(parts().isEmpty() ? name + " has no parts to run alone"
            : "unknown part '" + p + "' of " + name + "; its parts: " + String.join(", ", parts()));
      }
      if (!chosen.contains(q)) chosen.add(q);
    }
    Context run = new Context(preset, List.copyOf(chosen), outDir, System.nanoTime(), Instant.now(), Machine.loadAverage(), name, paper,
        claim);
    Result result = reproduce(preset, outDir, run);
    result.write(outDir);
    return result;
  }

  /**
   * Runs the experiment at {@code preset} ("quick", "full", or a test-only size), writes README.md
   * and plots into {@code outDir} (which exists) and returns the result; {@code run} holds the clock
   * and the result builder.
   */
  protected abstract Result reproduce(String preset, Path outDir, Context run) throws Exception;

  /** One run: its preset and output directory, its clock, and the result being built. */
  public static final class Context {
    private final String preset;
    private final List<String> parts;
    private final Path outDir;
    private final long startNanos;
    private final Instant startedAt;
    private final String loadAtStart;
    private final String name;
    private final String paper;
    private final String claim;

    Context(String preset, List<String> parts, Path outDir, long startNanos, Instant startedAt, String loadAtStart, String name, String paper,
        String claim) {
      this.preset = preset;
      this.parts = parts;
      this.outDir = outDir;
      this.startNanos = startNanos;
      this.startedAt = startedAt;
      this.loadAtStart = loadAtStart;
      this.name = name;
      this.paper = paper;
      this.claim = claim;
    }

    public String preset() {
      return preset;
    }

    /** The parts asked for with {@code --part}, lower case, in the order given; empty = the whole experiment. */
    public List<String> parts() {
      return parts;
    }

    /** Whether {@code part} runs: it was asked for, or no part was (the whole experiment runs). */
    public boolean runs(String part) {
      return parts.isEmpty() || parts.contains(part);
    }

    /** When the run started, UTC to the minute, e.g. {@code 2026-12-05 05:40 UTC}. */
    public String startedAtUtc() {
      return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC).format(startedAt);
    }

    public Path outDir() {
      return outDir;
    }

    /** Seconds since the run started. */
    public double seconds() {
      return (System.nanoTime() - startNanos) / 1e9;
    }

    /** The load averages (1/5/15 min) read when the run started. */
    public String loadAtStart() {
      return loadAtStart;
    }

    /**
     * A builder with system, paper, claim, preset and the start time filled in, and {@code metrics.cpu} (the processor
     * and vector kernels the numbers were measured with, {@link Machine#cpu}); for a run of chosen parts also {@code
     * metrics.parts} (the parts measured) and {@code metrics.parts_measured_at}.
     */
    public Result.Builder result() {
      // the same command and seeds train to other low bits, and other numbers, on another kernel mix
      Result.Builder b = Result.builder(name, paper).claim(claim).preset(preset).startedAt(startNanos).metric("cpu", Machine.cpu());
      if (!parts.isEmpty()) b.metric(PARTS_KEY, parts).metric("parts_measured_at", startedAtUtc());
      return b;
    }
  }
}
