package io.papers4j.vision.cli;

import io.papers4j.core.cli.CliCommand;
import io.papers4j.core.cli.ParentCommand;
import io.papers4j.core.cli.PrecisionOption;
import io.papers4j.core.data.FashionMnist;
import io.papers4j.core.data.NotoEmoji;
import io.papers4j.core.diffusion.TimeSampler;
import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.nn.Params;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tensor.Precision;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.vision.flow.Cond;
import io.papers4j.vision.flow.FlowCheckpoint;
import io.papers4j.vision.flow.FlowConfig;
import io.papers4j.vision.flow.FlowData;
import io.papers4j.vision.flow.FlowModel;
import io.papers4j.vision.flow.FlowSampler;
import io.papers4j.vision.flow.FlowTextEncoder;
import io.papers4j.vision.flow.FlowTraining;
import io.papers4j.vision.flow.WordTokenizer;
import io.papers4j.vision.gen.CaptionedShapes;
import io.papers4j.vision.gen.EvalClassifier;
import io.papers4j.vision.gen.Evaluator;
import io.papers4j.vision.gen.LabelledImages;
import io.papers4j.vision.gen.LatentSpace;
import io.papers4j.vision.gen.SampleGrid;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code papers4j flow train|sample|eval}: rectified-flow transformers (SD3) on Fashion-MNIST or captioned shapes. */
@Command(
    name = "flow",
    mixinStandardHelpOptions = true,
    description = "Rectified-flow transformers (SD3, arXiv 2403.03206): DiT, DiT-LLaMA, MM-DiT, CrossDiT, U-ViT; class labels or captions.",
    subcommands = {FlowCommand.Train.class, FlowCommand.Sample.class, FlowCommand.Eval.class})
public final class FlowCommand extends ParentCommand implements CliCommand {

  @Command(name = "train", mixinStandardHelpOptions = true, description = "Train a flow (or ε / v diffusion) transformer and save a checkpoint.")
  static final class Train implements Callable<Integer> {
    @Option(names = "--data", defaultValue = "fashion-mnist",
        description = "fashion-mnist (class labels; Debian dataset-fashion-mnist), shapes (captioned procedural shapes, 32 px RGB) or emoji "
            + "(the Noto colour emoji captioned by their Unicode names, 32 px RGB, Debian fonts-noto-color-emoji; needs --text minilm) "
            + "(default ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--arch", defaultValue = "mmdit", description = "mmdit, dit, dit-llama, crossdit or uvit (default ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--objective", defaultValue = "rf",
        description = "rf (rectified flow, velocity), eps (ε, LDM linear schedule) or v (v, cosine schedule) (default ${DEFAULT-VALUE}).")
    String objective;

    @Option(names = "--t-sampler", defaultValue = "lognorm:0,1", description = "lognorm:m,s, uniform, mode:s or cosmap (default ${DEFAULT-VALUE}).")
    String tSampler;

    @Option(names = "--shift", defaultValue = "1", description = "Training timestep shift α of SD3 eq. 23 (default ${DEFAULT-VALUE}).")
    double shift;

    @Option(names = "--image-size", defaultValue = "0",
        description = "Training side in pixels: a multiple of 28 for fashion-mnist (bilinear upsampling), 32 for shapes (default: the data's own).")
    int imageSize;

    @Option(names = "--patch", defaultValue = "0", description = "Patch side (default 4, or 4·size/28 to keep 49 tokens).")
    int patch;

    @Option(names = "--emoji-group", defaultValue = "all",
        description = "With --data emoji: train on one group of Unicode's emoji-test.txt (Debian unicode-data): smileys, people, animals, food, "
            + "travel, activities, objects, symbols or flags; all = every emoji of the font (default ${DEFAULT-VALUE}).")
    String emojiGroup;

    @Option(names = "--prediction",
        description = "What the network outputs (rectified flow): v (the velocity, SD3) or x (the clean image, turned into the velocity; "
            + "JiT, Li and He 2025) (default: x for emoji, whose 4×4 RGB patches are 48 numbers in a width-64 token; v otherwise).")
    String prediction;

    @Option(names = "--text", defaultValue = "words",
        description = "Caption encoder for shapes and emoji: words (word-level tokeniser, learned embeddings) or minilm (frozen pretrained all-MiniLM-L6-v2, the stand-in for SD3's CLIP/T5) (default ${DEFAULT-VALUE}).")
    String text;

