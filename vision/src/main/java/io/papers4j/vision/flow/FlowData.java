package io.papers4j.vision.flow;

import io.papers4j.core.data.FashionMnist;
import io.papers4j.core.train.Batch;
import io.papers4j.core.train.TrainData;
import io.papers4j.vision.gen.CaptionedShapes;
import io.papers4j.vision.gen.LabelledImages;
import java.util.List;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Images in [−1, 1] with their conditions as {@link TrainData}: the batch of step s is a pure
 * function of s (epoch e visits the training images in an order drawn from (seed, e)); validation
 * batches are the held-out images in order. Batch inputs are images (B, ch, S·up, S·up) — bilinearly
 * upsampled by {@code upscale} for the resolution-shift experiment — and targets the conditions:
 * labels (B) or word ids (B, L), int64.
 */
public final class FlowData implements TrainData {
  private final Tensor trainImages; // (N, ch, S, S) float32 in [−1, 1]
  private final Tensor trainCond; // (N) or (N, L) int64
  private final Tensor testImages;
  private final Tensor testCond;
  private final int batch;
  private final int upscale;
  private Cond table; // text-encoder features by caption index, or null
  private final io.papers4j.core.data.EpochOrder order;
  private final long seed;

  public FlowData(Tensor trainImages, Tensor trainCond, Tensor testImages, Tensor testCond, int batch, int upscale, long seed) {
    if (trainImages.size(0) < batch) throw new IllegalArgumentException("need at least one batch of " + batch + " training images");
    if (upscale < 1) throw new IllegalArgumentException("upscale must be >= 1");
    this.trainImages = trainImages;
    this.trainCond = trainCond;
    this.testImages = testImages;
    this.testCond = testCond;
    this.batch = batch;
    this.upscale = upscale;
    this.order = new io.papers4j.core.data.EpochOrder((int) trainImages.size(0), batch, seed);
    this.seed = seed;
  }

  /**
   * The same data in an autoencoder's latent space (SD3 §2: the flow is trained on latents): every
   * training and validation image encoded once to (μ(x) − shift)·scale, the conditions, batch, seed
   * and data order unchanged. The latents are (N, L, S/f, S/f); sampling decodes them again.
   */
  public FlowData inLatentSpace(io.papers4j.vision.gen.LatentSpace space) {
    if (upscale != 1) throw new IllegalArgumentException("latent training reads the images at their own size (no --image-size upsampling)");
    int ch = (int) trainImages.size(1), in = space.autoencoder().config().inChannels();
    if (ch != in) throw new IllegalArgumentException("the autoencoder takes " + in + "-channel images, the data has " + ch);
    space.shape((int) trainImages.size(2)); // one message when the side is not a multiple of f
    FlowData d = new FlowData(space.encode(trainImages), trainCond, space.encode(testImages), testCond, batch, 1, seed);
    d.table = table;
    return d;
  }

  /** The first {@code trainCount} training and {@code testCount} test images of Fashion-MNIST with labels. */
  public static FlowData fashionMnist(int trainCount, int testCount, int batch, int upscale, long seed) {
    FashionMnist.Split train = FashionMnist.load("train");
    FashionMnist.Split test = FashionMnist.load("t10k");
    return new FlowData(images(train, trainCount), labels(train, trainCount), images(test, testCount), labels(test, testCount),
        batch, upscale, seed);
  }

  /** The caption vocabulary of the procedural shapes (size, colour, shape, position words), 4 tokens. */
  public static WordTokenizer shapesTokenizer() {
    java.util.List<String> words = new java.util.ArrayList<>();
    for (String[] w : new String[][] {CaptionedShapes.SIZES, CaptionedShapes.COLOURS, CaptionedShapes.SHAPES, CaptionedShapes.POSITIONS}) {
      words.addAll(java.util.List.of(w));
    }
    return new WordTokenizer(words, 4);
  }

  /** Captioned shapes (32×32 RGB in [−1, 1]) with their captions as word ids; train and test from different seeds. */
  public static FlowData shapes(int trainCount, int testCount, int batch, long seed) {
    WordTokenizer tok = shapesTokenizer();
    CaptionedShapes.Samples train = CaptionedShapes.generate(trainCount, seed * 2 + 1);
    CaptionedShapes.Samples test = CaptionedShapes.generate(testCount, seed * 2 + 2);
    return new FlowData(signed(train.images()), tok.encode(train.captions()), signed(test.images()), tok.encode(test.captions()),
        batch, 1, seed);
  }

  /**
   * Captioned shapes whose conditions are frozen text-encoder features: the targets are indexes into
   * a table holding the encoding of every distinct caption (computed once).
   */
  public static FlowData shapesEncoded(int trainCount, int testCount, int batch, long seed, FlowTextEncoder encoder) {
    CaptionedShapes.Samples train = CaptionedShapes.generate(trainCount, seed * 2 + 1);
    CaptionedShapes.Samples test = CaptionedShapes.generate(testCount, seed * 2 + 2);
    return encoded(signed(train.images()), train.captions(), signed(test.images()), test.captions(), batch, seed, encoder);
  }

  /**
   * The Noto colour emoji (32×32 RGB on white, Debian fonts-noto-color-emoji) captioned by their
   * Unicode names ("grinning face"), conditions from the frozen text encoder. Every emoji is one
   * image, so there is no held-out split: the validation set is the first {@code testCount} emoji.
   */
  public static FlowData emojiEncoded(int testCount, int batch, long seed, FlowTextEncoder encoder) {
    return emojiEncoded("all", testCount, batch, seed, encoder);
  }

