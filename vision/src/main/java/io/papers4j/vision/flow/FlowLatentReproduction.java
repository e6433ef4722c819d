package io.papers4j.vision.flow;

import io.papers4j.core.io.AtomicFiles;
import io.papers4j.core.report.Machine;
import io.papers4j.core.report.Result;
import io.papers4j.core.report.TimedReproduction;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.vision.gen.EvalClassifier;
import io.papers4j.vision.gen.Evaluator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * {@code papers4j reproduce rectified-flow-latent}: the latent-channel part of the rectified-flow
 * reproduction ({@link FlowLatentExperiment}) on its own, so it can be run and reported without 3A-3C.
 * The full rectified-flow preset runs the same part at the same sizes.
 */
public final class FlowLatentReproduction extends TimedReproduction {
  public FlowLatentReproduction() {
    super("rectified-flow-latent", "2403.03206", "SD3 latent channels 4/8/16: autoencoder reconstruction and a rectified flow on each latent space",
        "More latent channels reconstruct better (SD3 Table 3: reconstruction FID 2.41 / 1.56 / 1.06 for 4 / 8 / 16 channels).");
  }

  /**
   * Sized from rates measured on 2 cores with no other training running (load average 3.3, batch
   * 32 / 64): an autoencoder of widths 16, 32, 32 trains 3.1 steps/s and encodes 330 images/s (widths
   * 32, 64, 64: 0.33 steps/s and 100 images/s without oneDNN, too slow for this budget); the DiT on
   * 7×7×16 latents with patch 1 trains 5.4 steps/s; 200 samples at 25 steps with CFG 2, decoded, take
   * 15 s. quick ≈ 3 × (80 s autoencoder + 30 s encoding + 95 s flow + 30 s sampling and scoring) ≈
   * 12 min; full: the same part at four times the training, not yet run. smoke: the tests' size.
   */
  static FlowLatentExperiment.Sizes sizes(String preset) {
    return switch (preset) {
      case "quick" -> new FlowLatentExperiment.Sizes(new int[] {4, 8, 16}, new int[] {16, 32, 32}, 250, 32, 8_000, 500, 64, 200, 25,
          new double[] {1, 2}, 0.99);
      case "full" -> new FlowLatentExperiment.Sizes(new int[] {4, 8, 16}, new int[] {16, 32, 32}, 1_000, 32, 20_000, 2_000, 64, 1_000, 25,
          new double[] {1, 2}, 0.99);
      case "smoke" -> new FlowLatentExperiment.Sizes(new int[] {4, 8}, new int[] {8, 16, 16}, 3, 8, 64, 3, 16, 20, 2, new double[] {2}, 0.9);
      default -> throw new IllegalArgumentException("unknown preset " + preset + " (quick, full)");
    };
  }

  @Override
  protected Result reproduce(String preset, Path outDir, Context run) throws Exception {
    FlowLatentExperiment.Sizes s = sizes(preset);
    boolean smoke = preset.equals("smoke");
    Engine.init(2);
    Engine.seed(FlowReproduction.SEED);
    ProgressBar.Mode mode = ProgressBar.detectMode();
    Path work = Files.createTempDirectory("flow-latent");
    int test = smoke ? 64 : 2_000;
    FlowData fm = FlowData.fashionMnist(s.trainImages(), test, s.batch(), 1, FlowReproduction.SEED);
    EvalClassifier.Recipe cr = smoke ? new EvalClassifier.Recipe(4, 32, 1e-3, 0) : EvalClassifier.Recipe.DEFAULT;
    Evaluator eval = new Evaluator(EvalClassifier.cached("fashion-mnist", cr, smoke ? 128 : 60_000, mode), FlowData.toUnit(fm.testImages()));
    Map<String, Map<String, Object>> table = FlowLatentExperiment.run(s, eval, fm, work, mode);
    FlowLatentExperiment.figures(table, s, outDir, eval.fdName());
    try (var paths = Files.walk(work)) {
      for (Path f : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
    }
    boolean ok = FlowLatentExperiment.reconstructionImproves(table);
    double runtime = run.seconds();
    String load = Machine.loadAverage();
    String head = String.format(Locale.ROOT, "# SD3 latent channels (arXiv 2403.03206, Table 3) — small-scale reproduction%n%nPreset `%s`, seed %d, %.0f s "
        + "on %d cores; load average (1/5/15 min) %s at the start and %s at the end. %s is the Fréchet distance in the features of the "
        + "evaluation classifier trained here (not Inception: only orderings compare with the paper); KID on the same features, "
        + "normalised by the real set's RMS entry.%n%n", preset, FlowReproduction.SEED, runtime, Machine.cores(), run.loadAtStart(), load,
        eval.fdName());
    AtomicFiles.writeString(outDir.resolve("README.md"), head + FlowLatentExperiment.markdown(table, s, eval.fdName(), test)
        + "Caveats: one seed, toy autoencoders at f = 4 on 28-px grey images (the paper: f = 8 on 256-px and larger RGB), short training.\n");
    return run.result().seed(FlowReproduction.SEED).runtimeS(runtime).metric("latent", table)
        .metric("verdicts", Map.of(FlowLatentExperiment.VERDICT, ok)).metric("load_average_start", run.loadAtStart()).metric("load_average_end", load)
        .reference("table3_reconstruction_fid", Map.of("4", 2.41, "8", 1.56, "16", 1.06))
        .reproduced(ok).notes("Reproduced = held-out reconstruction PSNR rises 4 → 8 → 16 latent channels. The flow's FD/KID/accuracy per L is "
            + "reported beside it without a paper number. Load average " + run.loadAtStart() + " at the start, " + load + " at the end, "
            + Machine.cores() + " cores.").build();
  }
}
