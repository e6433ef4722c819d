package io.papers4j.vision.flow;

import io.papers4j.core.diffusion.TimeSampler;
import io.papers4j.core.io.AtomicFiles;
import io.papers4j.core.nn.Params;
import io.papers4j.core.report.Machine;
import io.papers4j.core.report.Result;
import io.papers4j.core.report.TimedReproduction;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.train.LossLog;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.vision.gen.FrechetDistance;
import io.papers4j.vision.gen.SampleGrid;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * {@code papers4j reproduce rectified-flow}: the spec's experiments on 2 cores. 3A: rectified flow
 * with logit-normal vs uniform vs mode(1.29) t, sampled with 5/10/25/50 Euler steps at CFG 1 and 2;
 * 3B: one model at 56×56 (patch 8, 49 tokens, α = √4 = 2 predicted), sampling shift swept; 3C:
 * MM-DiT vs DiT (caption tokens concatenated) vs CrossDiT at matched parameters on captioned shapes,
 * plus the maximum attention logit with and without QK-norm; 1D: DiT-LLaMA vs DiT. Arms of one
 * experiment train the same number of steps: the first arm runs for the preset's time budget and
 * the others match the steps it reached.
 *
 * <p>Image quality is FD-pix: the Fréchet distance between 7×7 average-pooled pixel vectors (49-d)
 * of generated and held-out real images. It is a pixel-statistics distance, not a feature-network
 * FD.
 */
public final class FlowReproduction extends TimedReproduction {
  static final long SEED = 0;

  /** Sizes of one run. */
  record Preset(String name, int trainImages, int testImages, int batch, long maxSteps, double armBudgetS, int samples,
      int[] evalSteps, double[] cfgs, double[] shifts, int[] shiftSteps, int shapesTrain, int shapesTest, int evalEvery, int width) {}

  static Preset preset(String name) {
    return switch (name) {
      case "quick" -> new Preset("quick", 10_000, 1_000, 64, 2_000, 30, 160, new int[] {5, 10, 25, 50}, new double[] {1, 2},
          new double[] {1, 1.5, 2, 3}, new int[] {10, 25}, 4_000, 256, 40, 64);
      case "full" -> new Preset("full", 60_000, 10_000, 128, 2_000, Double.POSITIVE_INFINITY, 2_000, new int[] {5, 10, 25, 50},
          new double[] {1, 2}, new double[] {1, 1.5, 2, 3}, new int[] {10, 25}, 20_000, 1_000, 200, 64);
      case "smoke" -> new Preset("smoke", 256, 64, 16, 3, Double.POSITIVE_INFINITY, 20, new int[] {2, 4}, new double[] {1, 2},
          new double[] {1, 2}, new int[] {2}, 64, 32, 3, 32);
      default -> throw new IllegalArgumentException("unknown preset " + name + " (quick, full)");
    };
  }

  public FlowReproduction() {
    super("rectified-flow", "2403.03206",
        "Rectified-flow transformers (SD3): t samplers, resolution shift, MM-DiT vs DiT vs CrossDiT, DiT-LLaMA (arXiv 2403.03206, 2403.00522)",
        "Rectified flow with logit-normal timestep sampling beats uniform sampling, most at few sampling steps; shifting timesteps "
            + "towards noise helps at higher resolution; MM-DiT beats DiT and CrossDiT.");
  }

