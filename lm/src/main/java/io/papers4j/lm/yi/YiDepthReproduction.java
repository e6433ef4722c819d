package io.papers4j.lm.yi;

import io.papers4j.core.io.AtomicFiles;
import io.papers4j.core.nn.BlockInfluence;
import io.papers4j.core.optim.LrSchedule;
import io.papers4j.core.report.Machine;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * {@code papers4j reproduce yi-depth}: Yi's depth up-scaling claim at small scale. Copying the
 * middle layers whose input/output cosine is near 1 keeps quality at initialisation, and continued
 * training of the deeper model then beats the same continued training of the base.
 *
 * <p>Two named protocols, both on byte-level LLaMAs (d = 64) trained on KJV:
 *
 * <ul>
 *   <li>{@code yi9b} (the {@code quick} and {@code full} presets): the paper's protocol at small
 *       scale. A 16-layer base trained long enough for the middle layers' input/output cosine to
 *       approach 1 (the profile is measured at four points of the base run); the range Yi-9B copies
 *       at the same relative depth ({@link DepthUpscaling#yi9bRange}: 6-13 of 16, as 12-27 of 32),
 *       giving 24 layers; continued training of both models for 800/3100 of the base's steps (Yi-9B's
 *       800 B tokens after Yi-6B's 3.1 T) at a constant learning rate one tenth of the base's peak
 *       (Yi-9B's 3e-5 after Yi-6B's 3e-4).
 *   <li>{@code spec} (presets {@code spec-quick}, {@code spec-full}): the spec's plan, an 8-layer
 *       base of 600 steps, copies of 3-6 (12 layers), 300 further steps at lr 1e-3 for both.
 * </ul>
 */
public final class YiDepthReproduction extends TimedReproduction {
  /** Yi-9B's continued pretraining (800 B tokens) over Yi-6B's pretraining (3.1 T tokens). */
  static final double YI_CONTINUE_FRACTION = 800.0 / 3100.0;

  /**
   * One protocol at one size.
   *
   * @param name "yi9b" or "spec"
   * @param layers depth of the base model
   * @param first first copied layer (inclusive)
   * @param last last copied layer (inclusive)
   * @param baseSteps base training steps (cosine schedule from {@link #LR})
   * @param continueSteps further steps for both the base and the up-scaled model
   * @param continueLr constant learning rate of the further steps (20 warm-up steps)
   * @param evalWindows held-out windows of 128 bytes for the perplexities
   */
  record Protocol(String name, int layers, int first, int last, long baseSteps, long continueSteps,
      double continueLr, int evalWindows) {
    Protocol {
      if (baseSteps < 4 || continueSteps < 1) throw new IllegalArgumentException("too few steps: " + baseSteps + "/" + continueSteps);
      DepthUpscaling.plan(layers, first, last); // validates the range
    }

    static Protocol yi9b(int layers, long baseSteps, int evalWindows) {
      int[] r = DepthUpscaling.yi9bRange(layers);
      long cont = Math.max(1, Math.round(baseSteps * YI_CONTINUE_FRACTION));
      return new Protocol("yi9b", layers, r[0], r[1], baseSteps, cont, LR / 10, evalWindows);
    }

    static Protocol spec(long baseSteps, long continueSteps, int evalWindows) {
      return new Protocol("spec", 8, 3, 6, baseSteps, continueSteps, 1e-3, evalWindows);
    }

    static Protocol of(String preset) {
      return switch (preset) {
        case "quick" -> yi9b(16, 700, 128); // + 181 continued steps each: 441 s at load average 6 -> 2.7 (2026-12-05)
        case "full" -> yi9b(16, 3000, 512);
        case "spec-quick" -> spec(600, 300, 128);
        case "spec-full" -> spec(1500, 600, 512);
        case "smoke" -> yi9b(16, 4, 2); // plumbing checks for tests only
        case "spec-smoke" -> spec(4, 2, 2);
        default -> throw new IllegalArgumentException(
            "unknown preset '" + preset + "' (quick, full, spec-quick, spec-full, smoke or spec-smoke)");
      };
    }

    int upscaledLayers() {
      return layers + last - first + 1;
    }
  }

  static final long SEED = 99;
  static final double LR = 3e-3;
  static final int PROFILES = 4; // cosine profiles measured during the base run

  public YiDepthReproduction() {
    super("yi-depth", "2403.04652",
        "Yi depth up-scaling: duplicate middle layers, keep quality, train further (2403.04652 §7.3)",
        "Duplicating high-cosine middle layers gives a deeper model that starts as good as the base and "
            + "improves beyond it with continued training");
  }

  @Override
  protected Result reproduce(String preset, Path out, Context run) throws Exception {
    Protocol p = Protocol.of(preset);
    ByteLmExperiment.Data data = ByteLmExperiment.kjv();
    var calibration = data.windows(128, 0, 64, 16);
    var heldOut = data.windows(128, 64, p.evalWindows(), 16);
    List<Tensor> calInputs = ByteLmExperiment.inputs(calibration);

    LlamaModel base = new LlamaModel(ByteLmExperiment.config(64, p.layers(), 172, 128), SEED);
    Map<Long, double[]> profiles = new LinkedHashMap<>();
    long every = Math.max(1, p.baseSteps() / PROFILES);
    TrainResult baseRun = ByteLmExperiment.train(base, data, p.baseSteps(), 16, 128, LR, null, SEED,
        out.resolve("train-base"), done -> {
          if (done % every == 0 && done < p.baseSteps()) profiles.put(done, layerCosine(base, calInputs));
        });
    double[] cosine = layerCosine(base, calInputs);
    profiles.put(p.baseSteps(), cosine);
    double median = median(cosine);
    double copiedMin = Arrays.stream(cosine, p.first(), p.last() + 1).min().orElseThrow();
    double copiedMean = Arrays.stream(cosine, p.first(), p.last() + 1).average().orElseThrow();
    double basePpl = ByteLmExperiment.perplexity(base, heldOut);

    LlamaModel up = DepthUpscaling.upscale(base, p.first(), p.last());
    double initPpl = ByteLmExperiment.perplexity(up, heldOut);
    double initRatio = initPpl / basePpl;

    LrSchedule constant = LrSchedule.constantWithWarmup(p.continueLr(), Math.min(20, p.continueSteps()));
    TrainResult contBase = ByteLmExperiment.train(base, data, p.continueSteps(), 16, 128, p.continueLr(), constant,
        SEED + 1, out.resolve("continue-base"));
    TrainResult contUp = ByteLmExperiment.train(up, data, p.continueSteps(), 16, 128, p.continueLr(), constant,
        SEED + 1, out.resolve("continue-upscaled"));
    double baseAfter = ByteLmExperiment.perplexity(base, heldOut);
    double upAfter = ByteLmExperiment.perplexity(up, heldOut);

    boolean initOk = Math.abs(initRatio - 1) <= 0.03;
    boolean cosineOk = copiedMin >= median;
    boolean trainOk = upAfter < baseAfter;
    boolean reproduced = initOk && trainOk;
    String loadEnd = Machine.loadAverage();

    plot(out, p, profiles, contBase, contUp);
    String notes = String.format(Locale.ROOT,
        "protocol %s. reproduced = held-out perplexity of the up-scaled model at initialisation within 3%% of the base "
            + "(ratio %.4f) and lower than the base after %d further steps for both (%.3f vs %.3f). Secondary: "
            + "copied layers' min cosine %.4f vs median %.4f (%s). Base: %d-layer d=64 byte LLaMA, %d steps on KJV "
            + "(cosine schedule, peak lr %.0e); copies of layers %d-%d inserted after layer %d -> %d layers; both "
            + "continued %d steps at constant lr %.0e. Wall time per step (evaluations included): base training "
            + "%.1f ms, up-scaled continued %.1f ms; load average %s at the start, %s at the end.",
        p.name(), initRatio, p.continueSteps(), upAfter, baseAfter, copiedMin, median,
        cosineOk ? "holds" : "does not hold", p.layers(), p.baseSteps(), LR, p.first(), p.last(), p.last(),
        p.upscaledLayers(), p.continueSteps(), p.continueLr(), baseRun.msPerStep(), contUp.msPerStep(),
        run.loadAtStart(), loadEnd);
    Map<String, double[]> profileMetric = new LinkedHashMap<>();
    profiles.forEach((step, c) -> profileMetric.put("step_" + step, c));
    Result r = run.result().seed(SEED)
        .metric("protocol", p.name())
        .metric("base_layers", p.layers())
        .metric("copied_layers", p.first() + "-" + p.last())
        .metric("upscaled_layers", p.upscaledLayers())
        .metric("base_steps", p.baseSteps())
        .metric("continue_steps", p.continueSteps())
        .metric("continue_lr", p.continueLr())
        .metric("layer_cosine", cosine)
        .metric("layer_cosine_during_base_training", profileMetric)
        .metric("median_cosine", median)
        .metric("copied_layers_min_cosine", copiedMin)
        .metric("copied_layers_mean_cosine", copiedMean)
        .metric("base_perplexity", basePpl)
        .metric("upscaled_init_perplexity", initPpl)
        .metric("init_perplexity_ratio", initRatio)
        .metric("base_continued_perplexity", baseAfter)
        .metric("upscaled_continued_perplexity", upAfter)
        .metric("copied_layers_cosine_at_least_median", cosineOk)
        .metric("base_parameters", base.config().parameterCount())
        .metric("upscaled_parameters", up.config().parameterCount())
        .metric("base_ms_per_step", baseRun.msPerStep())
        .metric("upscaled_ms_per_step", contUp.msPerStep())
        .metric("load_average_start", run.loadAtStart())
        .metric("load_average_end", loadEnd)
        .reference("yi6b_mmlu", 63.2)
        .reference("yi9b_init_mmlu", 63.0)
        .reference("yi9b_mmlu", 68.4)
        .reference("yi6b_gsm8k", 32.5)
        .reference("yi9b_init_gsm8k", 31.3)
        .reference("yi9b_gsm8k", 52.3)
        .reference("layers", "32 -> 48 (copies of 12-27 inserted after 27)")
        .reference("continued_pretraining", "800 B tokens at constant lr 3e-5, after 3.1 T tokens at peak lr 3e-4")
        .reproduced(reproduced).notes(notes).build();
    AtomicFiles.writeString(out.resolve("README.md"), readme(r, p, profiles, basePpl, initPpl, baseAfter, upAfter));
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

  private static void plot(Path out, Protocol p, Map<Long, double[]> profiles, TrainResult base, TrainResult up)
      throws java.io.IOException {
    cosinePlot(out.resolve("layer_cosine.png"), p.layers(), p.first(), p.last(), profiles);
    Plot.line(String.format(Locale.ROOT, "Continued training: base (%d layers) vs up-scaled (%d layers)",
            p.layers(), p.upscaledLayers()))
        .series("base val loss", evalSteps(base), evalLoss(base))
        .series("up-scaled val loss", evalSteps(up), evalLoss(up))
        .xLabel("continued step").yLabel("validation loss (nats/byte)").write(out.resolve("continued_training.png"));
  }

  /**
   * The cosine-vs-depth profile as 1 − cos on a log axis (the cosines of layers 1… all lie within a
   * few percent of 1), one line per measurement during the base run, the copied range in black.
   */
  static void cosinePlot(Path file, int layers, int first, int last, Map<Long, double[]> profiles)
      throws java.io.IOException {
    var chart = Plot.line(String.format(Locale.ROOT,
        "1 - input/output cosine per layer of the %d-layer base (copied: %d-%d)", layers, first, last)).logY(true);
    double[] x = new double[layers];
    for (int i = 0; i < x.length; i++) x[i] = i;
    double[] lastProfile = null;
    for (var e : profiles.entrySet()) {
      double[] y = new double[layers];
      for (int i = 0; i < layers; i++) y[i] = 1 - e.getValue()[i];
      chart.series("after " + e.getKey() + " steps", x, y);
      lastProfile = y;
    }
    double[] cx = new double[last - first + 1];
    double[] cy = new double[cx.length];
    for (int i = 0; i < cx.length; i++) {
      cx[i] = first + i;
      cy[i] = lastProfile[first + i];
    }
    chart.series("copied range " + first + "-" + last + " (final base)", cx, cy, java.awt.Color.BLACK)
        .xLabel("layer").yLabel("1 - mean cos(x_i, x_i+1)  (log)").write(file);
  }

  private static double[] evalSteps(TrainResult r) {
    return r.eval().stream().mapToDouble(LossLog.EvalPoint::step).toArray();
  }

  private static double[] evalLoss(TrainResult r) {
    return r.eval().stream().mapToDouble(LossLog.EvalPoint::loss).toArray();
  }

  private static String readme(Result r, Protocol p, Map<Long, double[]> profiles, double basePpl, double initPpl,
      double baseAfter, double upAfter) {
    StringBuilder s = new StringBuilder("# Yi depth up-scaling (arXiv 2403.04652 §7.3)\n\n");
    s.append("Preset `").append(r.preset()).append("` (protocol `").append(p.name()).append("`), seed ").append(r.seed())
        .append(String.format(Locale.ROOT, ", %.0f s. **Reproduced: %s.**%n%n", r.runtimeS(), r.reproduced() ? "yes" : "no"))
        .append(r.notes()).append("\n\n| layer |");
    for (long step : profiles.keySet()) s.append(" cosine after ").append(step).append(" steps |");
    s.append("\n|---|");
    s.append("---|".repeat(profiles.size())).append('\n');
    for (int i = 0; i < p.layers(); i++) {
      s.append(String.format(Locale.ROOT, "| %d%s |", i, i >= p.first() && i <= p.last() ? " (copied)" : ""));
      for (double[] c : profiles.values()) s.append(String.format(Locale.ROOT, " %.4f |", c[i]));
      s.append('\n');
    }
    s.append("\n| model | held-out perplexity | paper (MMLU / GSM8K) |\n|---|---|---|\n")
        .append(String.format(Locale.ROOT, "| base, %d layers | %.3f | Yi-6B 63.2 / 32.5 |%n", p.layers(), basePpl))
        .append(String.format(Locale.ROOT, "| up-scaled, %d layers, at init | %.3f (%+.2f%%) | Yi-9B Init 63.0 / 31.3 |%n",
            p.upscaledLayers(), initPpl, 100 * (initPpl / basePpl - 1)))
        .append(String.format(Locale.ROOT, "| base, continued | %.3f | — |%n", baseAfter))
        .append(String.format(Locale.ROOT, "| up-scaled, continued | %.3f (%+.2f%% vs base continued) | Yi-9B 68.4 / 52.3 |%n",
            upAfter, 100 * (upAfter / baseAfter - 1)))
        .append("\nPlots: `layer_cosine.png` (cosine-vs-depth profile of the base during its training, copied range "
            + "in red), `continued_training.png`.\n");
    return s.toString();
  }
}
