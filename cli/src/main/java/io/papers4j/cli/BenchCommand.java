package io.papers4j.cli;

import io.papers4j.core.cli.Benchmark;
import io.papers4j.core.tensor.Engine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code papers4j bench <name> [args]}: runs one benchmark and records it in docs/BENCHMARKS.md. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Run a speed/memory benchmark and write its section of docs/BENCHMARKS.md.")
final class BenchCommand implements java.util.concurrent.Callable<Integer> {

  @Parameters(index = "0", arity = "0..1", description = "Benchmark name; omit to list them.")
  String name;

  @Parameters(index = "1..*", arity = "0..*", description = "Arguments passed to the benchmark.")
  List<String> args = new ArrayList<>();

  @Option(names = "--doc", description = "Markdown file to update (default: ${DEFAULT-VALUE}).")
  Path doc = Path.of("docs/BENCHMARKS.md");

  @Override
  public Integer call() throws Exception {
    TreeMap<String, Benchmark> all = new TreeMap<>();
    for (Benchmark b : ServiceLoader.load(Benchmark.class)) all.put(b.name(), b);
    if (name == null) {
      all.values().forEach(b -> System.out.printf("  %-16s %s%n", b.name(), b.description()));
      return 0;
    }
    Benchmark b = all.get(name);
    if (b == null) {
      throw new IllegalArgumentException(
          "unknown benchmark '" + name + "'; known: " + String.join(", ", all.keySet()));
    }
    Engine.init();
    String section = b.run(args, System.out);
    // picocli needs "--" before options meant for the benchmark, so the recorded command has it too
    String command = "./papers4j bench " + name + (args.isEmpty() ? "" : " -- " + String.join(" ", args));
    BenchmarkDoc.update(doc, name, command, section);
    System.out.println("wrote section '" + name + "' of " + doc);
    return 0;
  }
}
