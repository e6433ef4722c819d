package io.papers4j.lm.galore;

import io.papers4j.core.io.AtomicFiles;
import io.papers4j.core.report.Machine;
import io.papers4j.core.report.Plot;
import io.papers4j.core.report.Result;
import io.papers4j.core.report.TimedReproduction;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.train.LossLog;
import io.papers4j.lm.galore.GaLoreExperiment.Method;
import io.papers4j.lm.galore.GaLoreExperiment.Preset;
import io.papers4j.lm.galore.GaLoreExperiment.Run;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.train.CorpusTokens;
import io.papers4j.lm.train.TokenTrainData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code papers4j reproduce galore}: GaLore's perplexity is close to full-rank AdamW's while its
 * optimizer state shrinks as the memory formula says (paper Table 2, 60M row, at tiny scale).
 */
public final class GaLoreReproduction extends TimedReproduction {
  static final long SEED = 42;
  static final double MB = 1024.0 * 1024.0;
  static final String PAPER = "2403.03507";
  static final String CLAIM = "GaLore pre-trains with perplexity close to full-rank AdamW while its optimizer state shrinks from 2mn"
      + " to mr + 2nr floats per m x n weight";

  public GaLoreReproduction() {
    super("galore", PAPER,
        "GaLore (2403.03507): low-rank gradient projection matches full-rank AdamW at a fraction of the optimizer memory",
        CLAIM);
  }

  /**
   * Presets. The model is the {@code tiny} LLaMA (d 128, 4 layers, 4 heads, SwiGLU 352, tied, BPE
   * 2048): the paper's 60M shape scaled down with r/d = 32/128 as its 128/512. Learning rates:
   * GaLore 0.01 with α 0.25 (the paper's, not tuned). The quick baselines use 2e-3, the best AdamW
   * learning rate of a sweep over {2e-3, 5e-3, 1e-2} at the quick budget ({@link GaLoreLrSweep},
   * numbers in docs/galore.md; the paper tunes its baselines over {1e-4 … 1e-2}); LoRA takes the
   * same. The full preset's baselines (2e-3) were not swept at its budget.
   */
  static Preset preset(String name) {
    double base = 2e-3;
    double quickBase = 2e-3;
    return switch (name) {
      // quick: 250 steps x 8 x 128 = 256K tokens per method, about 80 s per method on 2 idle cores
      case "quick" -> new Preset("quick", 250, 8, 128, 50, 16, 32, 0.25, List.of(
          new Method("adamw", "adamw", quickBase, 200),
          new Method("galore", "galore", 0.01, 50),
          new Method("lora", "lora", quickBase, 200),
          // ablation: full-rank AdamW with GaLore's lr split (0.01 on embeddings/norms, 0.0025 on
          // attention/MLP), to separate the projection from the split
          new Method("adamw_split", "adamw_split", 0.01, 200)));
      case "full" -> new Preset("full", 800, 16, 128, 100, 16, 32, 0.25, List.of(
          new Method("adamw", "adamw", base, 200),
          new Method("galore", "galore", 0.01, 200),
          new Method("lora", "lora", base, 200),
          new Method("galore8bit", "galore8bit", 0.01, 200),
          new Method("adam8bit", "adam8bit", base, 200),
          new Method("lowrank", "lowrank", base, 200),
          new Method("galore_T10", "galore", 0.01, 10),
          new Method("galore_T50", "galore", 0.01, 50),
          new Method("galore_T800", "galore", 0.01, 800)));
      default -> throw new IllegalArgumentException("unknown preset '" + name + "' (quick or full)");
    };
  }

