package io.papers4j.vision.cli;

import io.papers4j.core.cli.PrecisionOption;
import io.papers4j.core.cli.CliCommand;
import io.papers4j.core.cli.ParentCommand;
import io.papers4j.core.data.FashionMnist;
import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.nn.Params;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.vision.gen.EvalClassifier;
import io.papers4j.vision.gen.SampleGrid;
import io.papers4j.vision.pixart.Caption;
import io.papers4j.vision.gen.LatentSpace;
import io.papers4j.vision.pixart.PixArt;
import io.papers4j.vision.pixart.PixArtCheckpoint;
import io.papers4j.vision.pixart.PixArtConfig;
import io.papers4j.vision.pixart.PixArtData;
import io.papers4j.vision.pixart.PixArtEval;
import io.papers4j.vision.pixart.PixArtSampler;
import io.papers4j.vision.pixart.PixArtText;
import io.papers4j.vision.pixart.PixArtTraining;
import io.papers4j.vision.pixart.WeakToStrong;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code papers4j pixart train|sample|eval}: PixArt-Σ's DiT with KV compression and weak-to-strong steps, on captioned Fashion-MNIST. */
@Command(
    name = "pixart",
    mixinStandardHelpOptions = true,
    description = "PixArt-Σ (arXiv 2403.04692): a text-conditioned DiT with key/value token compression and weak-to-strong training.",
    subcommands = {PixArtCommand.Train.class, PixArtCommand.Sample.class, PixArtCommand.Eval.class})
