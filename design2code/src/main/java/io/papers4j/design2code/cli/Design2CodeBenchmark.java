package io.papers4j.design2code.cli;

import io.papers4j.core.cli.Benchmark;
import io.papers4j.core.io.AtomicFiles;
import io.papers4j.design2code.BenchmarkSet;
import io.papers4j.design2code.Chromium;
import io.papers4j.design2code.Degradations;
import io.papers4j.design2code.PageScore;
import io.papers4j.design2code.Scorer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code papers4j bench design2code}: pages scored per minute with one browser, and how the time
 * splits between rendering + block detection, matching, and the visual score. Each page of the
 * quick set is scored against its layout-shuffled variant (a realistic amount of matching work).
 */
public final class Design2CodeBenchmark implements Benchmark {
  @Override
  public String name() {
    return "design2code";
  }

  @Override
  public String description() {
    return "Design2Code scoring throughput (pages/min) and render/match/visual split, one headless Chromium";
  }

  @Override
  public String run(List<String> args, PrintStream out) throws Exception {
    Path home = Path.of(System.getenv().getOrDefault("PAPERS4J_HOME", System.getProperty("user.home") + "/.cache/papers4j"));
    Path set = home.resolve("design2code").resolve("bench-set");
    Path cands = home.resolve("design2code").resolve("bench-candidates");
    List<BenchmarkSet.Entry> entries;
    if (Files.isRegularFile(set.resolve("manifest.json"))) {
      entries = BenchmarkSet.read(set);
    } else {
      try (Chromium c = Chromium.launch()) {
        entries = BenchmarkSet.build(set, BenchmarkSet.Selection.quick(), c);
      }
    }
    Files.createDirectories(cands);
    BenchmarkSet.writePlaceholder(cands.resolve(BenchmarkSet.PLACEHOLDER));
    long t0;
    double wall;
    double[] split;
    int blocks = 0;
    int unrendered = 0;
    String load = io.papers4j.core.report.Machine.loadAverage();
    try (Scorer s = Scorer.launch()) {
      t0 = System.nanoTime();
      for (BenchmarkSet.Entry e : entries) {
        String html = Files.readString(set.resolve(e.id() + ".html"), StandardCharsets.UTF_8);
        Path cand = cands.resolve(e.id() + ".html");
        AtomicFiles.write(cand, Degradations.apply(Degradations.Variant.LAYOUT_SHUFFLED, html, 1).getBytes(StandardCharsets.UTF_8));
        PageScore p;
        try {
          p = s.score(set.resolve(e.id() + ".html"), cand);
        } catch (Scorer.RenderFailedException x) {
          unrendered++;
          out.printf("%-36s not rendered: %s%n", e.id(), x.getMessage());
          continue;
        }
        blocks += p.referenceBlocks();
        out.printf("%-36s blocks %3d/%3d  final %.3f%n", e.id(), p.predictedBlocks(), p.referenceBlocks(), p.finalScore());
      }
      wall = (System.nanoTime() - t0) / 1e9;
      split = s.timings();
    }
    double perMin = entries.size() / wall * 60;
    String cores = Runtime.getRuntime().availableProcessors() + " cores";
    String md =
        String.format(
            "%s, one headless Chromium, %d real pages of the quick set, each scored "
                + "against its layout-shuffled variant; %d reference blocks in all; load average (1/5/15 min) %s at the start.%n%n"
                + "| pages/min | render + block detection (s) | matching (s) | visual score (s) | wall (s) |%n|---|---|---|---|---|%n"
                + "| %.1f | %.1f | %.2f | %.1f | %.1f |%n",
            cores, entries.size(), blocks, load, perMin, split[0], split[1], split[2], wall)
            + (unrendered == 0 ? "" : String.format("%n%d pages could not be rendered (blank fallback) and were not scored.%n", unrendered));
    out.print(md);
    return md;
  }
}
