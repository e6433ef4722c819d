package io.papers4j.lm.yi;

import io.papers4j.core.io.AtomicFiles;
import io.papers4j.core.nn.BlockInfluence;
import io.papers4j.core.optim.LrSchedule;
import io.papers4j.core.report.Plot;
import io.papers4j.core.report.Result;
import io.papers4j.core.report.TimedReproduction;
import io.papers4j.core.train.LossLog;
import io.papers4j.core.train.TrainResult;
import io.papers4j.lm.llama.ByteLmExperiment;
import io.papers4j.lm.llama.LlamaModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * {@code papers4j reproduce yi-depth}: Yi's depth up-scaling claim at small scale. Copying the
 * middle layers whose input/output cosine is near 1 keeps quality at initialisation, and continued
 * training of the deeper model then beats the same continued training of the base.
 *
 * <p>The spec's plan: an 8-layer byte-level LLaMA (d = 64) on KJV; copy layers 3–6 and insert the
 * copies after layer 6 (12 layers, mirroring Yi-9B's copy of 12–27 of 32); both models then train
 * the same number of further steps at a constant learning rate, as Yi-9B's continued pretraining.
 */
public final class YiDepthReproduction extends TimedReproduction {
  record Preset(long baseSteps, long continueSteps, int evalWindows) {
    static Preset of(String name) {
      return switch (name) {
        case "quick" -> new Preset(600, 300, 128);
        case "full" -> new Preset(1500, 600, 512);
        case "smoke" -> new Preset(4, 2, 2); // plumbing check for tests only
        default -> throw new IllegalArgumentException("unknown preset '" + name + "' (quick, full or smoke)");
      };
    }
  }

  static final long SEED = 99;
  static final int FIRST = 3;
  static final int LAST = 6;
  static final double LR = 3e-3;
  static final double CONTINUE_LR = 1e-3;

  public YiDepthReproduction() {
    super("yi-depth", "2403.04652",
        "Yi depth up-scaling: duplicate middle layers, keep quality, train further (2403.04652 §7.3)",
        "Duplicating high-cosine middle layers gives a deeper model that starts as good as the base and "
            + "improves beyond it with continued training");
  }

  @Override
  protected Result reproduce(String preset, Path out, Context run) throws Exception {
    Preset p = Preset.of(preset);
    ByteLmExperiment.Data data = ByteLmExperiment.kjv();
    LlamaModel base = new LlamaModel(ByteLmExperiment.config(64, 8, 172, 128), SEED);
    ByteLmExperiment.train(base, data, p.baseSteps(), 16, 128, LR, null, SEED, out.resolve("train-base"));

    var calibration = data.windows(128, 0, 64, 16);
    var heldOut = data.windows(128, 64, p.evalWindows(), 16);
    double[] cosine = layerCosine(base, ByteLmExperiment.inputs(calibration));
    double median = median(cosine);
    double copiedMin = Arrays.stream(cosine, FIRST, LAST + 1).min().orElseThrow();
    double basePpl = ByteLmExperiment.perplexity(base, heldOut);

    LlamaModel up = DepthUpscaling.upscale(base, FIRST, LAST);
    double initPpl = ByteLmExperiment.perplexity(up, heldOut);
    double initRatio = initPpl / basePpl;

    LrSchedule constant = LrSchedule.constantWithWarmup(CONTINUE_LR, 20);
    TrainResult contBase = ByteLmExperiment.train(base, data, p.continueSteps(), 16, 128, CONTINUE_LR, constant,
        SEED + 1, out.resolve("continue-base"));
    TrainResult contUp = ByteLmExperiment.train(up, data, p.continueSteps(), 16, 128, CONTINUE_LR, constant,
        SEED + 1, out.resolve("continue-upscaled"));
    double baseAfter = ByteLmExperiment.perplexity(base, heldOut);
    double upAfter = ByteLmExperiment.perplexity(up, heldOut);

    boolean initOk = Math.abs(initRatio - 1) <= 0.03;
    boolean cosineOk = copiedMin >= median;
    boolean trainOk = upAfter < baseAfter;
    boolean reproduced = initOk && trainOk;

    plot(out, cosine, contBase, contUp);
    String notes = String.format(Locale.ROOT,
        "reproduced = held-out perplexity of the up-scaled model at initialisation within 3%% of the base "
            + "(ratio %.4f) and lower than the base after %d further steps for both (%.3f vs %.3f). Secondary: "
            + "copied layers' min cosine %.4f vs median %.4f (%s). Base: 8-layer d=64 byte LLaMA, %d steps on KJV; "
            + "copies of layers %d-%d inserted after layer %d -> 12 layers; continued at constant lr %.0e.",
        initRatio, p.continueSteps(), upAfter, baseAfter, copiedMin, median, cosineOk ? "holds" : "does not hold",
        p.baseSteps(), FIRST, LAST, LAST, CONTINUE_LR);
    Result r = run.result().seed(SEED)
        .metric("layer_cosine", cosine)
        .metric("median_cosine", median)
        .metric("copied_layers_min_cosine", copiedMin)
        .metric("base_perplexity", basePpl)
        .metric("upscaled_init_perplexity", initPpl)
        .metric("init_perplexity_ratio", initRatio)
        .metric("base_continued_perplexity", baseAfter)
        .metric("upscaled_continued_perplexity", upAfter)
        .metric("copied_layers_cosine_at_least_median", cosineOk)
        .metric("base_parameters", base.config().parameterCount())
        .metric("upscaled_parameters", up.config().parameterCount())
        .reference("yi6b_mmlu", 63.2)
        .reference("yi9b_init_mmlu", 63.0)
        .reference("yi9b_mmlu", 68.4)
        .reference("yi6b_gsm8k", 32.5)
        .reference("yi9b_init_gsm8k", 31.3)
        .reference("yi9b_gsm8k", 52.3)
        .reference("layers", "32 -> 48 (copies of 12-27 inserted after 27)")
        .reproduced(reproduced).notes(notes).build();
    AtomicFiles.writeString(out.resolve("README.md"), readme(r, cosine, basePpl, initPpl, baseAfter, upAfter));
    return r;
  }

  static double[] layerCosine(LlamaModel model, List<Tensor> batches) {
    BlockInfluence bi = new BlockInfluence(model.layers.size());
    try (NoGradGuard g = new NoGradGuard()) {
      for (Tensor ids : batches) {
        try (PointerScope s = new PointerScope()) {
          bi.add(model.residualStream(ids), null);
        }
      }
    }
    double[] b = bi.blockInfluence();
    double[] cos = new double[b.length];
    for (int i = 0; i < b.length; i++) cos[i] = 1 - b[i];
    return cos;
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  private static void plot(Path out, double[] cosine, TrainResult base, TrainResult up) throws java.io.IOException {
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < cosine.length; i++) labels.add(String.valueOf(i));
    Plot.bar("Input/output cosine per layer of the 8-layer base (copied: 3-6)").labels(labels).values(cosine)
        .xLabel("layer").yLabel("mean cos(x_i, x_i+1)").write(out.resolve("layer_cosine.png"));
    Plot.line("Continued training: base (8 layers) vs up-scaled (12 layers)")
        .series("base val loss", evalSteps(base), evalLoss(base))
        .series("up-scaled val loss", evalSteps(up), evalLoss(up))
        .xLabel("continued step").yLabel("validation loss (nats/byte)").write(out.resolve("continued_training.png"));
  }

  private static double[] evalSteps(TrainResult r) {
    return r.eval().stream().mapToDouble(LossLog.EvalPoint::step).toArray();
  }

  private static double[] evalLoss(TrainResult r) {
    return r.eval().stream().mapToDouble(LossLog.EvalPoint::loss).toArray();
  }

  private static String readme(Result r, double[] cosine, double basePpl, double initPpl, double baseAfter, double upAfter) {
    StringBuilder s = new StringBuilder("# Yi depth up-scaling (arXiv 2403.04652 §7.3)\n\n");
    s.append("Preset `").append(r.preset()).append("`, seed ").append(r.seed())
        .append(String.format(Locale.ROOT, ", %.0f s. **Reproduced: %s.**%n%n", r.runtimeS(), r.reproduced() ? "yes" : "no"))
        .append(r.notes()).append("\n\n| layer | input/output cosine |\n|---|---|\n");
    for (int i = 0; i < cosine.length; i++) {
      s.append(String.format(Locale.ROOT, "| %d%s | %.4f |%n", i, i >= FIRST && i <= LAST ? " (copied)" : "", cosine[i]));
    }
    s.append("\n| model | held-out perplexity | paper (MMLU / GSM8K) |\n|---|---|---|\n")
        .append(String.format(Locale.ROOT, "| base, 8 layers | %.3f | Yi-6B 63.2 / 32.5 |%n", basePpl))
        .append(String.format(Locale.ROOT, "| up-scaled, 12 layers, at init | %.3f (%+.2f%%) | Yi-9B Init 63.0 / 31.3 |%n",
            initPpl, 100 * (initPpl / basePpl - 1)))
        .append(String.format(Locale.ROOT, "| base, continued | %.3f | — |%n", baseAfter))
        .append(String.format(Locale.ROOT, "| up-scaled, continued | %.3f | Yi-9B 68.4 / 52.3 |%n", upAfter))
        .append("\nPlots: `layer_cosine.png`, `continued_training.png`.\n");
    return s.toString();
  }
}
