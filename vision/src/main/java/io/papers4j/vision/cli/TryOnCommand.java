package io.papers4j.vision.cli;

import io.papers4j.core.cli.CliCommand;
import io.papers4j.core.cli.ParentCommand;
import io.papers4j.core.cli.PrecisionOption;
import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.nn.Params;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tensor.Precision;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.vision.gen.EvalClassifier;
import io.papers4j.vision.gen.SampleGrid;
import io.papers4j.vision.tryon.OotdModel;
import io.papers4j.vision.tryon.TryOnCheckpoint;
import io.papers4j.vision.tryon.TryOnConfig;
import io.papers4j.vision.tryon.TryOnData;
import io.papers4j.vision.tryon.TryOnEval;
import io.papers4j.vision.tryon.TryOnImages;
import io.papers4j.vision.tryon.TryOnSampler;
import io.papers4j.vision.tryon.TryOnTraining;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code papers4j tryon train|run|eval|data}: OOTDiffusion virtual try-on on procedural persons and garments. */
@Command(
    name = "tryon",
    mixinStandardHelpOptions = true,
    description = "OOTDiffusion virtual try-on (arXiv 2403.01779): outfitting UNet + outfitting fusion, garment guidance, repainting; "
        + "baselines global (garment embedding only) and concat. 32×32 procedural persons and Fashion-MNIST garment shapes.",
    subcommands = {TryOnCommand.Train.class, TryOnCommand.Run.class, TryOnCommand.Eval.class, TryOnCommand.Data.class})
public final class TryOnCommand extends ParentCommand implements CliCommand {

  @Command(name = "train", mixinStandardHelpOptions = true, description = "Train a try-on model on generated person/garment pairs and save a checkpoint.")
  static final class Train implements Callable<Integer> {
    @Mixin PrecisionOption precision;

    @Option(names = "--arm", defaultValue = "fusion", description = "fusion (OOTDiffusion), global (garment embedding only) or concat (garment channels) (default ${DEFAULT-VALUE}).")
    String arm;

    @Option(names = "--steps", defaultValue = "1000", description = "Optimizer steps (default ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--batch", defaultValue = "16", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "2e-4", description = "AdamW learning rate (default ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--dropout", defaultValue = "0.1", description = "Outfitting dropout: probability of a null garment (default ${DEFAULT-VALUE}).")
    double dropout;

    @Option(names = "--ema", defaultValue = "0.99", description = "Decay of the weights' moving average, saved as the model (0 = none; the trained weights go to OUT/non_ema) (default ${DEFAULT-VALUE}).")
    double ema;

    @Option(names = "--widths", split = ",", description = "UNet widths per level, e.g. 16,32,32 (default: the spec's 24,48,48).")
    int[] widths;

    @Option(names = "--prediction", defaultValue = "x0", description = "What the denoiser predicts: x0 (the clean image), eps (ε, the paper's) or v (default ${DEFAULT-VALUE}).")
    String prediction;

    @Option(names = "--tiny", description = "A tiny model (widths 8, 16; for trying the command out).")
    boolean tiny;