    @Option(names = "--qk-norm", description = "Per-head RMSNorm on queries and keys.")
    boolean qkNorm;

    @Option(names = "--steps", defaultValue = "2000", description = "Optimizer steps (default ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--batch", defaultValue = "128", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "5e-4", description = "AdamW learning rate (default ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--train-images", defaultValue = "0", description = "Training images (default: 60,000 Fashion-MNIST or 20,000 shapes).")
    int trainImages;

    @Option(names = "--ema", defaultValue = "0.99",
        description = "EMA decay of the weights that are saved for sampling; the trained weights go to OUT/non_ema; 0 = none (default ${DEFAULT-VALUE}).")
    double ema;

    @Option(names = "--latent", paramLabel = "AE_DIR",
        description = "Train in the latent space of this autoencoder checkpoint (papers4j autoencoder train): images are encoded once to "
            + "(mean − shift_factor)·scaling_factor, samples are decoded; the autoencoder is saved with the model in OUT/vae. "
            + "Patch 1 by default (a 28-px image at f = 4 is a 7×7 latent: 49 tokens).")
    Path latent;

    @Option(names = "--out", required = true, description = "Checkpoint directory to write.")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Mixin PrecisionOption precision;

    @Option(names = "--threads", defaultValue = "2", description = "Intra-op threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() throws Exception {
      // every option is checked before any data is loaded or anything is written
      TimeSampler sampler = TimeSampler.parse(tSampler);
      FlowTraining.Recipe recipe = new FlowTraining.Recipe(objective, sampler, shift, lr, steps, Math.min(100, steps / 10), seed, ema);
      if (!FlowConfig.ARCHS.contains(arch)) throw new IllegalArgumentException("--arch must be one of " + FlowConfig.ARCHS + ", got " + arch);
      FlowConfig config;
      if (data.equals("fashion-mnist")) {
        int size = imageSize == 0 ? 28 : imageSize;
        if (size % 28 != 0) throw new IllegalArgumentException("--image-size " + size + " is not a multiple of 28 (Fashion-MNIST is upsampled by an integer factor)");
        int p = patch == 0 ? 4 * size / 28 : patch;
        config = FlowConfig.fashionMnist(arch).withImage(size, p).withQkNorm(qkNorm);
      } else if (data.equals("shapes")) {
        if (imageSize != 0 && imageSize != 32) throw new IllegalArgumentException("--image-size for shapes must be 32, got " + imageSize);
        WordTokenizer tok = FlowData.shapesTokenizer();
        if (text.equals("words")) config = FlowConfig.captions(arch, 32, 3, patch == 0 ? 4 : patch, tok.vocabSize(), tok.maxTokens()).withQkNorm(qkNorm);
        else if (text.equals("minilm")) config = FlowConfig.encoded(arch, 32, 3, patch == 0 ? 4 : patch, FlowTextEncoder.DIM, MINILM_TOKENS).withQkNorm(qkNorm);
        else throw new IllegalArgumentException("--text must be words or minilm, got " + text);
      } else if (data.equals("emoji")) {
        if (imageSize != 0 && imageSize != 32) throw new IllegalArgumentException("--image-size for emoji must be 32, got " + imageSize);
        if (!text.equals("minilm")) throw new IllegalArgumentException("emoji captions are free text (their Unicode names): use --text minilm");
        config = FlowConfig.encoded(arch, 32, 3, patch == 0 ? 4 : patch, FlowTextEncoder.DIM, EMOJI_TOKENS).withQkNorm(qkNorm);
        if (!emojiGroup.equals("all") && !NotoEmoji.GROUPS.contains(emojiGroup)) {
          throw new IllegalArgumentException("--emoji-group must be all or one of " + String.join(", ", NotoEmoji.GROUPS) + ", got " + emojiGroup);
        }
      } else {
        throw new IllegalArgumentException("--data must be fashion-mnist, shapes or emoji, got " + data);
      }
      if (!data.equals("emoji") && !emojiGroup.equals("all")) throw new IllegalArgumentException("--emoji-group needs --data emoji");
      String pred = prediction != null ? prediction : data.equals("emoji") && objective.equals("rf") ? "x" : "v";
      if (!pred.equals("v") && !pred.equals("x")) throw new IllegalArgumentException("--prediction must be v or x, got " + pred);
      if (pred.equals("x") && !objective.equals("rf")) throw new IllegalArgumentException("--prediction x is defined for --objective rf only");
      config = config.withPrediction(pred);
      LatentSpace space = null;
      if (latent != null) {
        if (imageSize != 0) throw new IllegalArgumentException("--image-size cannot be combined with --latent (the autoencoder reads the data at its own size)");
        space = LatentSpace.load(latent);
        int in = space.autoencoder().config().inChannels();
        if (in != config.channels()) throw new IllegalArgumentException(latent + ": the autoencoder takes " + in + "-channel images, " + data + " has " + config.channels());
        int[] ls = space.shape(config.imageSize()); // {L, S/f}
        int p = patch == 0 ? 1 : patch;
        config = config.withChannels(ls[0]).withImage(ls[1], p);
      }
      Engine.init(threads);
      Engine.seed(seed);
      int shapesCount = trainImages > 0 ? trainImages : 20_000;
      FlowData d = data.equals("emoji") ? FlowData.emojiEncoded(emojiGroup, 256, batch, seed, FlowTextEncoder.load(EMOJI_TOKENS))
          : data.equals("shapes")
          ? (config.conditioning().equals("features") ? FlowData.shapesEncoded(shapesCount, 512, batch, seed, FlowTextEncoder.load(MINILM_TOKENS))
              : FlowData.shapes(shapesCount, 512, batch, seed))
          : FlowData.fashionMnist(trainImages > 0 ? trainImages : 60_000, 1_000, batch, space == null ? config.imageSize() / 28 : 1, seed);
      if (space != null) d = d.inLatentSpace(space);
      FlowModel model = FlowModel.create(config, seed);
      Path work = out.toAbsolutePath().resolveSibling("." + out.getFileName() + ".train");
      FlowTraining.Run run = FlowTraining.train(model, d, recipe, work, ProgressBar.detectMode(), (int) Math.max(1, steps / 10), 4,
          Double.POSITIVE_INFINITY, null, precision.get());
      Map<String, Object> cfg = new LinkedHashMap<>();
      cfg.put("arch", arch);
      cfg.put("objective", objective);
      if (!data.equals("fashion-mnist")) cfg.put("text_encoder", config.conditioning().equals("features") ? "all-MiniLM-L6-v2 (frozen)" : "words (learned)");
      if (data.equals("emoji")) cfg.put("emoji_group", emojiGroup);
      cfg.put("prediction", pred);
      cfg.put("t_sampler", sampler.spec());
      cfg.put("train_shift", shift);
      cfg.put("steps", steps);
      cfg.put("batch", batch);
      cfg.put("lr", lr);
      cfg.put("ema_decay", ema);
      cfg.put("final_val_loss", run.result().finalValLoss());
      if (space != null) {
        cfg.put("latent_channels", config.channels());
        cfg.put("latent_scaling_factor", space.scale());
        cfg.put("latent_shift_factor", space.shift());
      }
      FlowCheckpoint.save(out, run, Checkpoint.runInfo(cfg, seed, data, run.result().steps()), space);
      deleteTree(work);
      System.out.printf(Locale.ROOT, "%s (%s, %s, %d parameters%s): %d steps in %.0f s, validation loss %.4f; saved %s%n", arch, objective,
          sampler.spec(), Params.count(model), space == null ? "" : ", " + config.channels() + "×" + config.imageSize() + "² latents",
          run.result().steps(), run.seconds(), run.result().finalValLoss(), out);
      return 0;
    }
  }

