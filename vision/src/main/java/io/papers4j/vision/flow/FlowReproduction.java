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
import io.papers4j.vision.gen.CaptionedShapes;
import io.papers4j.vision.gen.EvalClassifier;
import io.papers4j.vision.gen.Evaluator;
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
 * experiment train the same fixed number of steps with the same seeds and data order (spec §0.3).
 *
 * <p>Image quality is measured in the feature space of the evaluation classifier of {@code
 * vision.gen} trained here on the real images: FD-FashionMNIST and KID-FashionMNIST, the
 * classifier's agreement with the requested class (conditional accuracy), and for captioned shapes
 * the attribute accuracy of the shapes classifier. The quick preset runs 3A (logit-normal vs
 * uniform) and 3C; 3A's mode arm, 3B and 1D run in the full preset.
 */
public final class FlowReproduction extends TimedReproduction {
  static final long SEED = 0;
  /** Three times chance (10 classes): below it a 3A arm's samples are not recognisably its classes. */
  static final double LEARNED_ACCURACY = 0.3;
  static final String LEARNED_VERDICT = "3A_every_arm_generates_its_classes";

  /** The step count of the "generates its classes" check: 25, or the most a preset samples when it has no 25. */
  static int learnedSteps(Preset p) {
    int most = 0;
    for (int n : p.evalSteps()) {
      if (n == 25) return 25;
      most = Math.max(most, n);
    }
    return most;
  }

  /**
   * Sizes of one run: images, batch, the fixed optimiser steps of the 3A/3B/1D arms and of the 3C
   * arms, generated samples per FD/KID point and per 3C attribute score, which experiments run, the
   * EMA decay of the weights that are sampled (0 = the trained weights), and the evaluation
   * classifiers' recipe.
   */
  record Preset(String name, int trainImages, int testImages, int batch, long stepsA, long stepsC, long stepsD, int samples, int attributeSamples,
      String[] samplersA, boolean shiftExperiment, boolean llamaExperiment, boolean captionExperiment, int[] evalSteps, double[] cfgs,
      double[] shifts, int[] shiftSteps, int shapesTrain, int shapesTest, int evalEvery, int width, double emaDecay,
      EvalClassifier.Recipe classifier, int classifierImages, boolean latentExperiment) {
    /** This preset with the experiment flags of a run of {@code parts} (3B, 3C, 1D on when asked; the latent part off). */
    Preset forParts(List<String> parts) {
      return new Preset(name, trainImages, testImages, batch, stepsA, stepsC, stepsD, samples, attributeSamples, samplersA,
          parts.contains("3b"), parts.contains("1d"), parts.contains("3c"), evalSteps, cfgs, shifts, shiftSteps, shapesTrain, shapesTest,
          evalEvery, width, emaDecay, classifier, classifierImages, false);
    }
  }

  /** The parts {@code --part} runs alone: 3A, 3B, 3C and 1D of the spec. */
  static final List<String> PARTS = List.of("3a", "3b", "3c", "1d");

