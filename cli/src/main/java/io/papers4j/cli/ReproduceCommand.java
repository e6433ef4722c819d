package io.papers4j.cli;

import io.papers4j.core.report.Reproduction;
import io.papers4j.core.report.Result;
import io.papers4j.core.tensor.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code papers4j reproduce [system] [--quick|--full]}: runs one paper's reproduction, or every one
 * when no system is named, and rewrites {@code reports/index.html}.
 */
@Command(
    name = "reproduce",
    mixinStandardHelpOptions = true,
    description = "Reproduce a paper's central claim at small scale (all systems when none is named).")
final class ReproduceCommand implements Callable<Integer> {

  @Parameters(arity = "0..1", description = "System to reproduce; omit to run all.")
  String system;

  static final class PresetChoice {
    @Option(names = "--quick", description = "Quick preset (a few minutes on 2 cores; default).")
    boolean quick;

    @Option(names = "--full", description = "Full preset (closest to the paper a CPU or one GPU runs).")
    boolean full;
  }

  @ArgGroup(exclusive = true)
  PresetChoice preset;

  @Option(names = "--reports", description = "Report directory (default: ${DEFAULT-VALUE}).")
  Path reports = Path.of("reports");

  @Option(names = "--list", description = "List the reproductions and exit.")
  boolean list;

  @Override
  public Integer call() throws Exception {
    TreeMap<String, Reproduction> all = new TreeMap<>();
    for (Reproduction r : ServiceLoader.load(Reproduction.class)) all.put(r.name(), r);
    if (list) {
      all.values().forEach(r -> System.out.printf("  %-18s %s%n", r.name(), r.title()));
      return 0;
    }
    String presetName = preset != null && preset.full ? "full" : "quick";
    List<Reproduction> todo = new ArrayList<>();
    if (system == null) {
      todo.addAll(all.values());
    } else {
      Reproduction r = all.get(system);
      if (r == null) {
        throw new IllegalArgumentException(
            "unknown system '" + system + "'; known: " + String.join(", ", all.keySet()));
      }
      todo.add(r);
    }
    Engine.init();
    int failures = 0;
    for (Reproduction r : todo) {
      Path out = reports.resolve(r.name());
      Files.createDirectories(out);
      System.out.printf("== reproduce %s (%s) ==%n", r.name(), presetName);
      long t0 = System.nanoTime();
      try {
        Result res = r.run(presetName, out);
        System.out.printf(
            "== %s: reproduced=%s (%.0f s) -> %s%n",
            r.name(), res.reproduced(), (System.nanoTime() - t0) / 1e9, out.resolve("result.json"));
      } catch (Exception e) {
        failures++;
        System.err.printf("== %s: FAILED: %s%n", r.name(), e);
        if ("1".equals(System.getenv("PAPERS4J_DEBUG"))) e.printStackTrace();
        Files.writeString(out.resolve("error.txt"), String.valueOf(e) + System.lineSeparator());
      }
    }
    Path index = IndexPage.write(reports, all);
    System.out.println("wrote " + index);
    return failures == 0 ? 0 : 1;
  }
}
