package io.papers4j.lm.galore;

import io.papers4j.core.train.Batch;
import io.papers4j.core.train.TrainData;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.Tensor;

/**
 * Next-token batches cut from a token stream: training windows at offsets drawn from a generator
 * seeded with (seed, step), so a batch is a pure function of the step (resumable, and identical for
 * every method of a comparison); validation windows tile the held-out stream in order.
 *
 * <p>inputs (B, T) = tokens[o, o+T), targets (B, T) = tokens[o+1, o+T+1).
 */
public final class TokenWindows implements TrainData {
  private final long[] train;
  private final long[] validation;
  private final int batch;
  private final int seqLen;
  private final long seed;

  public TokenWindows(long[] train, long[] validation, int batch, int seqLen, long seed) {
    if (train.length < seqLen + 2) {
      throw new IllegalArgumentException(
          "training stream has " + train.length + " tokens, fewer than one window of " + (seqLen + 1));
    }
    this.train = train;
    this.validation = validation;
    this.batch = batch;
    this.seqLen = seqLen;
    this.seed = seed;
  }

  @Override
  public Batch train(long step) {
    SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + step);
    long[] offsets = new long[batch];
    for (int b = 0; b < batch; b++) offsets[b] = rng.nextInt(train.length - seqLen - 1);
    return windows(train, offsets);
  }

  @Override
  public Batch validation(int i) {
    long[] offsets = new long[batch];
    for (int b = 0; b < batch; b++) offsets[b] = (long) (i * batch + b) * seqLen;
    return windows(validation, offsets);
  }

  @Override
  public int validationBatches() {
    return (int) ((validation.length - 1) / ((long) seqLen * batch));
  }

  private Batch windows(long[] stream, long[] offsets) {
    long[] in = new long[batch * seqLen];
    long[] out = new long[batch * seqLen];
    for (int b = 0; b < batch; b++) {
      System.arraycopy(stream, (int) offsets[b], in, b * seqLen, seqLen);
      System.arraycopy(stream, (int) offsets[b] + 1, out, b * seqLen, seqLen);
    }
    Tensor inputs = Tensor.create(in, batch, seqLen); // (B, T)
    Tensor targets = Tensor.create(out, batch, seqLen); // (B, T)
    return new Batch(inputs, targets, (long) batch * seqLen);
  }
}