  @Override
  protected Result reproduce(String preset, Path outDir, Context run) throws Exception {
    Engine.init();
    Preset p = preset(preset);
    double loadStart = Machine.load1();
    CorpusTokens corpus = CorpusTokens.load("kjv", LlamaConfig.preset("tiny").vocabSize());
    LlamaConfig config = LlamaConfig.preset("tiny").withVocabSize(corpus.tokenizer().vocabSize());
    TokenTrainData data = new TokenTrainData(corpus.train(), corpus.validation(), p.batch(), p.seqLen(), SEED);
    List<Run> runs = GaLoreExperiment.runAll(p, config, data, SEED, outDir.resolve("runs"));
    Result result = summarise(p, runs, config, corpus, run.seconds(), loadStart, Machine.load1());
    writePlots(runs, outDir);
    writeReadme(result, runs, p, outDir);
    return result;
  }

  static Result summarise(Preset p, List<Run> runs, LlamaConfig config, CorpusTokens corpus, double runtime,
      double loadStart, double loadEnd) {
    Result.Builder b = Result.builder("galore", PAPER).claim(CLAIM).preset(p.name()).seed(SEED).runtimeS(round(runtime, 1));
    Run full = find(runs, "adamw");
    Run galore = find(runs, "galore");
    for (Run r : runs) {
      String l = r.method().label();
      b.metric("val_ppl." + l, round(r.valPerplexity(), 3));
      b.metric("optimizer_state_mb." + l, round(r.stateBytes() / MB, 4));
      b.metric("formula_state_mb." + l, round(r.formulaBytes() / MB, 4));
      b.metric("trainable_params." + l, r.trainableParams());
      b.metric("peak_rss_mb." + l, round(r.peakRssBytes() / MB, 1));
      b.metric("ms_per_step." + l, round(r.result().msPerStep(), 1));
    }
    double pplRatio = galore.valPerplexity() / full.valPerplexity();
    b.metric("galore_over_fullrank_ppl", round(pplRatio, 4));
    Run split = runs.stream().filter(r -> r.method().label().equals("adamw_split")).findFirst().orElse(null);
    if (split != null) {
      b.metric("galore_over_adamw_split_ppl", round(galore.valPerplexity() / split.valPerplexity(), 4));
    }
    // the projected weights' state: measured GaLore bytes against full-rank Adam's 2mn floats
    long projectedGalore = galore.groups().stream().filter(g -> g.group().equals("galore"))
        .mapToLong(GaLoreAdamW.GroupState::totalBytes).sum();
    long projectedAdam = 4 * 2 * projectedNumel(config);
    long formulaGalore = 4 * galoreFloatsFor(config, p.rank());
    double measuredCut = (double) projectedGalore / projectedAdam;
    double formulaCut = (double) formulaGalore / projectedAdam;
    b.metric("projected_state_ratio_measured", round(measuredCut, 4));
    b.metric("projected_state_ratio_formula", round(formulaCut, 4));
    b.metric("total_state_ratio_galore_over_adamw", round((double) galore.stateBytes() / full.stateBytes(), 4));
    b.metric("train_tokens_per_method", (long) p.steps() * p.batch() * p.seqLen());
    // wall times on a shared machine mean little without the load beside them
    b.metric("load_average_1min_start", loadStart);
    b.metric("load_average_1min_end", loadEnd);

    b.reference("val_ppl.adamw", 34.06);
    b.reference("val_ppl.galore", 34.88);
    b.reference("val_ppl.lowrank", 78.18);
    b.reference("val_ppl.lora", 34.99);
    b.reference("memory_gb_weights_plus_states.adamw", 0.36);
    b.reference("memory_gb_weights_plus_states.galore", 0.24);
    b.reference("memory_gb_weights_plus_states.lowrank", 0.26);
    b.reference("memory_gb_weights_plus_states.lora", 0.36);
    b.reference("galore_over_fullrank_ppl", round(34.88 / 34.06, 4));
    b.reference("projected_state_ratio_formula_60M", round(galore60mRatio(), 4));

    boolean memoryAsFormula = galore.stateBytes() == galore.formulaBytes() && projectedGalore == formulaGalore
        && measuredCut < 1;
    boolean pplOk = pplRatio <= 1.05;
    String notes = String.format(Locale.ROOT,
        "Criterion: GaLore's validation perplexity <= 1.05 x full-rank AdamW's (%.3f vs %.3f, ratio %.4f: %s)"
            + " and GaLore's optimizer state equals the formula sum(r*min(m,n) + 2*r*max(m,n)) over projected"
            + " weights + 2x the rest (measured %d B, formula %d B; projected weights %.1f%% of Adam's 2mn: %s)."
            + " Tiny LLaMA (%d params, d=128, 4 layers, r=%d) on the KJV Bible (BPE %d, %d train / %d validation"
            + " tokens), %d steps x %d x %d tokens per method, seed %d, cosine schedule with 10%% warm-up. The"
            + " paper trains a 60M model on 1.1B C4 tokens; its Table 2 memory column is weights + states in BF16,"
            + " ours is the exact float32/int8 optimizer state. Peak RSS is per run in one JVM (VmHWM reset"
            + " between runs) and is dominated by the JVM and libtorch at this size. Peak learning rates: GaLore %g"
            + " (alpha %.2f, the paper's), AdamW %g (best of a small sweep at this budget, see docs/galore.md)."
            + " 1-minute load average %.1f at the start, %.1f at the end (2 cores).%s",
        galore.valPerplexity(), full.valPerplexity(), pplRatio, pplOk ? "met" : "NOT met",
        galore.stateBytes(), galore.formulaBytes(), 100 * measuredCut, memoryAsFormula ? "met" : "NOT met",
        config.parameterCount(), p.rank(), corpus.tokenizer().vocabSize(), corpus.train().length, corpus.validation().length,
        p.steps(), p.batch(), p.seqLen(), SEED, galore.method().lr(), p.galoreScale(), full.method().lr(),
        loadStart, loadEnd, split == null ? "" : String.format(Locale.ROOT, " Ablation adamw_split (full-rank AdamW"
            + " with GaLore's lr split: %g on embeddings/norms, %g on attention/MLP): perplexity %.3f, GaLore/split"
            + " %.4f.", split.method().lr(), split.method().lr() * p.galoreScale(), split.valPerplexity(),
            galore.valPerplexity() / split.valPerplexity()));
    return b.reproduced(pplOk && memoryAsFormula).notes(notes).build();
  }


