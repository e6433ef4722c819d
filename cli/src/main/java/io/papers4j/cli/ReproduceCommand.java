package io.papers4j.cli;

import io.papers4j.core.report.Reproduction;
import io.papers4j.core.tensor.Engine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code papers4j reproduce [system] [--quick|--full] [--part P] [--force]}: runs one paper's reproduction (or only
 * the named parts of it), or
 * every one when no system is named, writing each report and {@code reports/index.html} as soon as
 * the system is done; systems whose result.json is current for the same code and preset are skipped
 * unless {@code --force} (see {@link ReproduceRun}).
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

  @Option(names = "--force", description = "Rerun systems whose result.json is current for this code and preset.")
  boolean force;

  @Option(names = "--part", split = ",", paramLabel = "PART",
      description = "Run only these parts of the named system's experiment (repeatable or comma-separated; see --list). The report "
          + "then holds only those parts and says so.")
  List<String> parts = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    TreeMap<String, Reproduction> all = new TreeMap<>();
    for (Reproduction r : ServiceLoader.load(Reproduction.class)) all.put(r.name(), r);
    if (list) {
      int width = all.keySet().stream().mapToInt(String::length).max().orElse(0); // names line up whatever their length
      all.values().forEach(r -> System.out.printf("  %-" + width + "s  %s%s%n", r.name(), r.title(),
          r.parts().isEmpty() ? "" : " [parts: " + String.join(", ", r.parts()) + "]"));
      return 0;
    }
    if (!parts.isEmpty() && system == null) {
      throw new IllegalArgumentException("--part needs a system: papers4j reproduce <system> --part P");
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
      if (!parts.isEmpty()) {
        for (String p : parts) {
          if (!r.parts().contains(p.trim().toLowerCase(java.util.Locale.ROOT))) {
            throw new IllegalArgumentException(r.parts().isEmpty() ? system + " has no parts to run alone"
                : "unknown part '" + p + "' of " + system + "; its parts: " + String.join(", ", r.parts()));
          }
        }
      }
    }
    Engine.init();
    Map<String, ReproduceRun.Status> outcome =
        new ReproduceRun(reports, presetName, parts, force, r -> CodeFingerprint.of(r.getClass()), System.out).run(todo, all);
    long failures = outcome.values().stream().filter(s -> s == ReproduceRun.Status.FAILED).count();
    return failures == 0 ? 0 : 1;
  }
}
