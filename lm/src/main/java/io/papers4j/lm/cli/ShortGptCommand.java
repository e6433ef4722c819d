package io.papers4j.lm.cli;

import io.papers4j.core.cli.CliCommand;
import io.papers4j.core.cli.PrecisionOption;
import io.papers4j.core.cli.SaveDtypeOption;
import io.papers4j.core.data.Corpora;
import io.papers4j.core.data.TextCorpus;
import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.nn.BlockInfluence;
import io.papers4j.core.report.Plot;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tensor.Precision;
import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaModel;
import io.papers4j.lm.shortgpt.LayerOrdering;
import io.papers4j.lm.shortgpt.ShortGpt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code papers4j shortgpt score|prune}: Block Influence per layer and one-shot layer removal. */
@Command(
    name = "shortgpt",
    mixinStandardHelpOptions = true,
    description = "ShortGPT (arXiv 2403.03853): score layers by Block Influence and remove the least influential.",
    subcommands = {ShortGptCommand.Score.class, ShortGptCommand.Prune.class})
public final class ShortGptCommand implements CliCommand, Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  /** Options shared by both verbs: the model and its calibration text. */
  static class Calibration {
    @Option(names = "--model", required = true, description = "Checkpoint directory (LLaMA/Mistral/Yi) with tokenizer.json.")
    Path model;

    @Option(names = "--corpus", defaultValue = "kjv",
        description = "Calibration text: a corpus name (${DEFAULT-VALUE}) or a UTF-8 text file.")
    String corpus;

    @Option(names = "--windows", defaultValue = "64", description = "Calibration windows (default ${DEFAULT-VALUE}).")
    int windows;

    @Option(names = "--block", defaultValue = "256",
        description = "Tokens per window, capped at the model's context (default ${DEFAULT-VALUE}, as the official code).")
    int block;

    @Option(names = "--raw-last-layer",
        description = "Compare the last layer's output before the final norm (the official code uses after).")
    boolean rawLastLayer;

    @Mixin PrecisionOption precision;

    BlockInfluence score(LlamaModel m) throws java.io.IOException {
      if (windows < 1) throw new IllegalArgumentException("--windows must be >= 1");
      int t = Math.min(block, m.config().maxPositionEmbeddings());
      int[] ids = tokenizer(model).encodeOrdinary(text(corpus));
      if (ids.length < t + 1) {
        throw new IllegalArgumentException("corpus '" + corpus + "' has only " + ids.length + " tokens");
      }
      int n = Math.min(windows, ids.length / t);
      // Windows spread evenly over the text, batch 1 as in the official calibration loop.
      List<Tensor> batches = new ArrayList<>();
      long stride = (ids.length - t) / Math.max(1, n);
      for (int w = 0; w < n; w++) {
        long[] x = new long[t];
        int start = (int) (w * stride);
        for (int i = 0; i < t; i++) x[i] = ids[start + i];
        batches.add(Tensor.create(x, 1, t));
      }
      try (Precision.Region cast = precision.autocast()) {
        return ShortGpt.score(m, batches, !rawLastLayer);
      }
    }
  }

  @Command(name = "score", mixinStandardHelpOptions = true,
      description = "Print Block Influence and relative magnitude for every layer.")
  static final class Score extends Calibration implements Callable<Integer> {
    @Option(names = "--plot", description = "Also write a bar chart of BI to this PNG.")
    Path plot;

    @Override
    public Integer call() throws Exception {
      Engine.init();
      LlamaModel m = LlamaCheckpoint.load(model);
      BlockInfluence s = score(m);
      double[] bi = s.blockInfluence();
      double[] rm = s.relativeMagnitude();
      List<Integer> order = LayerOrdering.BI.removalOrder(bi, rm, 0);
      System.out.printf("Block Influence of %s on %s (%.0f tokens)%n", model, corpus, s.tokens());
      System.out.println("layer  BI        rel.magnitude  removal rank");
      for (int i = 0; i < bi.length; i++) {
        System.out.printf(Locale.ROOT, "%5d  %.6f  %.6f       %d%n", i, bi[i], rm[i], order.indexOf(i) + 1);
      }
      if (plot != null) {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < bi.length; i++) labels.add(String.valueOf(i));
        Plot.bar("Block Influence: " + model.getFileName()).labels(labels).values(bi).xLabel("layer")
            .yLabel("BI").write(plot);
        System.out.println("wrote " + plot);
      }
      return 0;
    }
  }

  @Command(name = "prune", mixinStandardHelpOptions = true,
      description = "Remove N layers and write a checkpoint with renumbered layers and updated config.json.")
  static final class Prune extends Calibration implements Callable<Integer> {
    @Option(names = "--remove", required = true, description = "Number of layers to remove.")
    int remove;

    @Option(names = "--by", defaultValue = "bi",
        description = "Ordering: bi, sequential, reverse, magnitude or random (default ${DEFAULT-VALUE}).")
    String by;

    @Option(names = "--seed", defaultValue = "0", description = "Seed for --by random.")
    long seed;

    @Option(names = "--out", required = true, description = "Output checkpoint directory (must not exist).")
    Path out;

    @Mixin SaveDtypeOption saveDtype;

    @Override
    public Integer call() throws Exception {
      Engine.init();
      LayerOrdering ordering = LayerOrdering.parse(by);
      if (Files.exists(out)) throw new IllegalArgumentException(out + " already exists; choose a new --out");
      LlamaModel m = LlamaCheckpoint.load(model);
      int layers = m.layers.size();
      if (remove < 1 || remove >= layers) {
        throw new IllegalArgumentException("--remove must be between 1 and " + (layers - 1) + " for this " + layers + "-layer model");
      }
      double[] bi = null;
      double[] rm = null;
      if (ordering == LayerOrdering.BI || ordering == LayerOrdering.MAGNITUDE) {
        BlockInfluence s = score(m);
        bi = s.blockInfluence();
        rm = s.relativeMagnitude();
      } else {
        bi = new double[layers];
      }
      List<Integer> removed = new ArrayList<>(ordering.removalOrder(bi, rm, seed).subList(0, remove));
      Collections.sort(removed);
      LlamaModel pruned = ShortGpt.remove(m, removed);
      Map<String, Object> info = new LinkedHashMap<>(Checkpoint.readRunInfo(model));
      info.put("shortgpt_removed_layers", removed);
      info.put("shortgpt_ordering", ordering.name().toLowerCase(Locale.ROOT));
      info.put("shortgpt_source", model.toString());
      LlamaCheckpoint.save(pruned, out, info, saveDtype.get());
      Path tok = model.resolve("tokenizer.json");
      if (Files.exists(tok)) Files.copy(tok, out.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
      System.out.printf("removed layers %s (%s); %d -> %d layers; wrote %s%n", removed, by, layers, pruned.layers.size(), out);
      return 0;
    }
  }

  static BpeTokenizer tokenizer(Path model) {
    Path f = model.resolve("tokenizer.json");
    if (!Files.exists(f)) {
      throw new IllegalArgumentException(f + ": no such file; calibration needs the model's tokenizer beside it");
    }
    return BpeTokenizer.load(f);
  }

  static String text(String corpus) throws java.io.IOException {
    Path p = Path.of(corpus);
    if (Files.isRegularFile(p)) return Files.readString(p);
    TextCorpus c = Corpora.load(corpus);
    return c.text();
  }
}