  /** Paper §4.2 at the 60M shapes (d 512, F 1376, 8 layers, r 128): GaLore's state over Adam's. */
  static double galore60mRatio() {
    long d = 512, f = 1376, r = 128;
    long adam = 8 * (4 * 2 * d * d + 3 * 2 * d * f);
    long gal = 8 * (4 * (r * d + 2 * r * d) + 3 * (r * d + 2 * r * f));
    return (double) gal / adam;
  }

  private static long projectedNumel(LlamaConfig c) {
    long d = c.hiddenSize(), f = c.intermediateSize();
    long q = (long) c.numAttentionHeads() * c.headDim(), kv = (long) c.numKeyValueHeads() * c.headDim();
    return c.numHiddenLayers() * (d * q + 2 * d * kv + q * d + 3 * d * f);
  }

  private static long galoreFloatsFor(LlamaConfig c, int rank) {
    long d = c.hiddenSize(), f = c.intermediateSize();
    long q = (long) c.numAttentionHeads() * c.headDim(), kv = (long) c.numKeyValueHeads() * c.headDim();
    long[][] shapes = {{q, d}, {kv, d}, {kv, d}, {d, q}, {f, d}, {f, d}, {d, f}};
    long sum = 0;
    for (long[] s : shapes) {
      long r = Math.min(rank, Math.min(s[0], s[1]));
      sum += r * Math.min(s[0], s[1]) + 2 * r * Math.max(s[0], s[1]);
    }
    return c.numHiddenLayers() * sum;
  }

  private static Run find(List<Run> runs, String label) {
    for (Run r : runs) if (r.method().label().equals(label)) return r;
    throw new IllegalStateException("no run labelled " + label);
  }

  private static double round(double v, int digits) {
    double s = Math.pow(10, digits);
    return Math.round(v * s) / s;
  }

