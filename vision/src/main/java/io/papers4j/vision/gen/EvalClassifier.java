package io.papers4j.vision.gen;

import io.papers4j.core.tensor.NativeExit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.data.Papers4jHome;
import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.io.TensorSpec;
import io.papers4j.core.nn.Conv2d;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.train.ProgressBar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The evaluation network of spec §0.2, trained here on the real images of one data set: its 128-d
 * penultimate activations are the feature space of FD-&lt;dataset&gt; and KID-&lt;dataset&gt; (the
 * stand-in for Inception features), and its heads score conditional and attribute accuracy.
 *
 * <pre>
 * x (B, C, S, S) in [0, 1] → (x − 0.5)/0.5
 * conv1 3×3 C→32, ReLU         (B, 32, S, S)
 * conv2 3×3 32→64, ReLU        (B, 64, S, S)
 * max-pool 2                   (B, 64, S/2, S/2)
 * fc1 → 128, ReLU = features   (B, 128)
 * heads.k → classes_k          (B, n_k), one per labelled attribute
 * </pre>
 *
 * The convolutions run on oneDNN ({@link Engine#oneDnn}), about 10× faster here than libtorch's own
 * kernels: 32 and 64 output channels and an image input that needs no gradient leave oneDNN no
 * padded channel block, the case measured safe ({@code EvalClassifierOneDnnTest}). Gradients with
 * respect to the images are not supported on this path.
 *
 * <p>Checkpoint: {@code config.json} (model_type {@value #MODEL_TYPE}, data set, channels, size, heads,
 * class names), {@code model.safetensors} ({@code conv1.weight}, ..., {@code heads.0.weight}),
 * {@code papers4j.json}.
 */
public final class EvalClassifier implements Parameterized {
  public static final String MODEL_TYPE = "papers4j-eval-classifier";
  public static final int FEATURES = 128;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The shape of the network and what its heads mean. */
  public record Config(String dataset, int channels, int imageSize, List<String> heads, List<List<String>> classes) {
    public Config {
      if (channels != 1 && channels != 3) throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
      if (imageSize < 4 || imageSize % 2 != 0) throw new IllegalArgumentException("image size must be even and >= 4, got " + imageSize);
      if (heads.isEmpty() || heads.size() != classes.size()) throw new IllegalArgumentException("need one class list per head");
    }

    public static Config of(LabelledImages data) {
      return new Config(data.name(), data.channels(), data.imageSize(), data.heads(), data.classes());
    }
  }

  /** How the classifier is trained (AdamW, random ±2 px shifts). */
  public record Recipe(int steps, int batch, double lr, long seed) {
    /** About two epochs of Fashion-MNIST at batch 128 would be 940 steps; 600 reach ~88% (spec §0.2). */
    public static final Recipe DEFAULT = new Recipe(600, 128, 1e-3, 0);

    public Recipe {
      if (steps < 1 || batch < 1 || !(lr > 0)) throw new IllegalArgumentException("classifier recipe needs steps >= 1, batch >= 1, lr > 0");
    }
  }

  private final Config config;
  private final Conv2d conv1, conv2;
  private final Linear fc1;
  private final List<Linear> heads = new ArrayList<>();

  public EvalClassifier(Config config, long seed) {
    this.config = config;
    Init fc = Init.normal(seed + 1, 0.02); // heads
    conv1 = new Conv2d(config.channels(), 32, 3, Init.normal(seed, Math.sqrt(2.0 / (9 * config.channels())))); // He init
    conv2 = new Conv2d(32, 64, 3, Init.normal(seed + 2, Math.sqrt(2.0 / (9 * 32))));
    long flat = 64L * (config.imageSize() / 2) * (config.imageSize() / 2);
    fc1 = new Linear(flat, FEATURES, true, Init.normal(seed + 3, Math.sqrt(2.0 / flat)));
    for (List<String> c : config.classes()) heads.add(new Linear(FEATURES, c.size(), true, fc));
  }

  public Config config() {
    return config;
  }

  /** The 128-d penultimate features (B, 128) of images (B, C, S, S) in [0, 1]. */
  public Tensor features(Tensor images) {
    check(images);
    Tensor x = images.sub(new Scalar(0.5)).div(new Scalar(0.5)); // (B, C, S, S) in [-1, 1]
    try (Engine.OneDnn k = Engine.oneDnn()) { // 32 and 64 channels: the safe case (class comment)
      x = torch.relu(conv1.forward(x)); // (B, 32, S, S)
      x = torch.relu(conv2.forward(x)); // (B, 64, S, S)
    }
    x = torch.max_pool2d(x, 2, 2); // (B, 64, S/2, S/2)
    return torch.relu(fc1.forward(x.flatten(1, -1))); // (B, 128)
  }

  /**
   * The activations of the two convolutions, [ReLU(conv1) (B, 32, S, S), ReLU(conv2) (B, 64, S, S)],
   * for perceptual distances in this network's features (an LPIPS-style proxy, not LPIPS).
   */
  public List<Tensor> convFeatures(Tensor images) {
    check(images);
    Tensor x = images.sub(new Scalar(0.5)).div(new Scalar(0.5)); // (B, C, S, S) in [-1, 1]
    try (Engine.OneDnn k = Engine.oneDnn()) {
      Tensor a = torch.relu(conv1.forward(x)); // (B, 32, S, S)
      return List.of(a, torch.relu(conv2.forward(a))); // + (B, 64, S, S)
    }
  }

  /** One logits tensor (B, n_k) per head. */
  public List<Tensor> logits(Tensor images) {
    Tensor f = features(images);
    List<Tensor> out = new ArrayList<>();
    for (Linear h : heads) out.add(h.forward(f));
    return out;
  }

  /** Sum over heads of the cross-entropy against labels (B, heads). */
  public Tensor loss(Tensor images, Tensor labels) {
    List<Tensor> l = logits(images);
    Tensor total = null;
    for (int k = 0; k < l.size(); k++) {
      Tensor ce = torch.cross_entropy(l.get(k), labels.select(1, k));
      total = total == null ? ce : total.add(ce);
    }
    return total;
  }

  /** Predicted class per head (N, heads), computed in batches without gradients. */
  public Tensor predict(Tensor images) {
    List<Tensor> parts = new ArrayList<>();
    try (NoGradGuard g = new NoGradGuard()) {
      for (long i = 0; i < images.size(0); i += 256) {
        List<Tensor> l = logits(images.narrow(0, i, Math.min(256, images.size(0) - i)));
        List<Tensor> cols = new ArrayList<>();
        for (Tensor t : l) cols.add(t.argmax(new org.bytedeco.pytorch.LongOptional(1), false).unsqueeze(1));
        parts.add(torch.cat(new org.bytedeco.pytorch.TensorVector(cols.toArray(new Tensor[0])), 1));
      }
    }
    return torch.cat(new org.bytedeco.pytorch.TensorVector(parts.toArray(new Tensor[0])), 0); // (N, heads)
  }

  /** Features (N, 128) of many images, in batches without gradients. */
  public Tensor featuresOf(Tensor images) {
    List<Tensor> parts = new ArrayList<>();
    try (NoGradGuard g = new NoGradGuard()) {
      for (long i = 0; i < images.size(0); i += 256) parts.add(features(images.narrow(0, i, Math.min(256, images.size(0) - i))));
    }
    return torch.cat(new org.bytedeco.pytorch.TensorVector(parts.toArray(new Tensor[0])), 0);
  }

  /** Top-1 accuracy of each head on labelled images. */
  public double[] accuracy(LabelledImages data) {
    Tensor hit = predict(data.images()).eq(data.labels()).to(torch.ScalarType.Double).mean(0); // (heads)
    double[] a = new double[config.heads().size()];
    for (int k = 0; k < a.length; k++) a[k] = hit.get(k).item_double();
    return a;
  }

  private void check(Tensor images) {
    if (images.dim() != 4 || images.size(1) != config.channels() || images.size(2) != config.imageSize() || images.size(3) != config.imageSize()) {
      throw new IllegalArgumentException("the " + config.dataset() + " classifier takes images (B, " + config.channels() + ", " + config.imageSize() + ", "
          + config.imageSize() + "), got " + java.util.Arrays.toString(images.shape()));
    }
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Params p = new Params().add("conv1", conv1).add("conv2", conv2).add("fc1", fc1);
    for (int k = 0; k < heads.size(); k++) p.add("heads." + k, heads.get(k));
    return p.map();
  }

  // ---------------------------------------------------------------- training

  /** Trains a new classifier on {@code data}; a progress bar in {@code mode}. */
  public static EvalClassifier train(LabelledImages data, Recipe r, ProgressBar.Mode mode) {
    EvalClassifier model = new EvalClassifier(Config.of(data), r.seed());
    AdamW opt = new AdamW(model.namedParameters(), AdamConfig.torchDefaults(r.lr()));
    Random rng = new Random(r.seed());
    long n = data.count();
    try (Engine.OneDnn k = Engine.oneDnn(); // forward and backward (class comment)
        ProgressBar bar = new ProgressBar("eval classifier " + data.name(), r.steps(), "img", System.err, mode, System::nanoTime, 10_000_000_000L)) {
      for (int step = 0; step < r.steps(); step++) {
        try (PointerScope scope = new PointerScope()) {
          long[] pick = new long[r.batch()];
          for (int i = 0; i < pick.length; i++) pick[i] = (long) (rng.nextDouble() * n);
          Tensor idx = torch.tensor(pick);
          Tensor x = shift(data.images().index_select(0, idx), rng.nextInt(5) - 2, rng.nextInt(5) - 2); // (B, C, S, S)
          Tensor loss = model.loss(x, data.labels().index_select(0, idx));
          opt.zeroGrad();
          NativeExit.backward(loss);
          opt.step();
          double l = loss.item_double();
          if (!Double.isFinite(l)) throw new IllegalStateException("classifier loss is not finite at step " + step);
          bar.update(step + 1, l, r.batch());
        }
      }
    }
    return model;
  }

  /** Translates a batch by (dx, dy) pixels, filling with the border value (replicate padding). */
  static Tensor shift(Tensor x, int dx, int dy) {
    if (dx == 0 && dy == 0) return x;
    long s = x.size(2);
    Tensor p = torch.replication_pad2d(x, new long[] {2, 2, 2, 2}); // (B, C, S+4, S+4)
    return p.narrow(2, 2 - dy, s).narrow(3, 2 - dx, s);
  }

  // ---------------------------------------------------------------- checkpoints

  public void save(Path dir, Recipe r, String data) {
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put("model_type", MODEL_TYPE);
    cfg.put("dataset", config.dataset());
    cfg.put("in_channels", config.channels());
    cfg.put("image_size", config.imageSize());
    cfg.put("feature_dim", FEATURES);
    cfg.put("heads", config.heads());
    cfg.put("classes", config.classes());
    Map<String, Object> recipe = new LinkedHashMap<>();
    recipe.put("steps", r.steps());
    recipe.put("batch", r.batch());
    recipe.put("lr", r.lr());
    try {
      Checkpoint.save(dir, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(cfg) + "\n", namedParameters(), Checkpoint.runInfo(recipe, r.seed(), data, r.steps()));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static EvalClassifier load(Path dir) {
    Path file = dir.resolve(Checkpoint.CONFIG);
    Config config;
    try {
      JsonNode c = Checkpoint.readConfigOfType(dir, MODEL_TYPE, "classifier");
      List<String> heads = new ArrayList<>();
      c.get("heads").forEach(h -> heads.add(h.asText()));
      List<List<String>> classes = new ArrayList<>();
      c.get("classes").forEach(l -> {
        List<String> names = new ArrayList<>();
        l.forEach(v -> names.add(v.asText()));
        classes.add(names);
      });
      config = new Config(c.get("dataset").asText(), c.get("in_channels").asInt(), c.get("image_size").asInt(), heads, classes);
    } catch (NullPointerException e) {
      throw new IllegalArgumentException(file + ": invalid classifier config: " + e.getMessage(), e);
    }
    EvalClassifier model = new EvalClassifier(config, 0);
    Map<String, TensorSpec> expected = new LinkedHashMap<>();
    model.namedParameters().forEach((k, v) -> expected.put(k, TensorSpec.of(v)));
    Params.load(model, Checkpoint.load(dir, expected, Checkpoint.LoadOptions.STRICT), dir.resolve(Checkpoint.WEIGHTS).toString());
    return model;
  }

  /**
   * The classifier of a data set, trained once and cached under the papers4j home ({@code
   * gen/eval-classifier/<data>-<steps>-<seed>}); later calls load it.
   */
  public static EvalClassifier cached(String data, Recipe r, int trainImages, ProgressBar.Mode mode) {
    Path dir = Papers4jHome.resolve("gen", "eval-classifier", LabelledImages.check(data) + "-" + r.steps() + "-" + trainImages + "-" + r.seed());
    if (Files.isRegularFile(dir.resolve(Checkpoint.WEIGHTS))) return load(dir);
    EvalClassifier model = train(LabelledImages.load(data, true, trainImages, r.seed()), r, mode);
    model.save(dir, r, data);
    return model;
  }
}
