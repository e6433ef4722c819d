package io.papers4j.core.data;

import io.papers4j.core.train.Batch;
import io.papers4j.core.train.TrainData;
import java.util.Random;

/**
 * Fashion-MNIST (or MNIST, in the same {@link FashionMnist.Split} form) as {@link TrainData}: epoch e visits the first {@code trainCount} training images in
 * an order drawn from {@code (seed, e)}, with random crop (padding {@code pad}) and horizontal flip,
 * so the batch of step s is a pure function of s. Validation batches are the first {@code
 * testCount} test images, unaugmented.
 */
public final class FashionMnistData implements TrainData {
  private static final int PIXELS = FashionMnist.SIZE * FashionMnist.SIZE;
  private final FashionMnist.Split train;
  private final FashionMnist.Split test;
  private final int trainCount;
  private final int testCount;
  private final int batch;
  private final int pad;
  private final long seed;
  private int cachedEpoch = -1;
  private int[] cachedOrder;

  public FashionMnistData(
      FashionMnist.Split train, FashionMnist.Split test, int trainCount, int testCount, int batch, int pad, long seed) {
    if (trainCount < batch || trainCount > train.count()) {
      throw new IllegalArgumentException("train subset " + trainCount + " must be in [batch " + batch + ", " + train.count() + "]");
    }
    if (testCount < 1 || testCount > test.count()) {
      throw new IllegalArgumentException("test subset " + testCount + " must be in [1, " + test.count() + "]");
    }
    this.train = train;
    this.test = test;
    this.trainCount = trainCount;
    this.testCount = testCount;
    this.batch = batch;
    this.pad = pad;
    this.seed = seed;
  }

  public int batch() {
    return batch;
  }

  /** Optimizer steps per pass over the training subset. */
  public long stepsPerEpoch() {
    return trainCount / batch;
  }

  private synchronized int[] order(int epoch) {
    if (epoch != cachedEpoch) {
      int[] o = new int[trainCount];
      for (int i = 0; i < o.length; i++) o[i] = i;
      Random r = new Random(seed * 1_000_003L + epoch);
      for (int i = o.length - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        int t = o[i];
        o[i] = o[j];
        o[j] = t;
      }
      cachedOrder = o;
      cachedEpoch = epoch;
    }
    return cachedOrder;
  }

  @Override
  public Batch train(long step) {
    long spe = stepsPerEpoch();
    int epoch = (int) (step / spe);
    int start = (int) ((step % spe) * batch);
    int[] order = order(epoch);
    byte[] px = new byte[batch * PIXELS];
    int[] labels = new int[batch];
    Random rng = new Random(seed * 31 + step * 7_919L + 1);
    for (int i = 0; i < batch; i++) {
      int idx = order[start + i];
      ImageAugment.cropFlip(train.pixels(), idx * PIXELS, px, i * PIXELS, FashionMnist.SIZE, pad, rng);
      labels[i] = train.label(idx);
    }
    return new Batch(FashionMnist.images(px, batch), FashionMnist.labels(labels), batch);
  }

  @Override
  public Batch validation(int i) {
    int from = i * batch;
    int n = Math.min(batch, testCount - from);
    byte[] px = new byte[n * PIXELS];
    System.arraycopy(test.pixels(), from * PIXELS, px, 0, n * PIXELS);
    int[] labels = new int[n];
    for (int j = 0; j < n; j++) labels[j] = test.label(from + j);
    return new Batch(FashionMnist.images(px, n), FashionMnist.labels(labels), n);
  }

  @Override
  public int validationBatches() {
    return (testCount + batch - 1) / batch;
  }
}
