package io.papers4j.vision.pixart;

import io.papers4j.core.data.FashionMnist;
import io.papers4j.core.train.Batch;
import io.papers4j.core.train.TrainData;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Captioned training inputs as {@link TrainData}: images (or autoencoder latents) with a class
 * index per image and one caption per class, encoded once by the frozen text encoder. The batch of
 * step s is a pure function of s (epoch e visits the images in an order drawn from (seed, e));
 * validation batches are the held-out inputs in order. Batch inputs (B, ch, S, S), targets the
 * class indexes (B) int64; {@link #caption} turns targets into the {@link Caption} the model reads.
 *
 * <p>Fashion-MNIST captions: "a photo of a sneaker" ({@link #SHORT}), or the longer, richer
 * "a grayscale product photo of a sneaker, a kind of shoe, centred on a black background"
 * ({@link #LONG}) for the weak-to-strong caption step.
 */
public final class PixArtData implements TrainData {
  public static final String SHORT = "short";
  public static final String LONG = "long";
  private static final String[] KIND = {"top", "trousers", "top", "dress", "coat", "shoe", "top", "shoe", "bag", "boot"};

  private final Tensor trainInputs; // (N, ch, S, S) float32
  private final Tensor trainLabels; // (N) int64
  private final Tensor testInputs;
  private final Tensor testLabels;
  private final Caption table; // (K, L, D)
  private final List<String> prompts;
  private final int batch;
  private final long seed;
  private final io.papers4j.core.data.EpochOrder order;

  public PixArtData(Tensor trainInputs, Tensor trainLabels, Tensor testInputs, Tensor testLabels, Caption table, List<String> prompts,
      int batch, long seed) {
    if (trainInputs.size(0) < batch) throw new IllegalArgumentException("need at least one batch of " + batch + " training images, got " + trainInputs.size(0));
    if (batch < 1) throw new IllegalArgumentException("batch must be >= 1");
    this.trainInputs = trainInputs;
    this.trainLabels = trainLabels;
    this.testInputs = testInputs;
    this.testLabels = testLabels;
    this.table = table;
    this.prompts = List.copyOf(prompts);
    this.batch = batch;
    this.seed = seed;
    this.order = new io.papers4j.core.data.EpochOrder((int) trainInputs.size(0), batch, seed);
  }

  /** The caption of each Fashion-MNIST class in {@code style} (short or long). */
  public static List<String> fashionPrompts(String style) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < FashionMnist.CLASSES.length; i++) {
      String name = FashionMnist.CLASSES[i].toLowerCase(Locale.ROOT).replace("/", " or ");
      out.add(switch (style) {
        case SHORT -> "a photo of a " + name;
        case LONG -> "a grayscale product photo of a " + name + ", a kind of " + KIND[i] + ", centred on a black background";
        default -> throw new IllegalArgumentException("--captions must be short or long, got " + style);
      });
    }
    return out;
  }

  /** The first {@code trainCount} / {@code testCount} Fashion-MNIST images in [−1, 1] with their class captions. */
  public static PixArtData fashionMnist(int trainCount, int testCount, int batch, long seed, PixArtText text, String style, int maxTokens) {
    FashionMnist.Split train = FashionMnist.load("train");
    FashionMnist.Split test = FashionMnist.load("t10k");
    List<String> p = fashionPrompts(style);
    return new PixArtData(images(train, trainCount), labels(train, trainCount), images(test, testCount), labels(test, testCount),
        text.encode(p, maxTokens), p, batch, seed);
  }

  /** The same labels and captions over other inputs (autoencoder latents, another resolution). */
  public PixArtData withInputs(Tensor train, Tensor test) {
    return new PixArtData(train, trainLabels, test, testLabels, table, prompts, batch, seed);
  }

  /** The same captions over other training inputs with their labels (a subset, encoded) and other held-out inputs. */
  public PixArtData withInputs(Tensor train, Tensor labels, Tensor test) {
    return new PixArtData(train, labels, test, testLabels, table, prompts, batch, seed);
  }

  /** Caption tokens L of the encoded caption table. */
  public int captionTokens() {
    return (int) table.tokens().size(1);
  }

  /** The first n Fashion-MNIST test images (n, 1, 28, 28) in [−1, 1]. */
  public static Tensor fashionTest(int n) {
    return images(FashionMnist.load("t10k"), n);
  }

  /** (n, 1, 28, 28) in [−1, 1]. */
  static Tensor images(FashionMnist.Split s, int n) {
    if (n < 1 || n > s.count()) throw new IllegalArgumentException("image count must be in [1, " + s.count() + "], got " + n);
    int px = FashionMnist.SIZE * FashionMnist.SIZE;
    float[] f = new float[n * px];
    for (int i = 0; i < f.length; i++) f[i] = (float) ((s.pixels()[i] & 0xff) / 127.5 - 1.0);
    return Tensor.create(f).view(n, 1, FashionMnist.SIZE, FashionMnist.SIZE);
  }

  static Tensor labels(FashionMnist.Split s, int n) {
    long[] l = new long[n];
    for (int i = 0; i < n; i++) l[i] = s.label(i);
    return Tensor.create(l);
  }

  /** The captions of class indexes (B) int64. */
  public Caption caption(Tensor classes) {
    return table.select(classes);
  }

  public List<String> prompts() {
    return prompts;
  }

  public int batch() {
    return batch;
  }

  public Tensor trainInputs() {
    return trainInputs;
  }

  public Tensor trainLabels() {
    return trainLabels;
  }

  public Tensor testInputs() {
    return testInputs;
  }

  public Tensor testLabels() {
    return testLabels;
  }

  @Override
  public Batch train(long step) {
    Tensor i = order.indexTensor(step);
    return new Batch(trainInputs.index_select(0, i), trainLabels.index_select(0, i), batch);
  }

  @Override
  public Batch validation(int i) {
    long from = (long) i * batch;
    long n = Math.min(batch, testInputs.size(0) - from);
    return new Batch(testInputs.narrow(0, from, n), testLabels.narrow(0, from, n), n);
  }

  @Override
  public int validationBatches() {
    return (int) ((testInputs.size(0) + batch - 1) / batch);
  }

  /** [−1, 1] → [0, 1] for display and evaluation. */
  public static Tensor toUnit(Tensor images) {
    return images.add(new Scalar(1)).mul(new Scalar(0.5)).clamp(new org.bytedeco.pytorch.ScalarOptional(new Scalar(0)),
        new org.bytedeco.pytorch.ScalarOptional(new Scalar(1)));
  }

  /** [0, 1] → [−1, 1]. */
  public static Tensor toSigned(Tensor unit) {
    return unit.mul(new Scalar(2)).sub(new Scalar(1));
  }

  /** n class indexes 0, 1, …, 9, 0, … (class-balanced requests), int64. */
  public static Tensor balanced(int n, int classes) {
    return torch.arange(new Scalar(n)).remainder(new Scalar(classes)).to(torch.ScalarType.Long);
  }
}
