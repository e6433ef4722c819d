package io.papers4j.lm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.papers4j.core.cli.PrecisionOption;
import io.papers4j.core.io.AtomicFiles;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tensor.Precision;
import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaModel;
import io.papers4j.lm.train.CorpusTokens;
import io.papers4j.lm.yi.NeedleGrid;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code papers4j lm needle --model DIR}: the needle-in-a-haystack (passkey) heatmap of a model. */
@Command(
    name = "needle",
    mixinStandardHelpOptions = true,
    description = {
      "Needle in a haystack: a five-digit pass key hidden at each depth of a held-out real-text haystack",
      "(the corpus's validation split) at each context length; the model answers greedily and is scored",
      "by exact match. Writes the depth x length heatmap (PNG) and the grid (JSON)."
    })
final class NeedleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, description = "Checkpoint directory with tokenizer.json.")
  Path model;

  @Option(names = "--lengths", split = ",", defaultValue = "128,256,512,1024",
      description = "Context lengths in tokens (default ${DEFAULT-VALUE}).")
  int[] lengths;

  @Option(names = "--depths", split = ",", defaultValue = "0,0.25,0.5,0.75,1",
      description = "Needle depths in [0, 1], 0 = start of the haystack (default ${DEFAULT-VALUE}).")
  double[] depths;

  @Option(names = "--trials", defaultValue = "8", description = "Pass keys per cell (default ${DEFAULT-VALUE}).")
  int trials;

  @Option(names = "--corpus", defaultValue = "kjv", description = "Haystack corpus, validation split (default ${DEFAULT-VALUE}).")
  String corpus;

  @Option(names = "--seed", defaultValue = "0", description = "Seed for keys and haystack offsets (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", defaultValue = "needle", description = "Output prefix: PREFIX.png and PREFIX.json (default ${DEFAULT-VALUE}).")
  Path out;

  @Mixin PrecisionOption precision;

  @Override
  public Integer call() throws Exception {
    Engine.init();
    for (int l : lengths) if (l < 1) throw new IllegalArgumentException("--lengths must be positive, got " + l);
    BpeTokenizer tok = ModelDir.tokenizer(model);
    LlamaModel m = LlamaCheckpoint.load(model);
    int[] hay = CorpusTokens.load(corpus, tok).validation();
    NeedleGrid grid;
    try (Precision.Region cast = precision.autocast()) {
      grid = NeedleGrid.run(m, tok, hay, lengths, depths, trials, seed);
    }
    Path png = Path.of(out + ".png");
    Path json = Path.of(out + ".json");
    if (png.toAbsolutePath().getParent() != null) Files.createDirectories(png.toAbsolutePath().getParent());
    grid.writeHeatmap(png, "Needle in a haystack: " + model.getFileName());
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("model", model.toString());
    j.put("haystack", corpus + " validation split");
    j.put("precision", precision.get().id());
    j.putAll(grid.toJson());
    AtomicFiles.writeString(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(j) + "\n");
    PrintWriter w = spec.commandLine().getOut();
    StringBuilder head = new StringBuilder("depth \\ length");
    for (int l : lengths) head.append(String.format(Locale.ROOT, "%8d", l));
    w.println(head);
    for (int d = 0; d < depths.length; d++) {
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%13.0f%%", 100 * depths[d]));
      for (int l = 0; l < lengths.length; l++) row.append(String.format(Locale.ROOT, "%8.2f", grid.accuracy()[d][l]));
      w.println(row);
    }
    w.printf(Locale.ROOT, "mean exact-match accuracy %.3f over %d trials per cell; wrote %s and %s%n",
        grid.mean(), trials, png, json);
    w.flush();
    return 0;
  }
}