  @Override
  protected Result reproduce(String presetName, Path outDir, Context run) throws Exception {
    Preset p = preset(presetName);
    Engine.init(2);
    Engine.seed(SEED);
    ProgressBar.Mode mode = ProgressBar.detectMode();
    Path work = Files.createTempDirectory("flow-repro");
    FlowData fm = FlowData.fashionMnist(p.trainImages(), p.testImages(), p.batch(), 1, SEED);
    Tensor real = features(fm.testImages(), 4); // (M, 49)

    // 3A: three t samplers, same backbone, data, noise and steps
    String[] samplers = {"lognorm:0,1", "uniform", "mode:1.29"};
    Map<String, FlowModel> modelsA = new LinkedHashMap<>();
    Map<String, Map<String, Object>> tableA = new LinkedHashMap<>();
    long steps = 0;
    for (String s : samplers) {
      FlowModel m = FlowModel.create(classConfig("dit", p.width()), SEED);
      FlowTraining.Run r = FlowTraining.train(m, fm, recipe(s, steps == 0 ? p.maxSteps() : steps), work.resolve("3a-" + s.replace(':', '_')),
          mode, 0, 4, steps == 0 ? p.armBudgetS() : Double.POSITIVE_INFINITY);
      if (steps == 0) steps = r.result().steps();
      modelsA.put(s, m);
      Map<String, Object> row = new LinkedHashMap<>();
      for (double cfg : p.cfgs()) {
        for (int n : p.evalSteps()) row.put(key(cfg, n), fd(m, n, cfg, 1.0, p.samples(), real, 4));
      }
      row.put("val_loss", r.result().finalValLoss());
      tableA.put(s, row);
    }
    long stepsA = steps;
    SampleGrid.write(FlowSampler.sample(modelsA.get("lognorm:0,1"), "rf", balanced(40), 25, 2.0, 1.0, SEED, 100),
        outDir.resolve("samples_3a_lognorm_25steps_cfg2.png"), 10, true);

    // 1D: DiT-LLaMA vs DiT (the 3A logit-normal arm), same steps
    FlowModel llama = FlowModel.create(classConfig("dit-llama", p.width()), SEED);
    FlowTraining.train(llama, fm, recipe("lognorm:0,1", stepsA), work.resolve("1d-llama"), mode, 0, 4);
    FlowModel dit = modelsA.get("lognorm:0,1");
    Map<String, Object> table1D = new LinkedHashMap<>();
    for (double cfg : new double[] {1.0, 1.5}) {
      table1D.put("dit_" + key(cfg, 25), fd(dit, 25, cfg, 1.0, p.samples(), real, 4));
      table1D.put("dit-llama_" + key(cfg, 25), fd(llama, 25, cfg, 1.0, p.samples(), real, 4));
    }
    table1D.put("params_dit", Params.count(dit));
    table1D.put("params_dit-llama", Params.count(llama));

    // 3B: 56×56, patch 8; sweep the sampling shift
    FlowData fm56 = FlowData.fashionMnist(p.trainImages(), p.testImages(), p.batch(), 2, SEED);
    FlowModel big = FlowModel.create(classConfig("dit", p.width()).withImage(56, 8), SEED);
    FlowTraining.train(big, fm56, recipe("lognorm:0,1", stepsA), work.resolve("3b"), mode, 0, 4);
    Map<String, Object> tableB = new LinkedHashMap<>();
    for (int n : p.shiftSteps()) {
      for (double a : p.shifts()) tableB.put(String.format(Locale.ROOT, "steps%d_shift%s", n, a), fd(big, n, 1.0, a, p.samples(), real, 8));
    }

    // 3C: captioned shapes, parameter-matched backbones, validation loss and max attention logit
    FlowData shapes = FlowData.shapes(p.shapesTrain(), p.shapesTest(), p.batch(), SEED);
    WordTokenizer tok = FlowData.shapesTokenizer();
    Map<String, FlowConfig> armsC = captionArms(tok, p.width());
    Map<String, Object> tableC = new LinkedHashMap<>();
    Map<String, List<LossLog.EvalPoint>> curves = new LinkedHashMap<>();
    long stepsC = 0;
    FlowModel mmdit = null;
    for (Map.Entry<String, FlowConfig> e : armsC.entrySet()) {
      FlowModel m = FlowModel.create(e.getValue(), SEED);
      FlowTraining.Run r = FlowTraining.train(m, shapes, recipe("lognorm:0,1", stepsC == 0 ? p.maxSteps() : stepsC),
          work.resolve("3c-" + e.getKey()), mode, p.evalEvery(), 4, stepsC == 0 ? p.armBudgetS() : Double.POSITIVE_INFINITY);
      if (stepsC == 0) stepsC = r.result().steps();
      if (mmdit == null) mmdit = m;
      curves.put(e.getKey(), r.result().eval());
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("params", Params.count(m));
      row.put("val_loss", r.result().finalValLoss());
      row.put("max_attention_logit", maxLogit(m, shapes));
      tableC.put(e.getKey(), row);
    }
    List<String> prompts = List.of("large red circle centre", "small blue square top-left", "large yellow star bottom-right",
        "small green triangle top-right", "large white heart bottom-left", "large magenta ring centre");
    SampleGrid.write(FlowSampler.sample(mmdit, "rf", Cond.words(tok.encode(repeat(prompts, 4))), 25, 2.0, 1.0, SEED, 100),
        outDir.resolve("samples_3c_mmdit_captions.png"), prompts.size(), true);
    deleteTree(work);

    // verdicts
    double runtime = run.seconds();
    String load = Machine.loadAverage();
    boolean a5 = true;
    boolean a50shrinks = true;
    for (double cfg : p.cfgs()) {
      int lo0 = p.evalSteps()[0], lo1 = p.evalSteps()[1], hi = p.evalSteps()[p.evalSteps().length - 1];
      double ln0 = num(tableA, "lognorm:0,1", key(cfg, lo0)), un0 = num(tableA, "uniform", key(cfg, lo0));
      double ln1 = num(tableA, "lognorm:0,1", key(cfg, lo1)), un1 = num(tableA, "uniform", key(cfg, lo1));
      double lnH = num(tableA, "lognorm:0,1", key(cfg, hi)), unH = num(tableA, "uniform", key(cfg, hi));
      a5 &= ln0 < un0 && ln1 < un1;
      a50shrinks &= (unH - lnH) / unH < (un0 - ln0) / un0;
    }
    boolean claimA = a5 && a50shrinks;
    String bestShift = null;
    double bestFd = Double.POSITIVE_INFINITY;
    int n10 = p.shiftSteps()[0];
    for (double a : p.shifts()) {
      double v = (Double) tableB.get(String.format(Locale.ROOT, "steps%d_shift%s", n10, a));
      if (v < bestFd) {
        bestFd = v;
        bestShift = Double.toString(a);
      }
    }
    boolean claimB = bestShift != null && Double.parseDouble(bestShift) > 1.0;
    double vMm = (Double) ((Map<?, ?>) tableC.get("mmdit")).get("val_loss");
    double vDit = (Double) ((Map<?, ?>) tableC.get("dit")).get("val_loss");
    double vCross = (Double) ((Map<?, ?>) tableC.get("crossdit")).get("val_loss");
    boolean claimC = vMm < vDit && vMm < vCross;
    double logitPlain = (Double) ((Map<?, ?>) tableC.get("mmdit")).get("max_attention_logit");
    double logitQk = (Double) ((Map<?, ?>) tableC.get("mmdit+qknorm")).get("max_attention_logit");
    boolean claim1D = (Double) table1D.get("dit-llama_" + key(1.0, 25)) < (Double) table1D.get("dit_" + key(1.0, 25))
        && (Double) table1D.get("dit-llama_" + key(1.5, 25)) < (Double) table1D.get("dit_" + key(1.5, 25));

    FlowReport.plots(outDir, p, tableA, tableB, curves, samplers);
    Map<String, Object> verdicts = new LinkedHashMap<>();
    verdicts.put("3A_lognorm_beats_uniform_at_few_steps_both_cfg", a5);
    verdicts.put("3A_relative_gap_shrinks_at_most_steps", a50shrinks);
    verdicts.put("3B_best_shift_at_" + n10 + "_steps", bestShift);
    verdicts.put("3C_mmdit_lowest_val_loss", claimC);
    verdicts.put("3C_max_logit_qknorm_lower", logitQk < logitPlain);
    verdicts.put("1D_dit_llama_lower_fd_both_cfg", claim1D);
    String notes = "FD-pix = Fréchet distance between 7×7 average-pooled pixel vectors of " + p.samples() + " generated (class-balanced) and "
        + p.testImages() + " held-out Fashion-MNIST images (3B: after 2×2 average pooling back to 28 px); a pixel-statistics proxy, "
        + "not a feature-network FD. Arms trained " + stepsA + " steps (3A, 3B, 1D) and " + stepsC + " steps (3C) at batch " + p.batch()
        + "; one seed. Reproduced = 3A (lognorm < uniform at 5 and 10 steps for every CFG, relative gap smaller at 50) and 3B (best "
        + "shift > 1) and 3C (MM-DiT lowest validation loss). Load average (1/5/15 min) " + run.loadAtStart() + " at the start, " + load
        + " at the end, " + Machine.cores() + " cores.";
    AtomicFiles.writeString(outDir.resolve("README.md"),
        FlowReport.readme(p, stepsA, stepsC, tableA, table1D, tableB, tableC, verdicts, samplers, runtime, run.loadAtStart(), load));
    return run.result().seed(SEED).runtimeS(runtime)
        .metric("steps_3a_3b_1d", stepsA).metric("steps_3c", stepsC)
        .metric("3A_fd_pix", tableA).metric("1D_fd_pix_25_steps", table1D).metric("3B_fd_pix", tableB).metric("3C", tableC)
        .metric("verdicts", verdicts).metric("load_average_start", run.loadAtStart()).metric("load_average_end", load)
        .reference("table1_global_rank_all", Map.of("rf/lognorm(0,1)", 1.54, "rf/mode(1.29)", 2.75, "rf (uniform)", 5.67))
        .reference("table1_rank_5_steps", Map.of("rf/lognorm(0,1)", 1.25, "rf (uniform)", 6.50))
        .reference("table2_fid_25_steps_imagenet", Map.of("rf", 49.70, "rf/lognorm(0,1)", 45.78, "rf/mode(1.75)", 44.39))
        .reference("fig6_preferred_shift_1024px", "> 1.5 (3.0 used)")
        .reference("fig4_cc12m_order", "MM-DiT > CrossDiT > UViT > DiT-concat")
        .reference("visionllama_table1_dit_b4_fid", Map.of("no_cfg", "68.38 -> 63.17", "cfg_1.5", "45.38 -> 39.51"))
        .reproduced(claimA && claimB && claimC).notes(notes).build();
  }