  /** As above for the emoji of one group of Unicode's emoji-test.txt ({@code all}: every one). */
  public static FlowData emojiEncoded(String group, int testCount, int batch, long seed, FlowTextEncoder encoder) {
    LabelledImages e = LabelledImages.emoji(io.papers4j.core.data.NotoEmoji.DEFAULT_FONT, 32, group);
    if (e.count() < batch) throw new IllegalArgumentException("emoji group " + group + " has " + e.count() + " emoji, fewer than --batch " + batch);
    int test = (int) Math.min(testCount, e.count());
    return encoded(signed(e.images()), e.captions(), signed(e.images().narrow(0, 0, test)), e.captions().subList(0, test), batch, seed, encoder);
  }

  /** Images in [−1, 1] with captions encoded once per distinct caption by {@code encoder}. */
  static FlowData encoded(Tensor train, List<String> trainCaptions, Tensor test, List<String> testCaptions, int batch, long seed,
      FlowTextEncoder encoder) {
    java.util.Map<String, Integer> index = new java.util.LinkedHashMap<>();
    for (String c : trainCaptions) index.putIfAbsent(c, index.size());
    for (String c : testCaptions) index.putIfAbsent(c, index.size());
    List<String> unique = new java.util.ArrayList<>(index.keySet());
    List<Tensor> ctx = new java.util.ArrayList<>();
    List<Tensor> pooled = new java.util.ArrayList<>();
    for (int from = 0; from < unique.size(); from += 128) {
      Cond c = encoder.encode(unique.subList(from, Math.min(unique.size(), from + 128)));
      ctx.add(c.context());
      pooled.add(c.pooled());
    }
    FlowData d = new FlowData(train, ids(trainCaptions, index), test, ids(testCaptions, index), batch, 1, seed);
    d.table = Cond.features(torch.cat(new org.bytedeco.pytorch.TensorVector(ctx.toArray(new Tensor[0])), 0),
        torch.cat(new org.bytedeco.pytorch.TensorVector(pooled.toArray(new Tensor[0])), 0));
    return d;
  }

  private static Tensor ids(List<String> captions, java.util.Map<String, Integer> index) {
    long[] out = new long[captions.size()];
    for (int i = 0; i < out.length; i++) out[i] = index.get(captions.get(i));
    return Tensor.create(out);
  }

  /** The condition a model of config {@code c} reads for a batch's targets. */
  public Cond condition(FlowConfig c, Tensor targets) {
    if (table != null) return Cond.features(table.context().index_select(0, targets), table.pooled().index_select(0, targets));
    return c.conditioning().equals("words") ? Cond.words(targets) : Cond.classes(targets);
  }

  /** [0, 1] → [−1, 1]. */
  public static Tensor signed(Tensor unit) {
    return unit.mul(new Scalar(2)).sub(new Scalar(1));
  }

  /** (n, 1, 28, 28) in [−1, 1] from the first n images of a split. */
  public static Tensor images(FashionMnist.Split s, int n) {
    if (n < 1 || n > s.count()) throw new IllegalArgumentException("image count must be in [1, " + s.count() + "], got " + n);
    int px = FashionMnist.SIZE * FashionMnist.SIZE;
    float[] f = new float[n * px];
    for (int i = 0; i < f.length; i++) f[i] = (float) ((s.pixels()[i] & 0xff) / 127.5 - 1.0);
    return Tensor.create(f).view(n, 1, FashionMnist.SIZE, FashionMnist.SIZE);
  }

  public static Tensor labels(FashionMnist.Split s, int n) {
    int[] l = new int[n];
    for (int i = 0; i < n; i++) l[i] = s.label(i);
    return FashionMnist.labels(l);
  }

  /** Bilinear ×{@code factor} upsampling of (B, ch, S, S) images (identity for 1). */
  public static Tensor upsample(Tensor images, int factor) {
    if (factor == 1) return images;
    long s = images.size(2) * factor;
    return torch.upsample_bilinear2d(images, new long[] {s, s}, false);
  }

  public int batch() {
    return batch;
  }

  public Tensor trainImages() {
    return trainImages;
  }

  public Tensor testImages() {
    return testImages;
  }

  public Tensor testConditions() {
    return testCond;
  }

  @Override
  public Batch train(long step) {
    Tensor i = order.indexTensor(step);
    return new Batch(upsample(trainImages.index_select(0, i), upscale), trainCond.index_select(0, i), batch);
  }

  @Override
  public Batch validation(int i) {
    long from = (long) i * batch;
    long n = Math.min(batch, testImages.size(0) - from);
    return new Batch(upsample(testImages.narrow(0, from, n), upscale), testCond.narrow(0, from, n), n);
  }

  @Override
  public int validationBatches() {
    return (int) ((testImages.size(0) + batch - 1) / batch);
  }

  /** Images in [0, 1] for display from [−1, 1]. */
  public static Tensor toUnit(Tensor images) {
    return images.add(new Scalar(1)).mul(new Scalar(0.5)).clamp(new org.bytedeco.pytorch.ScalarOptional(new Scalar(0)),
        new org.bytedeco.pytorch.ScalarOptional(new Scalar(1)));
  }
}