    @Option(names = "--out", required = true, description = "Checkpoint directory to write.")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the data, initialisation and noise (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
      if (tiny && widths != null) throw new IllegalArgumentException("--tiny and --widths exclude each other");
      TryOnConfig base = tiny ? TryOnConfig.tiny(arm) : TryOnConfig.defaults(arm); // checks --arm
      TryOnConfig config = (widths == null ? base
          : new TryOnConfig(arm, widths, base.heads(), base.normGroups(), base.contextDim(), base.encoderWidth(), base.trainTimesteps()))
          .withPrediction(prediction);
      TryOnTraining.Recipe recipe = new TryOnTraining.Recipe(steps, batch, lr, dropout, ema, seed);
      Engine.init(2);
      Engine.seed(seed);
      TryOnData data = TryOnData.load(seed);
      OotdModel model = new OotdModel(config, seed);
      TryOnTraining.Run run = TryOnTraining.train(model, data, recipe, ProgressBar.detectMode(), precision.get());
      Map<String, Object> cfg = new LinkedHashMap<>();
      cfg.put("arm", arm);
      cfg.put("steps", steps);
      cfg.put("batch", batch);
      cfg.put("lr", lr);
      cfg.put("outfitting_dropout", dropout);
      cfg.put("ema_decay", ema);
      cfg.put("final_loss_last_50", run.finalLoss(50));
      String dataName = "tryon procedural persons (seed " + seed + ")";
      if (run.ema() == null) {
        TryOnCheckpoint.save(out, model, Checkpoint.runInfo(cfg, seed, dataName, run.steps()));
      } else { // the average is the model (what tryon run/eval load); the trained weights beside it, as diffusion training code keeps both
        java.util.Map<String, Tensor> trained = new LinkedHashMap<>();
        try (org.bytedeco.pytorch.NoGradGuard g = new org.bytedeco.pytorch.NoGradGuard()) {
          model.namedParameters().forEach((k, v) -> trained.put(k, v.detach().clone()));
        }
        run.useEma(model);
        TryOnCheckpoint.save(out, model, Checkpoint.runInfo(cfg, seed, dataName, run.steps()));
        try (org.bytedeco.pytorch.NoGradGuard g = new org.bytedeco.pytorch.NoGradGuard()) {
          model.namedParameters().forEach((k, v) -> v.copy_(trained.get(k)));
        }
        TryOnCheckpoint.save(out.resolve("non_ema"), model, Checkpoint.runInfo(cfg, seed, dataName, run.steps()));
      }
      System.out.printf(Locale.ROOT, "%s (%d parameters): %d steps in %.0f s (%.1f images/s), loss (last 50 steps) %.4f; saved %s%s%n", arm,
          Params.count(model), run.steps(), run.seconds(), run.imagesPerSecond(batch), run.finalLoss(50), out,
          run.ema() == null ? "" : " (EMA " + ema + "; trained weights in " + out.resolve("non_ema") + ")");
      return 0;
    }
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Dress a person in a garment: any image of a person and a garment (resized to 32×32 with a note); the mask is read from --mask or computed from the person's outline.")
  static final class Run implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Checkpoint directory.")
    Path model;

    @Option(names = "--person", required = true, description = "Person image (PNG, JPEG, ...).")
    Path person;

    @Option(names = "--garment", required = true, description = "Garment image on white.")
    Path garment;

    @Option(names = "--mask", description = "Garment-area mask image (white = replace); default: computed from the person's foreground box.")
    Path mask;

    @Option(names = "--category", defaultValue = "upper", description = "upper, lower or dress (default ${DEFAULT-VALUE}).")
    String category;

    @Option(names = "--guidance", defaultValue = "1.5", description = "Garment guidance scale s; 1 = none (default ${DEFAULT-VALUE}).")
    double guidance;

    @Option(names = "--steps", defaultValue = "20", description = "DDIM steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the starting noise (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "PNG to write (32×32).")
    Path out;

    @Mixin PrecisionOption precision;

    @Override
    public Integer call() {
      if (!out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) throw new IllegalArgumentException("--out must be a .png file, got " + out);
      int cat = TryOnData.CATEGORIES.indexOf(category);
      if (cat < 0) throw new IllegalArgumentException("--category must be one of " + TryOnData.CATEGORIES + ", got " + category);
      Engine.init(2);
      Tensor p = TryOnImages.readRgb(person, "person", System.err::println);
      Tensor g = TryOnImages.readRgb(garment, "garment", System.err::println);
      Tensor m;
      if (mask != null) {
        m = TryOnImages.readMask(mask, System.err::println);
      } else {
        m = TryOnImages.computeMask(p, category);
        System.err.println("note: no --mask given; the " + category + " garment area was computed from the person's foreground box");
      }
      OotdModel ootd = TryOnCheckpoint.load(model);
      Tensor result;
      try (Precision.Region cast = precision.autocast()) {
        result = TryOnSampler.tryOn(ootd, p, m, g, Tensor.create(new long[] {cat}, 1).clone(), guidance, steps, seed).to(torch.ScalarType.Float);
      }
      java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
      try {
        javax.imageio.ImageIO.write(SampleGrid.toImages(result, false)[0], "png", png);
      } catch (java.io.IOException e) {
        throw new IllegalStateException("cannot encode the PNG: " + e.getMessage(), e);
      }
      io.papers4j.core.io.AtomicFiles.write(out, png.toByteArray());
      System.out.printf(Locale.ROOT, "%s arm, %s, guidance %s, %d DDIM steps: wrote %s%n", ootd.config().arm(), category, guidance, steps, out);
      return 0;
    }
  }

  @Command(name = "eval", mixinStandardHelpOptions = true,
      description = "SSIM, LPIPS-proxy and texture fidelity on paired test examples, FD/KID on unpaired ones, in the features of a garment-texture classifier trained here.")
  static final class Eval implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Checkpoint directory.")
    Path model;

