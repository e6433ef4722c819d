package io.papers4j.design2code.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.papers4j.core.cli.CliCommand;
import io.papers4j.core.cli.ParentCommand;
import io.papers4j.core.io.AtomicFiles;
import io.papers4j.design2code.BenchmarkSet;
import io.papers4j.design2code.ChatClient;
import io.papers4j.design2code.Chromium;
import io.papers4j.design2code.Evaluation;
import io.papers4j.design2code.Generator;
import io.papers4j.design2code.PageScore;
import io.papers4j.design2code.Scorer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code papers4j design2code …}: score pages, evaluate predictions, build the set, generate. */
@Command(
    name = "design2code",
    mixinStandardHelpOptions = true,
    description = "Design2Code (arXiv 2403.03163): screenshot-to-HTML benchmark, metrics in headless Chromium, generation harness.",
    subcommands = {
      Design2CodeCommand.Score.class,
      Design2CodeCommand.Eval.class,
      Design2CodeCommand.BuildSet.class,
      Design2CodeCommand.Generate.class
    })
public final class Design2CodeCommand extends ParentCommand implements CliCommand {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Command(name = "score", mixinStandardHelpOptions = true, description = "Score a candidate page against a reference page; prints all scores as JSON.")
  public static final class Score implements Callable<Integer> {
    @Option(names = "--reference", required = true, description = "reference HTML file") Path reference;
    @Option(names = "--candidate", required = true, description = "candidate (predicted) HTML file") Path candidate;

    @Override
    public Integer call() throws Exception {
      try (Scorer s = Scorer.launch()) {
        PageScore score = s.score(reference, candidate);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("reference", reference.toString());
        out.put("candidate", candidate.toString());
        out.putAll(score.toMap());
        System.out.println(JSON.writeValueAsString(out));
      }
      return 0;
    }
  }

  @Command(name = "eval", mixinStandardHelpOptions = true, description = "Score a predictions directory (<id>.html per page) against a set; prints the per-page and corpus table.")
  public static final class Eval implements Callable<Integer> {
    @Option(names = "--set", required = true, description = "set directory (from build-set)") Path set;
    @Option(names = "--predictions", required = true, description = "directory with one <id>.html per page") Path predictions;
    @Option(names = "--json", description = "also write the scores to this JSON file") Path json;

    @Override
    public Integer call() throws Exception {
      long total = BenchmarkSet.read(set).stream().filter(e -> java.nio.file.Files.isRegularFile(predictions.resolve(e.id() + ".html"))).count();
      try (Scorer s = Scorer.launch();
          io.papers4j.core.train.ProgressBar bar = new io.papers4j.core.train.ProgressBar("design2code eval", total, "pages")) {
        int[] done = {0};
        Evaluation.Report r = Evaluation.run(set, predictions, s, id -> bar.update(++done[0], Double.NaN, 1, "page", id));
        bar.close();
        System.out.print(r.table());
        if (!r.missing().isEmpty()) System.out.println("skipped (no prediction): " + String.join(", ", r.missing()));
        if (!r.unrendered().isEmpty()) System.out.println("not scored (Chromium could not render them): " + String.join(", ", r.unrendered()));
        System.out.println("visual score encoder: " + s.encoderName());
        if (json != null) {
          Map<String, Object> out = new LinkedHashMap<>();
          Map<String, Object> pages = new LinkedHashMap<>();
          r.pages().forEach((k, v) -> pages.put(k, v.toMap()));
          out.put("pages", pages);
          double[] m = r.means();
          out.put("mean", Map.of("block", m[0], "text", m[1], "position", m[2], "color", m[3], "visual", m[4], "final", m[5]));
          out.put("skipped", r.missing());
          out.put("unrendered", r.unrendered());
          AtomicFiles.write(json, JSON.writeValueAsBytes(out));
        }
      }
      return 0;
    }
  }

  @Command(name = "build-set", mixinStandardHelpOptions = true, description = "Build a test set of real pages from Debian packages (Bootstrap 5 examples, PostgreSQL docs) with reference screenshots.")
  public static final class BuildSet implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "output directory") Path out;
    @Option(names = "--bootstrap", defaultValue = "100", description = "max Bootstrap examples (default: all left-to-right ones)") int bootstrap;
    @Option(names = "--postgres", defaultValue = "40", description = "PostgreSQL documentation pages (default: ${DEFAULT-VALUE})") int postgres;
    @Option(names = "--quick", description = "the reproduction's small set (a few short pages)") boolean quick;

    @Override
    public Integer call() throws Exception {
      BenchmarkSet.Selection sel = quick ? BenchmarkSet.Selection.quick() : new BenchmarkSet.Selection(bootstrap, postgres, 2000, 9000, List.of());
      try (Chromium c = Chromium.launch()) {
        List<BenchmarkSet.Entry> entries = BenchmarkSet.build(out, sel, c);
        for (BenchmarkSet.Entry e : entries) System.out.printf("%-40s %5dx%-6d %s%n", e.id(), e.width(), e.height(), e.packageName());
        System.out.println(entries.size() + " pages written to " + out);
      }
      return 0;
    }
  }

  @Command(name = "generate", mixinStandardHelpOptions = true, description = "Send the paper's prompts to an OpenAI-compatible vision endpoint and write predictions.")
  public static final class Generate implements Callable<Integer> {
    @Option(names = "--endpoint", required = true, description = "base URL, e.g. http://localhost:8000/v1") String endpoint;
    @Option(names = "--model", required = true, description = "model name sent to the endpoint") String model;
    @Option(names = "--method", required = true, description = "direct | text | revision") String method;
    @Option(names = "--set", required = true, description = "set directory") Path set;
    @Option(names = "--out", description = "output directory (default: <set>/predictions/<model>_<method>)") Path out;
    @Option(names = "--initial", description = "for revision: the text-augmented outputs (default: <set>/predictions/<model>_text)") Path initial;
    @Option(names = "--temperature", defaultValue = "0.0", description = "sampling temperature (paper: 0 for GPT-4V)") double temperature;

    @Override
    public Integer call() throws Exception {
      Generator.Method m = Generator.Method.parse(method);
      String safe = model.replaceAll("[^A-Za-z0-9._-]", "_");
      Path o = out != null ? out : set.resolve("predictions").resolve(safe + "_" + m.cli);
      Path prev = initial != null ? initial : set.resolve("predictions").resolve(safe + "_text");
      ChatClient client = new ChatClient(endpoint, model, new ChatClient.Decoding(temperature, 4096, 2024));
      try (Chromium c = Chromium.launch()) {
        List<String> ids = new Generator(client, c).run(set, m, o, m == Generator.Method.REVISION ? prev : null);
        System.out.println(ids.size() + " predictions written to " + o);
      }
      return 0;
    }
  }
}
