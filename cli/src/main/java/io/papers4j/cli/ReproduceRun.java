package io.papers4j.cli;

import io.papers4j.core.io.AtomicFiles;
import io.papers4j.core.report.Reproduction;
import io.papers4j.core.report.Result;
import io.papers4j.core.report.TimedReproduction;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs reproductions one after another into {@code reports/<system>/} and keeps the report set
 * honest while it goes:
 *
 * <ul>
 *   <li>a system whose {@code result.json} was written by the same code ({@link CodeFingerprint})
 *       at the same preset is skipped unless {@code force}, so an interrupted run picks up where it
 *       stopped; a report of some parts only ({@code --part}) never counts as current, and a run of
 *       parts always runs;
 *   <li>before a system runs, its old {@code result.json} and {@code error.txt} are removed, so a
 *       failure or an interruption never leaves an older verdict behind;
 *   <li>after each system, {@code result.json} gets the fingerprint and {@code reports/index.html}
 *       is rewritten (a failure writes {@code error.txt} and shows as failed);
 *   <li>each start prints "system i of N" and an estimate of the time left: the last recorded run
 *       time of each system still to run at this preset (a smoke run's seconds say nothing of a quick
 *       run's), or the mean of this run's systems where none is recorded.
 * </ul>
 */
final class ReproduceRun {
  static final String RESULT = "result.json";
  static final String ERROR = "error.txt";
  static final String FINGERPRINT_KEY = "code_fingerprint";
  /** Assumed seconds per system when nothing better is known (a quick preset's budget is about 10 min). */
  static final double DEFAULT_SECONDS = 300;

  private final Path reports;
  private final String preset;
  private final List<String> parts;
  private final boolean force;
  private final Function<Reproduction, String> fingerprint;
  private final PrintStream out;

  /** Outcome of one system. */
  enum Status {
    DONE,
    SKIPPED,
    FAILED
  }

  ReproduceRun(Path reports, String preset, boolean force, Function<Reproduction, String> fingerprint, PrintStream out) {
    this(reports, preset, List.of(), force, fingerprint, out);
  }

  /**
   * @param parts the parts to run alone (empty = whole experiments); a run of parts is never
   *     skipped, and its result.json (marked with {@code metrics.parts}) never counts as current for a
   *     whole run
   */
  ReproduceRun(Path reports, String preset, List<String> parts, boolean force, Function<Reproduction, String> fingerprint, PrintStream out) {
    this.reports = reports;
    this.preset = preset;
    this.parts = List.copyOf(parts);
    this.force = force;
    this.fingerprint = fingerprint;
    this.out = out;
  }

  /** Runs {@code todo} in order; {@code all} are listed in the index. Returns each system's outcome. */
  Map<String, Status> run(List<Reproduction> todo, Map<String, Reproduction> all) throws IOException {
    Map<String, Status> outcome = new LinkedHashMap<>();
    Map<String, String> prints = new LinkedHashMap<>();
    List<Reproduction> pending = new ArrayList<>();
    for (Reproduction r : todo) {
      String fp = fingerprint.apply(r);
      prints.put(r.name(), fp);
      if (!force && parts.isEmpty() && isCurrent(reports.resolve(r.name()), preset, fp)) {
        outcome.put(r.name(), Status.SKIPPED);
      } else {
        pending.add(r);
      }
    }
    int n = todo.size();
    int i = 0;
    double spent = 0;
    int ran = 0;
    for (Reproduction r : todo) {
      i++;
      if (outcome.get(r.name()) == Status.SKIPPED) {
        out.printf(Locale.ROOT, "== system %d of %d: %s: result.json is current for this code and preset %s, skipped"
            + " (--force reruns it)%n", i, n, r.name(), preset);
        continue;
      }
      double left = estimateLeft(pending, ran == 0 ? Double.NaN : spent / ran);
      String what = parts.isEmpty() ? preset : preset + ", part" + (parts.size() == 1 ? " " : "s ") + String.join(", ", parts);
      out.printf(Locale.ROOT, "== system %d of %d: reproduce %s (%s); about %s left for %d system%s ==%n", i, n,
          r.name(), what, duration(left), pending.size(), pending.size() == 1 ? "" : "s");
      Path dir = reports.resolve(r.name());
      Files.createDirectories(dir);
      Files.deleteIfExists(dir.resolve(RESULT));
      Files.deleteIfExists(dir.resolve(ERROR));
      long t0 = System.nanoTime();
      try {
        Result res = parts.isEmpty() ? r.run(preset, dir) : r.run(preset, parts, dir);
        stamp(dir.resolve(RESULT), prints.get(r.name()));
        outcome.put(r.name(), Status.DONE);
        out.printf(Locale.ROOT, "== %s: reproduced=%s (%.0f s) -> %s%n", r.name(), res.reproduced(),
            (System.nanoTime() - t0) / 1e9, dir.resolve(RESULT));
      } catch (Exception e) {
        Files.deleteIfExists(dir.resolve(RESULT)); // a half-written report must not pass for a verdict
        AtomicFiles.writeString(dir.resolve(ERROR), e + System.lineSeparator());
        outcome.put(r.name(), Status.FAILED);
        System.err.printf("== %s: FAILED: %s%n", r.name(), e);
        if ("1".equals(System.getenv("PAPERS4J_DEBUG"))) e.printStackTrace();
      }
      spent += (System.nanoTime() - t0) / 1e9;
      ran++;
      pending.remove(r);
      out.println("wrote " + IndexPage.write(reports, all));
    }
    if (pending.isEmpty() && ran == 0) out.println("wrote " + IndexPage.write(reports, all));
    return outcome;
  }

  /** Whether {@code dir/result.json} holds a verdict of {@code preset} made by code {@code fingerprint}. */
  static boolean isCurrent(Path dir, String preset, String fingerprint) {
    Path json = dir.resolve(RESULT);
    if (CodeFingerprint.UNKNOWN.equals(fingerprint) || !Files.isRegularFile(json)) return false;
    if (Files.exists(dir.resolve(ERROR))) return false;
    try {
      Map<String, Object> m = Result.readJson(json);
      if (m.get("metrics") instanceof Map<?, ?> metrics && metrics.containsKey(TimedReproduction.PARTS_KEY)) return false; // partial
      return preset.equals(m.get("preset")) && fingerprint.equals(m.get(FINGERPRINT_KEY));
    } catch (IOException | RuntimeException e) {
      return false; // unreadable: run it again
    }
  }

  /** Adds the code fingerprint to a result.json the reproduction wrote. */
  static void stamp(Path json, String fingerprint) throws IOException {
    if (!Files.isRegularFile(json)) {
      throw new IOException(json + " was not written by the reproduction");
    }
    Map<String, Object> m = Result.readJson(json);
    m.put(FINGERPRINT_KEY, fingerprint);
    AtomicFiles.write(json, tmp -> Result.writeJson(tmp, m));
  }

  /** Seconds still to go for {@code pending}: each one's last recorded run time at this preset, else {@code fallback}. */
  double estimateLeft(List<Reproduction> pending, double fallback) {
    double sum = 0;
    for (Reproduction r : pending) {
      double s = lastRuntime(reports.resolve(r.name()), preset);
      if (Double.isNaN(s)) s = Double.isNaN(fallback) ? DEFAULT_SECONDS : fallback;
      sum += s;
    }
    return sum;
  }

  /** runtime_s of the result.json in {@code dir} when it was made at {@code preset} (by any code), or NaN. */
  static double lastRuntime(Path dir, String preset) {
    Path json = dir.resolve(RESULT);
    if (!Files.isRegularFile(json)) return Double.NaN;
    try {
      Map<String, Object> m = Result.readJson(json);
      if (!preset.equals(m.get("preset"))) return Double.NaN;
      Object s = m.get("runtime_s");
      return s instanceof Number num ? num.doubleValue() : Double.NaN;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    if (s < 60) return s + " s";
    if (s < 3600) return (s + 30) / 60 + " min";
    return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600 + 30) / 60);
  }
}