    @Option(names = "--n", defaultValue = "200", description = "Paired and unpaired test examples each (default ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--guidance", defaultValue = "1.5", description = "Garment guidance scale (default ${DEFAULT-VALUE}).")
    double guidance;

    @Option(names = "--steps", defaultValue = "20", description = "DDIM steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--classifier-steps", defaultValue = "300", description = "Training steps of the texture classifier (cached) (default ${DEFAULT-VALUE}).")
    int classifierSteps;

    @Option(names = "--classifier-images", defaultValue = "4096", description = "Training images of the texture classifier (default ${DEFAULT-VALUE}).")
    int classifierImages;

    @Option(names = "--seed", defaultValue = "0", description = "Generator seed of the test data (default ${DEFAULT-VALUE}).")
    long seed;

    @Mixin PrecisionOption precision;

    @Override
    public Integer call() {
      if (n < 2 || n > 10_000) throw new IllegalArgumentException("--n must be in [2, 10000], got " + n);
      if (classifierImages < 16 || classifierSteps < 1) throw new IllegalArgumentException("--classifier-images must be >= 16 and --classifier-steps >= 1");
      Engine.init(2);
      OotdModel m = TryOnCheckpoint.load(model);
      TryOnData data = TryOnData.load(seed);
      EvalClassifier net = TryOnEval.textureClassifier(data, classifierImages, classifierSteps, ProgressBar.detectMode());
      TryOnData.Batch paired = data.batch("test", 0, n), unpaired = data.unpairedBatch(0, n);
      Tensor real = net.featuresOf(data.batch("real", 0, Math.max(n, 500)).target()).to(torch.ScalarType.Double);
      Map<String, Double> r = new LinkedHashMap<>();
      try (ProgressBar bar = new ProgressBar("tryon eval", 2L * n, "img")) {
        // the try-on model's forward passes in --precision; the classifier features and the metrics stay float32
        Precision p = precision.get();
        r.putAll(TryOnEval.paired(net, TryOnEval.results(m, paired, guidance, steps, seed, 50, bar, true, p), paired));
        r.putAll(TryOnEval.unpaired(net, TryOnEval.results(m, unpaired, guidance, steps, seed + 1, 50, null, true, p), real, seed));
      }
      System.out.printf(Locale.ROOT, "%s arm, guidance %s, %d DDIM steps, %s, %d paired + %d unpaired test examples:%n", m.config().arm(), guidance, steps,
          precision.get().id(), n, n);
      for (Map.Entry<String, Double> e : r.entrySet()) System.out.printf(Locale.ROOT, "  %-26s %.4f%n", e.getKey(), e.getValue());
      System.out.println("(SSIM and LPIPS-proxy on the mask, texture fidelity on the garment region; LPIPS-proxy, FD and KID in the features "
          + "of the garment-texture classifier trained here, not LPIPS/Inception)");
      return 0;
    }
  }

  @Command(name = "data", mixinStandardHelpOptions = true,
      description = "Write generated examples as PNGs (person, garment, mask, agnostic, ground truth) to try `tryon run` on.")
  static final class Data implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "Directory to write.")
    Path out;

    @Option(names = "--n", defaultValue = "4", description = "Examples (default ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--unpaired", description = "Persons with another example's garment (the person_*.png then shows the person's own clothes).")
    boolean unpaired;

    @Option(names = "--seed", defaultValue = "0", description = "Generator seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
      if (n < 1 || n > 1000) throw new IllegalArgumentException("--n must be in [1, 1000], got " + n);
      TryOnData data = TryOnData.load(seed);
      TryOnData.Batch b = unpaired ? data.unpairedBatch(0, n) : data.batch("test", 0, n);
      Files.createDirectories(out);
      TryOnData.Batch own = data.batch("test", 0, n);
      SampleGrid.writeEach(own.target(), out, "person", false);
      SampleGrid.writeEach(b.garment(), out, "garment", false);
      SampleGrid.writeEach(b.mask(), out, "mask", false);
      SampleGrid.writeEach(b.agnostic(), out, "agnostic", false);
      SampleGrid.writeEach(b.target(), out, "truth", false);
      StringBuilder cats = new StringBuilder();
      for (int i = 0; i < n; i++) cats.append(String.format("%04d %s%n", i, TryOnData.CATEGORIES.get((int) b.category().get(i).item_long())));
      io.papers4j.core.io.AtomicFiles.writeString(out.resolve("categories.txt"), cats.toString());
      System.out.printf("wrote %d examples to %s (person_, garment_, mask_, agnostic_, truth_NNNN.png; categories.txt)%n", n, out);
      return 0;
    }
  }
}