  /** The spec's class-conditional model at width w (64 for quick and full; 4 heads, 2 when narrower). */
  static FlowConfig classConfig(String arch, int w) {
    FlowConfig c = FlowConfig.fashionMnist(arch);
    return w == 64 ? c : c.withSize(w, c.depth(), w >= 64 ? 4 : 2, arch.equals("dit-llama") ? w * 11 / 4 : 4 * w);
  }

  /**
   * 3C's parameter-matched arms at width w: DiT (caption tokens concatenated) depth 6; MM-DiT has two
   * sets of weights per block, so depth 3 at width w + w/16 (68 for 64); CrossDiT adds a
   * cross-attention per block, so depth 5.
   */
  static Map<String, FlowConfig> captionArms(WordTokenizer tok, int w) {
    int heads = w >= 64 ? 4 : 2;
    int wm = w + Math.max(4, w / 16);
    Map<String, FlowConfig> arms = new LinkedHashMap<>();
    arms.put("mmdit", FlowConfig.captions("mmdit", 32, 3, 4, tok.vocabSize(), tok.maxTokens()).withSize(wm, 3, heads, 4 * wm));
    arms.put("dit", FlowConfig.captions("dit", 32, 3, 4, tok.vocabSize(), tok.maxTokens()).withSize(w, 6, heads, 4 * w));
    arms.put("crossdit", FlowConfig.captions("crossdit", 32, 3, 4, tok.vocabSize(), tok.maxTokens()).withSize(w, 5, heads, 4 * w));
    arms.put("mmdit+qknorm", arms.get("mmdit").withQkNorm(true));
    return arms;
  }

