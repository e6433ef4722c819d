package io.papers4j.core.data;

import java.util.Random;

/**
 * The example order of epoch-based training: epoch e visits the n training examples in a
 * permutation drawn from (seed, e) — Fisher-Yates with {@code java.util.Random(seed·1,000,003 + e)} —
 * and step s takes slice s mod (n / batch) of epoch s / (n / batch), so a batch is a pure function of
 * its step (resume and reruns see the same data). The current epoch's permutation is cached.
 */
public final class EpochOrder {
  private final int n;
  private final int batch;
  private final long seed;
  private int cachedEpoch = -1;
  private int[] cachedOrder;

  public EpochOrder(int n, int batch, long seed) {
    if (batch < 1 || n < batch) throw new IllegalArgumentException("need at least one batch of " + batch + " examples, got " + n);
    this.n = n;
    this.batch = batch;
    this.seed = seed;
  }

  /** Optimizer steps per pass over the examples. */
  public long stepsPerEpoch() {
    return n / batch;
  }

  /** The example indexes of step {@code step}'s batch. */
  public synchronized int[] indexes(long step) {
    int epoch = (int) (step / stepsPerEpoch());
    if (epoch != cachedEpoch) {
      int[] o = new int[n];
      for (int i = 0; i < n; i++) o[i] = i;
      Random r = new Random(seed * 1_000_003L + epoch);
      for (int i = n - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        int t = o[i];
        o[i] = o[j];
        o[j] = t;
      }
      cachedOrder = o;
      cachedEpoch = epoch;
    }
    int[] idx = new int[batch];
    System.arraycopy(cachedOrder, (int) ((step % stepsPerEpoch()) * batch), idx, 0, batch);
    return idx;
  }

  /** {@link #indexes} as an int64 tensor, for {@code index_select}. */
  public org.bytedeco.pytorch.Tensor indexTensor(long step) {
    int[] idx = indexes(step);
    long[] l = new long[idx.length];
    for (int i = 0; i < l.length; i++) l[i] = idx[i];
    return org.bytedeco.pytorch.Tensor.create(l);
  }
}
