package io.papers4j.vision.cli;

import io.papers4j.core.cli.CliCommand;
import io.papers4j.core.cli.ParentCommand;
import io.papers4j.core.cli.PrecisionOption;
import io.papers4j.core.data.SkimageData;
import io.papers4j.core.tensor.Precision;
import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.vision.iwm.ColourShapes;
import io.papers4j.vision.iwm.IwmCheckpoint;
import io.papers4j.vision.iwm.IwmConfig;
import io.papers4j.vision.iwm.IwmEval;
import io.papers4j.vision.iwm.IwmModel;
import io.papers4j.vision.iwm.IwmTraining;
import io.papers4j.vision.iwm.Mrr;
import io.papers4j.vision.iwm.RealImages;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code papers4j iwm train|mrr|probe|finetune}: Image World Models on procedural colour shapes or real colour images. */
@Command(
    name = "iwm",
    mixinStandardHelpOptions = true,
    description = "IWM (arXiv 2403.00504): a JEPA whose predictor is a world model of photometric transformations.",
    subcommands = {IwmCommand.Train.class, IwmCommand.MrrCmd.class, IwmCommand.Probe.class, IwmCommand.Finetune.class})
public final class IwmCommand extends ParentCommand implements CliCommand {

  /** Shared data options. */
  static class DataOptions {
    @Option(names = "--train-images", defaultValue = "4000", description = "Procedural training images (default ${DEFAULT-VALUE}).")
    int trainImages;

    @Option(names = "--test-images", defaultValue = "500", description = "Procedural test images (default ${DEFAULT-VALUE}).")
    int testImages;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--data", defaultValue = "shapes",
        description = "shapes (procedural colour shapes), tango (Tango icons, label = icon context), emoji (Noto colour emoji, label = "
            + "Unicode block) or photos (crops of the skimage colour photos, label = photo; --train-images/--test-images crops) "
            + "(default ${DEFAULT-VALUE}).")
    String data;

    String describe() {
      return switch (data) {
        case "tango" -> "tango-icons";
        case "emoji" -> "noto-emoji";
        case "photos" -> "skimage-photo-crops:" + trainImages;
        default -> "colour-shapes:" + trainImages;
      };
    }

    ColourShapes.Data train(int side) {
      return split(side, false);
    }

    ColourShapes.Data test(int side) {
      return split(side, true);
    }