  static void writePlots(List<Run> runs, Path outDir) throws Exception {
    var chart = Plot.line("Validation loss vs step (tiny LLaMA on KJV)").xLabel("step").yLabel("validation loss");
    for (Run r : runs) {
      List<Double> x = new ArrayList<>(), y = new ArrayList<>();
      for (LossLog.EvalPoint e : r.curve()) {
        if (e.step() == 0) continue; // the untrained loss (log V) would flatten the curves
        x.add((double) e.step());
        y.add(e.loss());
      }
      chart.series(r.method().label(), x, y);
    }
    chart.write(outDir.resolve("val_loss.png"));
    double[] mb = runs.stream().mapToDouble(r -> r.stateBytes() / MB).toArray();
    var bars = Plot.bar("Optimizer state (MB)").labels(runs.stream().map(r -> r.method().label()).toList())
        .values(mb).yLabel("MB");
    bars.write(outDir.resolve("optimizer_state.png"));
  }

  static void writeReadme(Result r, List<Run> runs, Preset p, Path outDir) throws Exception {
    Map<String, Double> paperPpl = Map.of("adamw", 34.06, "galore", 34.88, "lowrank", 78.18, "lora", 34.99);
    Map<String, Double> paperMem = Map.of("adamw", 0.36, "galore", 0.24, "lowrank", 0.26, "lora", 0.36);
    StringBuilder sb = new StringBuilder();
    sb.append("# GaLore reproduction (").append(p.name()).append(" preset)\n\n");
    sb.append("Claim: ").append(r.claim()).append(".\n\n");
    sb.append("**Reproduced: ").append(r.reproduced() ? "yes" : "no").append("** — ").append(r.notes()).append("\n\n");
    sb.append("| method | optimizer | lr | T | val ppl (ours) | paper 60M ppl | optimizer state MB (ours) | formula MB |"
        + " paper 60M memory (weights+states, BF16) | trainable params | peak RSS MB | ms/step |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Run run : runs) {
      Method m = run.method();
      String base = m.label().startsWith("galore_T") ? null : m.label();
      sb.append(String.format(Locale.ROOT, "| %s | %s | %g | %d | %.3f | %s | %.4f | %.4f | %s | %d | %.0f | %.0f |%n",
          m.label(), m.optimizer(), m.lr(), m.updateGap(), run.valPerplexity(),
          base != null && paperPpl.containsKey(base) ? paperPpl.get(base).toString() : "–",
          run.stateBytes() / MB, run.formulaBytes() / MB,
          base != null && paperMem.containsKey(base) ? paperMem.get(base) + "G" : "–",
          run.trainableParams(), run.peakRssBytes() / MB, run.result().msPerStep()));
    }
    sb.append("\nPer-group optimizer state (bytes):\n\n| method | group | params | moments | projectors | int8 scales |\n|---|---|---|---|---|---|\n");
    for (Run run : runs) {
      for (GaLoreAdamW.GroupState g : run.groups()) {
        sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %d |%n", run.method().label(), g.group(),
            g.parameters(), g.momentBytes(), g.projectorBytes(), g.scaleBytes()));
      }
    }
    sb.append(String.format(Locale.ROOT, "%nMemory formula: per projected m x n weight GaLore keeps r*min(m,n) + 2*r*max(m,n)"
        + " floats instead of Adam's 2mn. Here that is %.1f%% of Adam's state for the projected weights (measured %.1f%%);"
        + " at the paper's 60M shapes (r 128, d 512) it is %.1f%%.%n",
        100 * (double) r.metrics().get("projected_state_ratio_formula"),
        100 * (double) r.metrics().get("projected_state_ratio_measured"), 100 * galore60mRatio()));
    sb.append("\n![validation loss](val_loss.png)\n\n![optimizer state](optimizer_state.png)\n");
    AtomicFiles.writeString(outDir.resolve("README.md"), sb.toString());
  }
}