  @Command(name = "sample", mixinStandardHelpOptions = true,
      description = "Generate images for a class or a caption: a PNG grid plus one PNG per sample (in a folder named after the grid).")
  static final class Sample implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Checkpoint directory.")
    Path model;

    @Option(names = "--class", description = "Class index or name (class-conditional models), e.g. 7 or sneaker.")
    String classLabel;

    @Option(names = "--prompt", description = "Caption (caption models), e.g. \"large red circle centre\".")
    String prompt;

    @Option(names = "--steps", defaultValue = "25", description = "Sampler steps: Euler for rf, DDIM for eps/v (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--cfg", defaultValue = "2", description = "Classifier-free guidance scale w (default ${DEFAULT-VALUE}).")
    double cfg;

    @Option(names = "--shift", description = "Sampling shift α of the σ grid (default: the training shift).")
    Double shift;

    @Option(names = "--n", defaultValue = "64", description = "Number of samples (default ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--out", required = true, description = "PNG grid to write.")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the starting noise (default ${DEFAULT-VALUE}).")
    long seed;

    @Mixin PrecisionOption precision;

    @Option(names = "--threads", defaultValue = "2", description = "Intra-op threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() throws Exception {
      if (n < 1 || n > 10_000) throw new IllegalArgumentException("--n must be in [1, 10000], got " + n);
      if (!out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) throw new IllegalArgumentException("--out must be a .png file, got " + out);
      Engine.init(threads);
      FlowModel m = FlowCheckpoint.load(model);
      Map<String, Object> info = Checkpoint.readRunInfo(model);
      Map<?, ?> cfgInfo = info.get("config") instanceof Map<?, ?> c ? c : Map.of();
      String objective = String.valueOf(cfgInfo.containsKey("objective") ? cfgInfo.get("objective") : "rf");
      double alpha = shift != null ? shift : cfgInfo.get("train_shift") instanceof Number x ? x.doubleValue() : 1.0;
      Cond cond = condition(m.config(), classLabel, prompt, n);
      LatentSpace space = FlowCheckpoint.latentSpace(model);
      Tensor images;
      try (ProgressBar bar = new ProgressBar("sample", n, "img");
          Precision.Region cast = precision.autocast()) {
        images = FlowSampler.sampleImages(m, space, objective, cond, steps, cfg, alpha, seed, 64, bar).to(torch.ScalarType.Float);
      }
      String stem = out.getFileName().toString().replaceFirst("(?i)\\.png$", "");
      Path each = out.toAbsolutePath().resolveSibling(stem);
      Files.createDirectories(each);
      SampleGrid.writeEach(images, each, "sample", true);
      SampleGrid.write(images, out, 0, true);
      System.out.printf(Locale.ROOT, "%d samples (%s, %d steps, CFG %s, shift %s) → %s and %s/%n", n, objective, steps, cfg, alpha, out, each);
      return 0;
    }
  }

  /** MiniLM positions a shapes caption model reads ([CLS] + word pieces + [SEP], padded). */
  static final int MINILM_TOKENS = 16;
  /** Emoji names are longer than shape captions (up to 18 word pieces with [CLS] and [SEP] in the Noto set). */
  static final int EMOJI_TOKENS = 32;

  /** The condition of n samples from --class or --prompt, with one message for every misuse. */
  static Cond condition(FlowConfig c, String classLabel, String prompt, int n) {
    if ((classLabel == null) == (prompt == null)) throw new IllegalArgumentException("give exactly one of --class and --prompt");
    if (!c.text()) {
      if (classLabel == null) throw new IllegalArgumentException("this model is class-conditional: use --class (0-" + (c.numClasses() - 1) + " or a name)");
      int k = classIndex(classLabel, c.numClasses());
      return Cond.classes(torch.full(new long[] {n}, new Scalar(k)).to(torch.ScalarType.Long));
    }
    if (prompt == null) throw new IllegalArgumentException("this model is caption-conditional: use --prompt");
    if (prompt.isBlank()) throw new IllegalArgumentException("the prompt is empty");
    List<String> captions = new ArrayList<>();
    for (int i = 0; i < n; i++) captions.add(prompt);
    if (c.conditioning().equals("features")) {
      Cond one = FlowTextEncoder.load(c.maxTextTokens()).encode(List.of(prompt));
      return Cond.features(one.context().expand(n, c.maxTextTokens(), c.contextDim()).contiguous(), one.pooled().expand(n, c.pooledDim()).contiguous());
    }
    return Cond.words(FlowData.shapesTokenizer().encode(captions));
  }

  static int classIndex(String label, int classes) {
    String s = label.trim();
    try {
      int k = Integer.parseInt(s);
      if (k >= 0 && k < classes) return k;
    } catch (NumberFormatException e) {
      for (int i = 0; i < FashionMnist.CLASSES.length && i < classes; i++) {
        String name = FashionMnist.CLASSES[i].toLowerCase(Locale.ROOT);
        if (name.equals(s.toLowerCase(Locale.ROOT)) || List.of(name.split("/")).contains(s.toLowerCase(Locale.ROOT))) return i;
      }
    }
    throw new IllegalArgumentException("unknown class '" + label + "': expected 0-" + (classes - 1) + " or one of "
        + String.join(", ", FashionMnist.CLASSES));
  }

  @Command(name = "eval", mixinStandardHelpOptions = true,
      description = "Validation loss on held-out data; FD/KID in the features of the data set's evaluation classifier (trained once and cached) and "
          + "conditional accuracy (class models) or attribute accuracy (shape-caption models) of generated samples.")
  static final class Eval implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Checkpoint directory.")
    Path model;

    @Option(names = "--samples", defaultValue = "500", description = "Generated samples (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--classifier-steps", defaultValue = "600",
        description = "Training steps of the evaluation classifier, trained once per setting and cached (default ${DEFAULT-VALUE}).")
    int classifierSteps;

    @Option(names = "--classifier-images", defaultValue = "60000", description = "Real images the evaluation classifier trains on (default ${DEFAULT-VALUE}).")
    int classifierImages;

    @Option(names = "--steps", defaultValue = "25", description = "Sampler steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--cfg", defaultValue = "1", description = "Guidance scale (default ${DEFAULT-VALUE}).")
    double cfg;

    @Mixin PrecisionOption precision;

    @Option(names = "--threads", defaultValue = "2", description = "Intra-op threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() {
      Engine.init(threads);
      FlowModel m = FlowCheckpoint.load(model);
      FlowConfig c = m.config();
      Map<String, Object> info = Checkpoint.readRunInfo(model);
      Map<?, ?> cfgInfo = info.get("config") instanceof Map<?, ?> x ? x : Map.of();
      String objective = String.valueOf(cfgInfo.containsKey("objective") ? cfgInfo.get("objective") : "rf");
      double alpha = cfgInfo.get("train_shift") instanceof Number x ? x.doubleValue() : 1.0;
      boolean emoji = "emoji".equals(info.get("data"));
      boolean shapes = c.text() && !emoji;
      LatentSpace space = FlowCheckpoint.latentSpace(model);
      int side = space == null ? c.imageSize() : c.imageSize() * space.autoencoder().config().factor(); // pixel side
      String group = emoji && cfgInfo.get("emoji_group") instanceof String g ? g : "all";
      LabelledImages trainedOn = emoji ? LabelledImages.emoji(NotoEmoji.DEFAULT_FONT, 32, group) : null; // the emoji the model was trained on
      FlowData px = emoji ? FlowData.emojiEncoded(group, 512, (int) Math.min(128, trainedOn.count()), 0, FlowTextEncoder.load(c.maxTextTokens()))
          : shapes
          ? (c.conditioning().equals("features") ? FlowData.shapesEncoded(128, 512, 128, 0, FlowTextEncoder.load(c.maxTextTokens())) : FlowData.shapes(128, 512, 128, 0))
          : FlowData.fashionMnist(128, 1_000, 128, side / 28, 0);
      FlowData d = space == null ? px : px.inLatentSpace(space);
      double loss = 0;
      int batches = d.validationBatches();
      for (int i = 0; i < batches; i++) {
        try (PointerScope s = new PointerScope();
            NoGradGuard g = new NoGradGuard();
            Precision.Region cast = precision.autocast()) {
          loss += FlowTraining.validationLoss(m, FlowTraining.process(objective), i, d.validation(i), d).item_double();
        }
      }
      System.out.printf(Locale.ROOT, "%s (%s): validation loss %.4f on %d validation images%n", model, c.arch(), loss / batches, d.testImages().size(0));
      if (samples < 2) throw new IllegalArgumentException("--samples must be >= 2, got " + samples);
      ProgressBar.Mode mode = ProgressBar.detectMode();
      Evaluator eval = new Evaluator(EvalClassifier.cached(emoji ? "emoji" : shapes ? "shapes" : "fashion-mnist",
          new EvalClassifier.Recipe(classifierSteps, 128, 1e-3, 0), classifierImages, mode),
          FlowData.toUnit(shapes || emoji ? px.testImages() : pool(px.testImages(), side / 28)));
      Cond cond;
      Tensor requested;
      long[] trainedIds = null; // emoji: the classifier's class of each emoji trained on
      if (emoji) {
        // the emoji of the validation set (the first ≤ 512 trained on), in turn: does the classifier see the emoji that was asked for?
        List<String> allNames = LabelledImages.load("emoji", true, Integer.MAX_VALUE, 0).captions();
        Map<String, Integer> classOf = new java.util.HashMap<>();
        for (int i = 0; i < allNames.size(); i++) classOf.put(allNames.get(i), i);
        trainedIds = trainedOn.captions().stream().mapToLong(n -> classOf.get(n)).toArray();
        long[] ids = new long[samples];
        List<String> names = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
          int k = (int) (i % d.testImages().size(0));
          ids[i] = trainedIds[k];
          names.add(trainedOn.captions().get(k));
        }
        cond = FlowTextEncoder.load(c.maxTextTokens()).encode(names);
        requested = torch.cat(new org.bytedeco.pytorch.TensorVector(Evaluator.classRequests(ids), torch.full(new long[] {samples, 1}, new Scalar(-1)).to(torch.ScalarType.Long)), 1);
      } else if (shapes) {
        CaptionedShapes.Samples asked = CaptionedShapes.generate(samples, 3);
        cond = c.conditioning().equals("features") ? FlowTextEncoder.load(c.maxTextTokens()).encode(asked.captions())
            : Cond.words(FlowData.shapesTokenizer().encode(asked.captions()));
        requested = asked.attributes();
      } else {
        long[] classes = new long[samples];
        for (int i = 0; i < samples; i++) classes[i] = i % c.numClasses();
        cond = Cond.classes(torch.tensor(classes));
        requested = Evaluator.classRequests(classes);
      }
      Tensor x;
      try (ProgressBar bar = new ProgressBar("sample", samples, "img");
          Precision.Region cast = precision.autocast()) {
        x = FlowSampler.sampleImages(m, space, objective, cond, steps, cfg, alpha, 1, 100, bar).to(torch.ScalarType.Float);
      }
      try (PointerScope s = new PointerScope()) {
        Map<String, Double> scores = eval.evaluate(FlowData.toUnit(pool(x, shapes || emoji ? 1 : side / 28)), requested, 0);
        System.out.printf(Locale.ROOT, "%d samples, %d steps, CFG %s, against %d validation images (classifier features, not Inception):%n", samples,
            steps, cfg, d.testImages().size(0));
        scores.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-28s %.4f%n", k, v));
        if (emoji) {
          int all = eval.classifier().config().classes().get(0).size();
          double among = requestedAmong(eval.classifier(), FlowData.toUnit(x), requested.select(1, 0), trainedIds);
          System.out.printf(Locale.ROOT, "  requested emoji named by the classifier: %.4f among the %d emoji trained on (group %s; chance %.4f), "
              + "%.4f among all %d (chance %.4f)%n", among, trainedIds.length, group, 1.0 / trainedIds.length,
              scores.get("attribute-accuracy-emoji"), all, 1.0 / all);
        }
      }
      return 0;
    }

    /**
     * How often the classifier's most likely emoji among {@code candidates} (class ids) is the one
     * requested (N): the accuracy a model trained on those emoji has against chance 1/|candidates|.
     */
    static double requestedAmong(EvalClassifier classifier, Tensor images, Tensor requested, long[] candidates) {
      try (NoGradGuard g = new NoGradGuard()) {
        Tensor ids = Tensor.create(candidates);
        Tensor logits = classifier.logits(images).get(0).index_select(1, ids); // (N, |candidates|)
        Tensor pick = ids.index_select(0, logits.argmax(new org.bytedeco.pytorch.LongOptional(1), false)); // (N)
        return pick.eq(requested).to(torch.ScalarType.Double).mean().item_double();
      }
    }

    /** 56-px images back to the classifier's 28 px (identity for factor 1). */
    static Tensor pool(Tensor images, int factor) {
      return factor > 1 ? torch.avg_pool2d(images, new long[] {factor, factor}) : images;
    }
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) return;
    try (var paths = Files.walk(dir)) {
      for (Path f : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
    }
  }
}