public final class PixArtCommand extends ParentCommand implements CliCommand {

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = {"Train a PixArt model on Fashion-MNIST with class captions encoded by the frozen MiniLM, and save a checkpoint.",
          "Weak-to-strong: --init-from DIR starts from a trained checkpoint (its architecture is kept) and adapts it to "
              + "--image-size (PE interpolation), --latent (a new autoencoder space), --captions long / --max-tokens, or --kv-compress."})
  static final class Train implements Callable<Integer> {
    @Option(names = "--init-from", description = "A weaker PixArt checkpoint to start from (weak-to-strong).")
    Path initFrom;

    @Option(names = "--image-size", defaultValue = "28", description = "Training side in pixels, a multiple of 28 (bilinear upsampling) (default ${DEFAULT-VALUE}).")
    int imageSize;

    @Option(names = "--latent", description = "Train in the latent space of this AutoencoderKL checkpoint (papers4j autoencoder train).")
    Path latent;

    @Option(names = "--patch", defaultValue = "2", description = "Patch side (default ${DEFAULT-VALUE}); ignored with --init-from.")
    int patch;

    @Option(names = "--width", defaultValue = "48", description = "Hidden size (default ${DEFAULT-VALUE}); ignored with --init-from.")
    int width;

    @Option(names = "--depth", defaultValue = "8", description = "Blocks (default ${DEFAULT-VALUE}); ignored with --init-from.")
    int depth;

    @Option(names = "--heads", defaultValue = "4", description = "Attention heads (default ${DEFAULT-VALUE}); ignored with --init-from.")
    int heads;

    @Option(names = "--objective", defaultValue = "eps", description = "eps (ε, DDPM linear schedule, as PixArt) or rf (rectified flow) (default ${DEFAULT-VALUE}).")
    String objective;

    @Option(names = "--kv-compress", defaultValue = "none", description = "deep (second half of the blocks, as PixArt-Σ), shallow or none (default ${DEFAULT-VALUE}).")
    String kvCompress;

    @Option(names = "--kv-mode", defaultValue = "conv", description = "conv (2×2 depthwise strided conv + LayerNorm), discard or pool (default ${DEFAULT-VALUE}).")
    String kvMode;

    @Option(names = "--kv-init", defaultValue = "avg", description = "avg (weights 1/4: average pooling) or random (default ${DEFAULT-VALUE}).")
    String kvInit;

    @Option(names = "--captions", defaultValue = "short", description = "short (\"a photo of a sneaker\") or long (richer, ~20 word pieces) (default ${DEFAULT-VALUE}).")
    String captions;

    @Option(names = "--max-tokens", defaultValue = "0", description = "Caption tokens the model reads (default 16 for short, 32 for long captions).")
    int maxTokens;

    @Option(names = "--steps", defaultValue = "2000", description = "Optimizer steps (default ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--batch", defaultValue = "64", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "AdamW learning rate (default ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--train-images", defaultValue = "60000", description = "Training images (default ${DEFAULT-VALUE}).")
    int trainImages;

    @Option(names = "--out", required = true, description = "Checkpoint directory to write.")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", defaultValue = "2", description = "Intra-op threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Mixin PrecisionOption precision;

    @Override
    public Integer call() throws Exception {
      // every option is checked before anything heavy is loaded or anything is written
      PixArtTraining.Recipe recipe = new PixArtTraining.Recipe(lr, steps, Math.min(50, steps / 10), seed);
      if (imageSize < 28 || imageSize % 28 != 0) throw new IllegalArgumentException("--image-size must be a multiple of 28, got " + imageSize);
      List<String> prompts = PixArtData.fashionPrompts(captions);
      int tokens = maxTokens > 0 ? maxTokens : captions.equals("long") ? 32 : 16;
      if (!kvInit.equals("avg") && !kvInit.equals("random")) throw new IllegalArgumentException("--kv-init must be avg or random, got " + kvInit);
      if (initFrom != null && !Files.isDirectory(initFrom)) throw new IllegalArgumentException("--init-from " + initFrom + " is not a directory");
      if (latent != null && !Files.isDirectory(latent)) throw new IllegalArgumentException("--latent " + latent + " is not a directory");
      PixArt weak = initFrom == null ? null : PixArtCheckpoint.load(initFrom);
      LatentSpace space = latent == null ? null : LatentSpace.load(latent);
      int[] input = space == null ? new int[] {1, imageSize} : space.shape(imageSize);
      PixArtConfig base = weak != null ? weak.config()
          : PixArtConfig.fashionMnist().withSize(input[1], patch, width, depth, heads);
      PixArtConfig config = base.withInput(input[1], input[0]).withKv(PixArtConfig.layers(kvCompress, base.depth()), kvMode).withText(tokens)
          .withObjective(weak != null ? base.objective() : objective);
      if (weak != null && !objective.equals("eps") && !objective.equals(base.objective())) {
        throw new IllegalArgumentException("--objective " + objective + " differs from the checkpoint's " + base.objective());
      }
      Engine.init(threads);
      Engine.seed(seed);
      PixArtText text = PixArtText.load();
      PixArtData d = PixArtData.fashionMnist(trainImages, 1_000, batch, seed, text, captions, tokens);
      d = d.withInputs(inputs(d.trainInputs(), imageSize, space), inputs(d.testInputs(), imageSize, space));
      PixArt model = new PixArt(config, seed, kvInit);
      String transfer = "";
      if (weak != null) {
        transfer = WeakToStrong.transfer(weak, model).summary();
        System.out.println("weak-to-strong from " + initFrom + ": " + transfer);
      }
      Path work = out.toAbsolutePath().resolveSibling("." + out.getFileName() + ".train");
      PixArtTraining.Run run = PixArtTraining.train(model, d, recipe, work, ProgressBar.detectMode(), (int) Math.max(1, steps / 10), 4,
          Double.POSITIVE_INFINITY, precision.get());
      Map<String, Object> cfg = new LinkedHashMap<>();
      cfg.put("objective", config.objective());
      cfg.put("captions", captions);
      cfg.put("prompts", prompts);
      cfg.put("kv_compress", kvCompress);
      cfg.put("kv_mode", kvMode);
      cfg.put("kv_init", kvInit);
      cfg.put("image_size", imageSize);
      if (space != null) cfg.put("autoencoder", space.dir().toAbsolutePath().toString());
      if (weak != null) {
        cfg.put("init_from", initFrom.toAbsolutePath().toString());
        cfg.put("transfer", transfer);
      }
      cfg.put("steps", steps);
      cfg.put("batch", batch);
      cfg.put("lr", lr);
      cfg.put("final_val_loss", run.result().finalValLoss());
      PixArtCheckpoint.save(out, model, Checkpoint.runInfo(cfg, seed, "fashion-mnist", run.result().steps()));
      deleteTree(work);
      System.out.printf(Locale.ROOT, "PixArt (%s, kv %s/%s, %d parameters): %d steps in %.0f s (%.1f ms/step), validation loss %.4f; saved %s%n",
          config.objective(), kvCompress, kvMode, Params.count(model), run.result().steps(), run.seconds(), run.result().msPerStep(),
          run.result().finalValLoss(), out);
      return 0;
    }
  }

  /** Images (N, 1, 28, 28) → the model's inputs: upsampled to {@code size}, then encoded when a latent space is given. */
  static Tensor inputs(Tensor images, int size, LatentSpace space) {
    Tensor x = size == 28 ? images : torch.upsample_bilinear2d(images, new long[] {size, size}, false);
    return space == null ? x : space.encode(x);
  }

  @Command(name = "sample", mixinStandardHelpOptions = true,
      description = "Generate images for a caption or a class: a PNG grid plus one PNG per sample (in a folder named after the grid).")
  static final class Sample implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Checkpoint directory.")
    Path model;

    @Option(names = "--prompt", description = "Caption, e.g. \"a photo of a sneaker\".")
    String prompt;

    @Option(names = "--class", description = "A Fashion-MNIST class (index or name): its training caption is used.")
    String classLabel;

    @Option(names = "--steps", defaultValue = "20", description = "Sampler steps: DDIM for eps, Euler for rf (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--cfg", defaultValue = "4.5", description = "Classifier-free guidance scale (default ${DEFAULT-VALUE}, PixArt's).")
    double cfg;

    @Option(names = "--n", defaultValue = "16", description = "Number of samples (default ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--out", required = true, description = "PNG grid to write.")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the starting noise (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", defaultValue = "2", description = "Intra-op threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Mixin PrecisionOption precision;

    @Override
    public Integer call() throws Exception {
      if (n < 1 || n > 10_000) throw new IllegalArgumentException("--n must be in [1, 10000], got " + n);
      if (!out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) throw new IllegalArgumentException("--out must be a .png file, got " + out);
      if ((prompt == null) == (classLabel == null)) throw new IllegalArgumentException("give exactly one of --prompt and --class");
      Engine.init(threads);
      PixArt m = PixArtCheckpoint.load(model);
      Map<?, ?> info = runConfig(model);
      String p = prompt != null ? prompt : classPrompt(classLabel, info);
      List<String> prompts = new ArrayList<>();
      for (int i = 0; i < n; i++) prompts.add(p);
      Caption caption = PixArtText.load().encode(prompts, m.config().maxTextTokens());
      LatentSpace space = info.get("autoencoder") instanceof String a ? LatentSpace.load(Path.of(a)) : null;
      Tensor images;
      try (ProgressBar bar = new ProgressBar("sample", n, "img")) {
        try (var cast = precision.autocast()) {
          images = PixArtSampler.sample(m, caption, steps, cfg, seed, 64, space == null, bar);
        }
      }
      if (space != null) images = space.decode(images);
      String stem = out.getFileName().toString().replaceFirst("(?i)\\.png$", "");
      Path each = out.toAbsolutePath().resolveSibling(stem);
      Files.createDirectories(each);
      SampleGrid.writeEach(images, each, "sample", true);
      SampleGrid.write(images, out, 0, true);
      System.out.printf(Locale.ROOT, "%d samples of \"%s\" (%d steps, CFG %s) → %s and %s/%n", n, p, steps, cfg, out, each);
      return 0;
    }
  }

  /** The training caption of a class, in the style the checkpoint was trained with. */
  static String classPrompt(String label, Map<?, ?> info) {
    int k = FlowCommand.classIndex(label, FashionMnist.CLASSES.length);
    return PixArtData.fashionPrompts(String.valueOf(info.get("captions") == null ? "short" : info.get("captions"))).get(k);
  }

  static Map<?, ?> runConfig(Path model) {
    Map<String, Object> info = Checkpoint.readRunInfo(model);
    return info.get("config") instanceof Map<?, ?> c ? c : Map.of();
  }

  @Command(name = "eval", mixinStandardHelpOptions = true,
      description = "FD-FashionMNIST, KID-FashionMNIST and conditional accuracy (features of the cached evaluation classifier) of class-balanced samples, per sampling seed.")
  static final class Eval implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Checkpoint directory.")
    Path model;

    @Option(names = "--n", defaultValue = "500", description = "Samples per seed (default ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--real", defaultValue = "2000", description = "Held-out real images (default ${DEFAULT-VALUE}).")
    int real;

    @Option(names = "--steps", defaultValue = "20", description = "Sampler steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--cfg", defaultValue = "2", description = "Guidance scale (default ${DEFAULT-VALUE}).")
    double cfg;

    @Option(names = "--seeds", defaultValue = "2", description = "Sampling seeds (default ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--classifier-steps", defaultValue = "600",
        description = "Training steps of the evaluation classifier, trained once per setting and cached (default ${DEFAULT-VALUE}).")
    int classifierSteps;

    @Option(names = "--classifier-images", defaultValue = "60000", description = "Fashion-MNIST images the evaluation classifier trains on (default ${DEFAULT-VALUE}).")
    int classifierImages;

    @Option(names = "--threads", defaultValue = "2", description = "Intra-op threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Mixin PrecisionOption precision;

    @Override
    public Integer call() {
      if (n < 2 || seeds < 1 || real < 2 || real > 10_000) throw new IllegalArgumentException("need --n >= 2, --seeds >= 1 and --real in [2, 10000]");
      Engine.init(threads);
      PixArt m = PixArtCheckpoint.load(model);
      Map<?, ?> info = runConfig(model);
      String style = String.valueOf(info.get("captions") == null ? "short" : info.get("captions"));
      LatentSpace space = info.get("autoencoder") instanceof String a ? LatentSpace.load(Path.of(a)) : null;
      Caption table = PixArtText.load().encode(PixArtData.fashionPrompts(style), m.config().maxTextTokens());
      EvalClassifier.Recipe recipe = EvalClassifier.Recipe.DEFAULT;
      EvalClassifier clf = EvalClassifier.cached("fashion-mnist", new EvalClassifier.Recipe(classifierSteps, recipe.batch(), recipe.lr(), recipe.seed()),
          classifierImages, ProgressBar.detectMode());
      Tensor realImages = PixArtData.toUnit(PixArtData.fashionTest(real));
      PixArtEval ev = new PixArtEval(clf, realImages, table, space);
      for (int s = 0; s < seeds; s++) {
        Map<String, Double> r;
        try (ProgressBar bar = new ProgressBar("sample", n, "img")) {
          r = ev.score(m, n, steps, cfg, 1 + s, bar, precision.get()); // sampling in --precision, the evaluator in float32
        }
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "seed %d (%d samples, %d steps, CFG %s, %s):", 1 + s, n, steps, cfg,
            precision.get().id()));
        r.forEach((k, v) -> b.append(String.format(Locale.ROOT, " %s %.4g", k, v)));
        System.out.println(b);
      }
      return 0;
    }
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) return;
    try (var paths = Files.walk(dir)) {
      for (Path f : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
    }
  }
}