  static FlowTraining.Recipe recipe(String sampler, long steps) {
    return new FlowTraining.Recipe("rf", TimeSampler.parse(sampler), 1.0, 5e-4, steps, Math.min(100, steps / 10), SEED);
  }

  static String key(double cfg, int steps) {
    return String.format(Locale.ROOT, "cfg%s_steps%d", cfg, steps);
  }

  static double num(Map<String, Map<String, Object>> t, String arm, String k) {
    return (Double) t.get(arm).get(k);
  }

  /** n labels 0, 1, …, 9, 0, … (class-balanced). */
  static Cond balanced(int n) {
    return Cond.classes(torch.arange(new Scalar(n)).remainder(new Scalar(10)).to(torch.ScalarType.Long));
  }

  /** FD-pix of n class-balanced samples against the real features. */
  static double fd(FlowModel m, int steps, double cfg, double shift, int n, Tensor real, int pool) {
    Tensor x = FlowSampler.sample(m, "rf", balanced(n), steps, cfg, shift, SEED + 1, 100);
    try (PointerScope s = new PointerScope()) {
      Tensor f = features(pool == 8 ? torch.avg_pool2d(x, new long[] {2, 2}) : x, 4);
      return FrechetDistance.between(f, real);
    }
  }

  /** (N, 1, 28, 28) → (N, 49): 4×4 average pooling, flattened, float64. */
  static Tensor features(Tensor images, int pool) {
    return torch.avg_pool2d(images, new long[] {pool, pool}).flatten(1, 3).to(torch.ScalarType.Double);
  }

  /** The largest attention logit over the first validation batch. */
  static double maxLogit(FlowModel m, FlowData d) {
    try (PointerScope s = new PointerScope();
        NoGradGuard g = new NoGradGuard()) {
      m.probeAttention(true);
      FlowTraining.validationLoss(m, FlowTraining.process("rf"), 0, d.validation(0), d);
      double v = m.maxAttentionLogit();
      m.probeAttention(false);
      return v;
    }
  }

  static List<String> repeat(List<String> prompts, int rows) {
    java.util.ArrayList<String> out = new java.util.ArrayList<>();
    for (int r = 0; r < rows; r++) out.addAll(prompts);
    return out;
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    try (var paths = Files.walk(dir)) {
      for (Path f : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
    }
  }
}