    private ColourShapes.Data split(int side, boolean test) {
      return switch (data) {
        case "shapes" -> ColourShapes.generate(test ? testImages : trainImages, side, test ? 2 : 1);
        case "tango" -> {
          if (side != 32) throw new IllegalArgumentException("--data tango needs 32 px models, this one is " + side + " px");
          yield RealImages.tango(test, 3);
        }
        case "emoji" -> RealImages.emoji(test, side);
        case "photos" -> RealImages.photoCrops(SkimageData.DIR, test, test ? testImages : trainImages, side, 5);
        default -> throw new IllegalArgumentException("--data must be shapes, tango, emoji or photos, got " + data);
      };
    }
  }

  @Command(name = "train", mixinStandardHelpOptions = true, description = "Pre-train an IWM and save a checkpoint.")
  static final class Train implements Callable<Integer> {
    @Option(names = "--conditioning", defaultValue = "feature", description = "none, feature or sequence (default ${DEFAULT-VALUE}).")
    String conditioning;

    @Option(names = "--predictor-depth", defaultValue = "4", description = "Predictor blocks (default ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--augment", defaultValue = "jitter+destructive", description = "jitter or jitter+destructive (default ${DEFAULT-VALUE}).")
    String augment;

    @Option(names = "--steps", defaultValue = "1000", description = "Optimizer steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "64", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "AdamW lr (default ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--crop-scale", defaultValue = "0.3",
        description = "Smallest area fraction of the random resized crop + flip shared by both views (I-JEPA: 0.3); 0 turns it off (default ${DEFAULT-VALUE}).")
    double cropScale;

    @Option(names = "--out", required = true, description = "Checkpoint directory.")
    Path out;

    @CommandLine.Mixin DataOptions data = new DataOptions();

    @CommandLine.Mixin PrecisionOption precision;

    @Override
    public Integer call() {
      if (!augment.equals("jitter") && !augment.equals("jitter+destructive")) {
        throw new IllegalArgumentException("--augment must be jitter or jitter+destructive, got " + augment);
      }
      IwmConfig cfg = IwmConfig.small(conditioning, depth);
      Engine.init();
      Engine.seed(data.seed);
      var recipe = new IwmTraining.Recipe(steps, batch, lr, 0.04, augment.equals("jitter+destructive"), cropScale);
      IwmTraining.Run run = IwmTraining.train(cfg, data.train(cfg.imageSize()), recipe, data.seed, ProgressBar.detectMode(), precision.get());
      Map<String, Object> conf = new LinkedHashMap<>();
      conf.put("augment", augment);
      conf.put("steps", steps);
      conf.put("batch", batch);
      conf.put("lr", lr);
      conf.put("weight_decay", 0.04);
      conf.put("crop_scale", cropScale);
      conf.put("precision", precision.get().id());
      IwmCheckpoint.save(out, run.model(), Checkpoint.runInfo(conf, data.seed, data.describe(), steps));
      System.out.printf(Locale.ROOT, "saved %s (final loss %.4f, %.0f s)%n", out, run.losses().get(run.losses().size() - 1), run.seconds());
      return 0;
    }
  }

  static boolean destructive(Path model) {
    Object conf = Checkpoint.readRunInfo(model).get("config");
    return !(conf instanceof Map<?, ?> m) || !"jitter".equals(m.get("augment"));
  }

  @Command(name = "mrr", mixinStandardHelpOptions = true, description = "Equivariance: MRR over a bank of transformed versions (chance beside it).")
  static final class MrrCmd implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Checkpoint directory.")
    Path model;

    @CommandLine.Mixin DataOptions data = new DataOptions();

    @Option(names = "--images", defaultValue = "200", description = "Test images (default ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--bank", defaultValue = "64", description = "Versions per image (default ${DEFAULT-VALUE}).")
    int bank;

    @CommandLine.Mixin PrecisionOption precision;

    @Override
    public Integer call() {
      if (bank < 2) throw new IllegalArgumentException("--bank must be >= 2 (one true target among the versions), got " + bank);
      if (images < 1) throw new IllegalArgumentException("--images must be >= 1, got " + images);
      Engine.init();
      IwmModel m = IwmCheckpoint.load(model);
      var test = data.test(m.config().imageSize());
      int n = (int) Math.min(images, test.size());
      double mrr = IwmEval.mrr(m, test.images().narrow(0, 0, n), bank, destructive(model), 99, precision.get());
      System.out.printf(Locale.ROOT, "MRR %.4f on %d images, %s  (chance H_%d/%d = %.4f)%n", mrr, n, precision.get().id(), bank, bank, Mrr.chance(bank));
      return 0;
    }
  }

  @Command(name = "probe", mixinStandardHelpOptions = true, description = "Frozen-encoder probe of the shape class.")
  static final class Probe implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Checkpoint directory.")
    Path model;

    @Option(names = "--head", defaultValue = "linear", description = "linear (mean-pooled encoder) or attentive (default ${DEFAULT-VALUE}).")
    String head;

    @Option(names = "--epochs", defaultValue = "20", description = "Linear probe epochs (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--steps", defaultValue = "300", description = "Attentive probe steps (default ${DEFAULT-VALUE}).")
    int steps;

    @CommandLine.Mixin DataOptions data = new DataOptions();

    @CommandLine.Mixin PrecisionOption precision;

    @Override
    public Integer call() {
      if (!head.equals("linear") && !head.equals("attentive")) throw new IllegalArgumentException("--head must be linear or attentive, got " + head);
      Engine.init();
      IwmModel m = IwmCheckpoint.load(model);
      int side = m.config().imageSize();
      var train = data.train(side);
      var test = data.test(side);
      double acc;
      Precision p = precision.get();
      switch (head) {
        // the frozen encoder in --precision; the logistic regression on its float32 features stays float32
        case "linear" -> acc = IwmEval.linearProbe(IwmEval.features(m, train.images(), p), train.labels(), IwmEval.features(m, test.images(), p),
            test.labels(), (int) train.labels().max().item_long() + 1, epochs, data.seed);
        case "attentive" -> acc = IwmEval.finetune(m, IwmEval.Tune.HEAD_ONLY, train, test, steps, 64, 1e-3, data.seed, p);
        default -> throw new IllegalArgumentException("--head must be linear or attentive, got " + head);
      }
      System.out.printf(Locale.ROOT, "%s probe top-1 %.2f%% (%d classes, %d test images, %s)%n", head, 100 * acc, (int) train.labels().max().item_long() + 1,
          test.size(), p.id());
      return 0;
    }
  }

  @Command(name = "finetune", mixinStandardHelpOptions = true,
      description = "Fine-tune the pre-trained predictor (frozen encoder, lr/10), a random predictor, the encoder, or encoder and "
          + "pre-trained predictor together (end-to-end), with an attentive head.")
  static final class Finetune implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Checkpoint directory.")
    Path model;

    @Option(names = "--what", defaultValue = "predictor", description = "predictor, random-predictor, encoder or end-to-end (default ${DEFAULT-VALUE}).")
    String what;

    @Option(names = "--steps", defaultValue = "300", description = "Steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--lr", defaultValue = "1e-3", description = "lr of the head and of a random predictor (default ${DEFAULT-VALUE}).")
    double lr;

    @CommandLine.Mixin DataOptions data = new DataOptions();

    @CommandLine.Mixin PrecisionOption precision;

    @Override
    public Integer call() {
      if (!java.util.Set.of("predictor", "random-predictor", "encoder", "end-to-end").contains(what)) {
        throw new IllegalArgumentException("--what must be predictor, random-predictor, encoder or end-to-end, got " + what);
      }
      if (steps < 1) throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
      Engine.init();
      IwmModel m = IwmCheckpoint.load(model);
      int side = m.config().imageSize();
      var train = data.train(side);
      var test = data.test(side);
      IwmEval.Tune tune = switch (what) {
        case "predictor" -> IwmEval.Tune.PRETRAINED_PREDICTOR;
        case "random-predictor" -> IwmEval.Tune.RANDOM_PREDICTOR;
        case "encoder" -> IwmEval.Tune.ENCODER;
        case "end-to-end" -> IwmEval.Tune.END_TO_END;
        default -> throw new IllegalArgumentException("--what must be predictor, random-predictor, encoder or end-to-end, got " + what);
      };
      double acc = IwmEval.finetune(m, tune, train, test, steps, 64, lr, data.seed, precision.get());
      System.out.printf(Locale.ROOT, "%s fine-tuning top-1 %.2f%% after %d steps (%s)%n", what, 100 * acc, steps, precision.get().id());
      return 0;
    }
  }
}
