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
  private final EpochOrder order;

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
    this.order = new EpochOrder(trainCount, batch, seed);
  }

  public int batch() {
    return batch;
  }

  /** Optimizer steps per pass over the training subset. */
  public long stepsPerEpoch() {
    return trainCount / batch;
  }

  @Override
  public Batch train(long step) {
    int[] order = this.order.indexes(step);
    byte[] px = new byte[batch * PIXELS];
    int[] labels = new int[batch];
    Random rng = new Random(seed * 31 + step * 7_919L + 1);
    for (int i = 0; i < batch; i++) {
      int idx = order[i];
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