  /**
   * quick: 3A's two arms only, sized from measured rates on 2 quiet cores (about 5.3 steps/s at batch
   * 64 for the d 64 / depth 6 / patch 4 DiT, so 1,200 steps ≈ 230 s per arm, plus ≈ 60 s of sampling
   * per arm for 200 samples × (5 + 10 + 25 + 50) steps at CFG 1 and 2). A probe of the same arm
   * measured conditional accuracy (25 steps, CFG 1 / 2) 0.17 / 0.35 after 500 steps, 0.50 / 0.73
   * after 1,000 and 0.61 / 0.80 after 1,500: 500 steps, the earlier quick size, had not yet learned
   * the classes. The sampled weights are an EMA with decay 0.99: in that probe it scored as the trained
   * weights within noise (0.58 / 0.79 at 1,500 steps), while a 0.999 average was still at chance (it
   * weighs the initial weights by 0.999^1500 ≈ 0.22). full: the spec's sizes and every experiment.
   */
  static Preset preset(String name) {
    return switch (name) {
      case "quick" -> new Preset("quick", 60_000, 2_000, 64, 1_200, 300, 1_000, 200, 200, new String[] {"lognorm:0,1", "uniform"}, false, false,
          false, new int[] {5, 10, 25, 50}, new double[] {1, 2}, new double[] {1, 1.5, 2, 3}, new int[] {10, 25}, 4_000, 256, 50, 64, 0.99,
          EvalClassifier.Recipe.DEFAULT, 60_000, false);
      case "full" -> new Preset("full", 60_000, 10_000, 128, 2_000, 1_000, 2_000, 2_000, 1_000, new String[] {"lognorm:0,1", "uniform", "mode:1.29"},
          true, true, true, new int[] {5, 10, 25, 50}, new double[] {1, 2}, new double[] {1, 1.5, 2, 3}, new int[] {10, 25}, 20_000, 1_000, 200,
          64, 0.99, EvalClassifier.Recipe.DEFAULT, 60_000, true);
      case "smoke" -> new Preset("smoke", 256, 64, 16, 3, 3, 2, 20, 12, new String[] {"lognorm:0,1", "uniform", "mode:1.29"}, true, true, true,
          new int[] {2, 4}, new double[] {1, 2}, new double[] {1, 2}, new int[] {2}, 64, 32, 3, 32, 0.9, new EvalClassifier.Recipe(4, 32, 1e-3, 0),
          128, true);
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
  public List<String> parts() {
    return PARTS;
  }

  /** Every file a report of this reproduction may hold besides result.json and README.md. */
  static final List<String> REPORT_FILES = List.of("fd_vs_steps_3a.png", "samples_3a_lognorm_25steps_cfg2.png",
      "samples_3a_uniform_25steps_cfg2.png", "fd_vs_shift_3b.png", "val_loss_3c.png", "samples_3c_mmdit_captions.png", "latent_psnr.png",
      "latent_fd.png", "samples_latent_L4.png", "samples_latent_L8.png", "samples_latent_L16.png");

  @Override
  protected Result reproduce(String presetName, Path outDir, Context run) throws Exception {
    boolean partial = !run.parts().isEmpty();
    Preset p = partial ? preset(presetName).forParts(run.parts()) : preset(presetName);
    boolean runA = run.runs("3a");
    for (String f : REPORT_FILES) Files.deleteIfExists(outDir.resolve(f)); // no plot of an earlier run stays beside this one's verdicts
    Engine.init(2);
    Engine.seed(SEED);
    ProgressBar.Mode mode = ProgressBar.detectMode();
    Path work = Files.createTempDirectory("flow-repro");
    FlowData fm = FlowData.fashionMnist(p.trainImages(), p.testImages(), p.batch(), 1, SEED);
    Evaluator fashion = new Evaluator(EvalClassifier.cached("fashion-mnist", p.classifier(), p.classifierImages(), mode),
        FlowData.toUnit(fm.testImages()));

    // 3A: t samplers, same backbone, data, noise and steps
    String[] samplers = p.samplersA();
    Map<String, FlowModel> modelsA = new LinkedHashMap<>();
    Map<String, Map<String, Object>> tableA = new LinkedHashMap<>();
    for (String s : runA ? samplers : new String[0]) {
      FlowModel m = FlowModel.create(classConfig("dit", p.width()), SEED);
      FlowTraining.Run r = FlowTraining.train(m, fm, recipe(s, p.stepsA()).withEma(p.emaDecay()), work.resolve("3a-" + s.replace(':', '_')),
          mode, 0, 4);
      r.averaged(); // sample the weight average
      modelsA.put(s, m);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("train_s", r.seconds());
      row.put("train_img_per_s", r.result().itemsPerSecond());
      for (double cfg : p.cfgs()) {
        for (int n : p.evalSteps()) score(row, key(cfg, n), fashion, m, n, cfg, 1.0, p.samples(), 1);
      }
      row.put("val_loss", r.result().finalValLoss());
      tableA.put(s, row);
    }
    if (runA) {
      SampleGrid.write(FlowSampler.sample(modelsA.get("lognorm:0,1"), "rf", balanced(40), 25, 2.0, 1.0, SEED, 100),
          outDir.resolve("samples_3a_lognorm_25steps_cfg2.png"), 10, true);
      SampleGrid.write(FlowSampler.sample(modelsA.get("uniform"), "rf", balanced(40), 25, 2.0, 1.0, SEED, 100),
          outDir.resolve("samples_3a_uniform_25steps_cfg2.png"), 10, true);
    }

    // 1D: DiT-LLaMA vs DiT (the 3A logit-normal arm when 3A ran, else a DiT trained here), same steps
    Map<String, Object> table1D = new LinkedHashMap<>();
    if (p.llamaExperiment()) {
      long stepsD = runA ? p.stepsA() : p.stepsD();
      FlowModel dit = modelsA.get("lognorm:0,1");
      if (dit == null) {
        dit = FlowModel.create(classConfig("dit", p.width()), SEED);
        FlowTraining.Run r = FlowTraining.train(dit, fm, recipe("lognorm:0,1", stepsD).withEma(p.emaDecay()), work.resolve("1d-dit"), mode, 0, 4);
        r.averaged();
        table1D.put("train_img_per_s_dit", r.result().itemsPerSecond());
        table1D.put("val_loss_dit", r.result().finalValLoss());
      }
      FlowModel llama = FlowModel.create(classConfig("dit-llama", p.width()), SEED);
      FlowTraining.Run rl = FlowTraining.train(llama, fm, recipe("lognorm:0,1", stepsD).withEma(p.emaDecay()), work.resolve("1d-llama"), mode, 0, 4);
      rl.averaged();
      table1D.put("steps", stepsD);
      table1D.put("train_img_per_s_dit-llama", rl.result().itemsPerSecond());
      table1D.put("val_loss_dit-llama", rl.result().finalValLoss());
      for (double cfg : new double[] {1.0, 1.5}) {
        score(table1D, "dit_" + key(cfg, 25), fashion, dit, 25, cfg, 1.0, p.samples(), 1);
        score(table1D, "dit-llama_" + key(cfg, 25), fashion, llama, 25, cfg, 1.0, p.samples(), 1);
      }
      table1D.put("params_dit", Params.count(dit));
      table1D.put("params_dit-llama", Params.count(llama));
    }

    // 3B: 56×56, patch 8; sweep the sampling shift
    Map<String, Object> tableB = new LinkedHashMap<>();
    if (p.shiftExperiment()) {
      FlowData fm56 = FlowData.fashionMnist(p.trainImages(), p.testImages(), p.batch(), 2, SEED);
      FlowModel big = FlowModel.create(classConfig("dit", p.width()).withImage(56, 8), SEED);
      FlowTraining.Run rb = FlowTraining.train(big, fm56, recipe("lognorm:0,1", p.stepsA()).withEma(p.emaDecay()), work.resolve("3b"), mode, 0, 4);
      rb.averaged();
      tableB.put("train_img_per_s", rb.result().itemsPerSecond());
      tableB.put("val_loss", rb.result().finalValLoss());
      for (int n : p.shiftSteps()) {
        for (double a : p.shifts()) score(tableB, shiftKey(n, a), fashion, big, n, 1.0, a, p.samples(), 2);
      }
    }

    // 3C: captioned shapes, parameter-matched backbones: validation loss, max attention logit, attribute accuracy
    Map<String, Object> tableC = new LinkedHashMap<>();
    Map<String, List<LossLog.EvalPoint>> curves = new LinkedHashMap<>();
    if (p.captionExperiment()) {
      FlowData shapes = FlowData.shapes(p.shapesTrain(), p.shapesTest(), p.batch(), SEED);
      WordTokenizer tok = FlowData.shapesTokenizer();
      Evaluator shapeEval = new Evaluator(EvalClassifier.cached("shapes", p.classifier(), p.classifierImages(), mode),
          FlowData.toUnit(shapes.testImages()));
      CaptionedShapes.Samples asked = CaptionedShapes.generate(p.attributeSamples(), SEED * 2 + 3); // captions the models never saw paired
      Map<String, FlowConfig> armsC = captionArms(tok, p.width());
      FlowModel mmdit = null;
      for (Map.Entry<String, FlowConfig> e : armsC.entrySet()) {
        FlowModel m = FlowModel.create(e.getValue(), SEED);
        FlowTraining.Run r = FlowTraining.train(m, shapes, recipe("lognorm:0,1", p.stepsC()).withEma(p.emaDecay()), work.resolve("3c-" + e.getKey()),
            mode, p.evalEvery(), 4);
        if (mmdit == null) mmdit = m;
        curves.put(e.getKey(), r.result().eval());
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("params", Params.count(m));
        row.put("val_loss", r.result().finalValLoss());
        row.put("train_img_per_s", r.result().itemsPerSecond());
        row.put("max_attention_logit", maxLogit(m, shapes)); // of the trained weights
        r.averaged();
        Tensor gen = FlowData.toUnit(FlowSampler.sample(m, "rf", Cond.words(tok.encode(asked.captions())), 25, 2.0, 1.0, SEED + 1, 100));
        row.putAll(shapeEval.evaluate(gen, asked.attributes(), SEED));
        tableC.put(e.getKey(), row);
      }
      List<String> prompts = List.of("large red circle centre", "small blue square top-left", "large yellow star bottom-right",
          "small green triangle top-right", "large white heart bottom-left", "large magenta ring centre");
      SampleGrid.write(FlowSampler.sample(mmdit, "rf", Cond.words(tok.encode(repeat(prompts, 4))), 25, 2.0, 1.0, SEED, 100),
          outDir.resolve("samples_3c_mmdit_captions.png"), prompts.size(), true);
    }
    // latent channels 4/8/16 (SD3 Table 3): the part FlowLatentReproduction also runs alone, at the same sizes
    Map<String, Map<String, Object>> tableL = new LinkedHashMap<>();
    FlowLatentExperiment.Sizes ls = FlowLatentReproduction.sizes(p.name());
    if (p.latentExperiment()) {
      FlowData fmL = FlowData.fashionMnist(ls.trainImages(), p.testImages(), ls.batch(), 1, SEED);
      tableL = FlowLatentExperiment.run(ls, fashion, fmL, work, mode);
      FlowLatentExperiment.figures(tableL, ls, outDir, fashion.fdName());
    }
    deleteTree(work);
    String fd = fashion.fdName();

    // verdicts
    double runtime = run.seconds();
    String load = Machine.loadAverage();
    boolean a5 = true;
    boolean a50shrinks = true;
    for (double cfg : runA ? p.cfgs() : new double[0]) {
      int lo0 = p.evalSteps()[0], lo1 = p.evalSteps()[1], hi = p.evalSteps()[p.evalSteps().length - 1];
      double ln0 = num(tableA, "lognorm:0,1", key(cfg, lo0)), un0 = num(tableA, "uniform", key(cfg, lo0));
      double ln1 = num(tableA, "lognorm:0,1", key(cfg, lo1)), un1 = num(tableA, "uniform", key(cfg, lo1));
      double lnH = num(tableA, "lognorm:0,1", key(cfg, hi)), unH = num(tableA, "uniform", key(cfg, hi));
      a5 &= ln0 < un0 && ln1 < un1;
      a50shrinks &= (unH - lnH) / unH < (un0 - ln0) / un0;
    }
    boolean claimA = a5 && a50shrinks;
    Map<String, Object> verdicts = new LinkedHashMap<>();
    if (runA) {
      verdicts.put("3A_lognorm_beats_uniform_at_few_steps_both_cfg", a5);
      verdicts.put("3A_relative_gap_shrinks_at_most_steps", a50shrinks);
    }
    int n10 = p.shiftSteps()[0];
    Boolean claimB = null;
    if (p.shiftExperiment()) {
      double best = Double.NaN;
      double bestFd = Double.POSITIVE_INFINITY;
      for (double a : p.shifts()) {
        double v = (Double) tableB.get(shiftKey(n10, a));
        if (v < bestFd) {
          bestFd = v;
          best = a;
        }
      }
      claimB = best > 1.0;
      verdicts.put("3B_best_shift_at_" + n10 + "_steps", best);
    }
    Boolean claimC = null;
    if (p.captionExperiment()) {
      Map<?, ?> mm = (Map<?, ?>) tableC.get("mmdit");
      Map<?, ?> dt = (Map<?, ?>) tableC.get("dit");
      Map<?, ?> cr = (Map<?, ?>) tableC.get("crossdit");
      boolean lossC = (Double) mm.get("val_loss") < (Double) dt.get("val_loss") && (Double) mm.get("val_loss") < (Double) cr.get("val_loss");
      boolean accC = (Double) mm.get("attribute-accuracy") > (Double) dt.get("attribute-accuracy")
          && (Double) mm.get("attribute-accuracy") > (Double) cr.get("attribute-accuracy");
      claimC = lossC && accC;
      double logitPlain = (Double) mm.get("max_attention_logit");
      double logitQk = (Double) ((Map<?, ?>) tableC.get("mmdit+qknorm")).get("max_attention_logit");
      verdicts.put("3C_mmdit_lowest_val_loss", lossC);
      verdicts.put("3C_mmdit_highest_attribute_accuracy", accC);
      verdicts.put("3C_max_logit_qknorm_lower", logitQk < logitPlain);
    }
    // does each 3A arm generate its classes? conditional accuracy at 25 steps (or the most the preset samples), CFG 1, against chance 0.1
    if (runA) {
      boolean learns = true;
      for (String s : samplers) learns &= num(tableA, s, key(1.0, learnedSteps(p)) + "_acc") >= LEARNED_ACCURACY;
      verdicts.put(LEARNED_VERDICT, learns);
    }
    Boolean claimD = null;
    if (p.llamaExperiment()) {
      claimD = (Double) table1D.get("dit-llama_" + key(1.0, 25)) < (Double) table1D.get("dit_" + key(1.0, 25))
          && (Double) table1D.get("dit-llama_" + key(1.5, 25)) < (Double) table1D.get("dit_" + key(1.5, 25));
      verdicts.put("1D_dit_llama_lower_fd_both_cfg", claimD);
    }
    if (p.latentExperiment()) verdicts.put(FlowLatentExperiment.VERDICT, FlowLatentExperiment.reconstructionImproves(tableL));
    // reproduced = every claim of the experiments that ran (3A, 3B, 3C, 1D)
    boolean reproduced = (!runA || claimA) && (claimC == null || claimC) && (claimB == null || claimB) && (claimD == null || claimD);

    FlowReport.plots(outDir, p, fd, tableA, tableB, curves, samplers);
    List<String> ran = new java.util.ArrayList<>();
    if (runA) ran.add("3A (" + String.join(", ", samplers) + ")");
    if (p.shiftExperiment()) ran.add("3B");
    if (p.captionExperiment()) ran.add("3C");
    if (p.llamaExperiment()) ran.add("1D");
    if (p.latentExperiment()) ran.add("latent channels");
    List<String> claims = new java.util.ArrayList<>();
    if (runA) {
      claims.add("3A (lognorm < uniform at " + p.evalSteps()[0] + " and " + p.evalSteps()[1] + " steps for every CFG, relative gap smaller at "
          + p.evalSteps()[p.evalSteps().length - 1] + ")");
    }
    if (p.shiftExperiment()) claims.add("3B (best shift > 1)");
    if (p.captionExperiment()) claims.add("3C (MM-DiT lowest validation loss and highest attribute accuracy)");
    if (p.llamaExperiment()) claims.add("1D (DiT-LLaMA lower FD at CFG 1 and 1.5)");
    String measured = (partial ? "Only part" + (run.parts().size() == 1 ? " " : "s ") + String.join(", ", run.parts()).toUpperCase(java.util.Locale.ROOT)
        + (run.parts().size() == 1 ? " was" : " were") + " measured in this run ("
        + run.startedAtUtc() + "); no other part's result is in this report. " : "Measured " + run.startedAtUtc() + ". ")
        + "Experiments run: " + String.join(", ", ran) + ".";
    String notes = measured + " " + fd + " / " + fashion.kidName() + " = Fréchet / kernel distance in the 128-d features of the evaluation "
        + "classifier trained here on the real Fashion-MNIST training images (not Inception features: never comparable with FID values, only "
        + "orderings), between " + p.samples() + " generated class-balanced samples and " + p.testImages() + " held-out test images"
        + (p.shiftExperiment() ? " (3B: after 2×2 average pooling back to 28 px)" : "") + ". Sampled with the EMA (decay " + p.emaDecay()
        + ") of the weights. Steps per arm at batch " + p.batch() + ": " + (runA || p.shiftExperiment() ? p.stepsA() + " (3A, 3B)" : "")
        + (p.llamaExperiment() ? (runA || p.shiftExperiment() ? ", " : "") + table1D.get("steps") + " (1D)" : "")
        + (p.captionExperiment() ? ", " + p.stepsC() + " (3C)" : "") + "; one seed. Reproduced = " + String.join(" and ", claims)
        + ". Load average (1/5/15 min) " + run.loadAtStart() + " at the start, " + load + " at the end, " + Machine.cores() + " cores.";
    String readme = FlowReport.readme(p, fd, tableA, table1D, tableB, tableC, verdicts, samplers, runtime, run.loadAtStart(), load, measured,
        partial);
    if (partial) {
      readme = readme.replace("the latent autoencoder experiment (4/8/16 channels) is not part of this report",
          "the latent-channel experiment (4/8/16) runs in the full preset and alone as `reproduce rectified-flow-latent`");
    } else if (p.latentExperiment()) {
      readme = readme.replace("Caveats:", FlowLatentExperiment.markdown(tableL, ls, fd, p.testImages()) + "Caveats:")
          .replace("; the latent autoencoder experiment (4/8/16 channels) is not part of this report", "");
    } else {
      readme = readme.replace("the latent autoencoder experiment (4/8/16 channels) is not part of this report",
          "the latent-channel experiment (4/8/16) runs in the full preset and alone as `reproduce rectified-flow-latent`");
    }
    AtomicFiles.writeString(outDir.resolve("README.md"), readme);
    Result.Builder b = run.result().seed(SEED).runtimeS(runtime).metric("batch", p.batch()).metric("ema_decay", p.emaDecay());
    if (runA) b.metric("steps_3a", p.stepsA()).metric("3A", tableA);
    if (p.captionExperiment()) b.metric("steps_3c", p.stepsC()).metric("3C", tableC);
    if (p.llamaExperiment()) b.metric("1D_25_steps", table1D);
    if (p.shiftExperiment()) b.metric("3B", tableB);
    if (p.latentExperiment()) b.metric("latent", tableL);
    return b.metric("verdicts", verdicts).metric("load_average_start", run.loadAtStart()).metric("load_average_end", load)
        .reference("table1_global_rank_all", Map.of("rf/lognorm(0,1)", 1.54, "rf/mode(1.29)", 2.75, "rf (uniform)", 5.67))
        .reference("table1_rank_5_steps", Map.of("rf/lognorm(0,1)", 1.25, "rf (uniform)", 6.50))
        .reference("table2_fid_25_steps_imagenet", Map.of("rf", 49.70, "rf/lognorm(0,1)", 45.78, "rf/mode(1.75)", 44.39))
        .reference("fig6_preferred_shift_1024px", "> 1.5 (3.0 used)")
        .reference("fig4_cc12m_order", "MM-DiT > CrossDiT > UViT > DiT-concat")
        .reference("visionllama_table1_dit_b4_fid", Map.of("no_cfg", "68.38 -> 63.17", "cfg_1.5", "45.38 -> 39.51"))
        .reproduced(reproduced).notes(notes).build();
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

  static String shiftKey(int steps, double shift) {
    return String.format(Locale.ROOT, "steps%d_shift%s", steps, shift);
  }

  /**
   * Samples n class-balanced images and puts the evaluator's FD under {@code key}, KID under {@code
   * key_kid} and conditional accuracy under {@code key_acc}; {@code pool} 2 brings 56-px samples back
   * to the classifier's 28 px.
   */
  static void score(Map<String, Object> row, String key, Evaluator eval, FlowModel m, int steps, double cfg, double shift, int n, int pool) {
    Tensor x = FlowSampler.sample(m, "rf", balanced(n), steps, cfg, shift, SEED + 1, 100);
    try (PointerScope s = new PointerScope()) {
      Tensor unit = FlowData.toUnit(pool == 1 ? x : torch.avg_pool2d(x, new long[] {pool, pool}));
      long[] classes = new long[n];
      for (int i = 0; i < n; i++) classes[i] = i % 10;
      Map<String, Double> m2 = eval.evaluate(unit, Evaluator.classRequests(classes), SEED);
      row.put(key, m2.get(eval.fdName()));
      row.put(key + "_kid", m2.get(eval.kidName()));
      row.put(key + "_acc", m2.get("conditional-accuracy"));
    }
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
