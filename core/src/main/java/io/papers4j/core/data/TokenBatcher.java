package io.papers4j.core.data;

import io.papers4j.core.train.Batch;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Random training windows over a token stream, as nanoGPT's {@code get_batch}: for each of B rows
 * pick a start {@code i} uniformly in {@code [0, N - T - 1]}, take {@code tokens[i, i + T + 1)},
 * inputs are the first T, targets the last T.
 *
 * <p>The starts of batch {@code step} depend only on {@code (seed, step)}, so a run resumed at
 * step k sees exactly the batches an uninterrupted run would have seen from step k on.
 */
public final class TokenBatcher {
  private final int[] tokens;
  private final int batchSize;
  private final int blockSize;
  private final long seed;
  private long step;

  /**
   * @param tokens the token stream (N ids)
   * @param batchSize B
   * @param blockSize T, the context length; N must be at least T + 1
   * @param seed fixes every batch
   */
  public TokenBatcher(int[] tokens, int batchSize, int blockSize, long seed) {
    if (batchSize < 1 || blockSize < 1) {
      throw new IllegalArgumentException("batch and block size must be >= 1");
    }
    if (tokens.length < blockSize + 1) {
      throw new IllegalArgumentException(
          "need at least blockSize + 1 = " + (blockSize + 1) + " tokens, have " + tokens.length);
    }
    this.tokens = tokens;
    this.batchSize = batchSize;
    this.blockSize = blockSize;
    this.seed = seed;
  }

  /** The batch for the current step; then advances the step. */
  public Batch next() {
    return batch(step++);
  }

  /** Steps taken (the next batch is {@code batch(step())}). */
  public long step() {
    return step;
  }

  /** Continues from {@code step} (after loading a checkpoint). */
  public void seek(long step) {
    this.step = step;
  }

  /** The start offsets of batch {@code step}: B values in [0, N - T - 1]. */
  public int[] starts(long step) {
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
    int[] s = new int[batchSize];
    int bound = tokens.length - blockSize; // starts in [0, N - T - 1]
    for (int b = 0; b < batchSize; b++) s[b] = r.nextInt(bound);
    return s;
  }

  /** Batch {@code step}: inputs and targets, (B, T) int64. */
  public Batch batch(long step) {
    return windows(tokens, starts(step), blockSize);
  }

  /** Builds a batch from explicit window starts. */
  static Batch windows(int[] tokens, int[] starts, int blockSize) {
    int b = starts.length;
    long[] x = new long[b * blockSize];
    long[] y = new long[b * blockSize];
    for (int i = 0; i < b; i++) {
      int s = starts[i];
      for (int t = 0; t < blockSize; t++) {
        x[i * blockSize + t] = tokens[s + t];
        y[i * blockSize + t] = tokens[s + t + 1];
      }
    }
    return new Batch(tensor(x, b, blockSize), tensor(y, b, blockSize), (long) b * blockSize);
  }

  private static Tensor tensor(long[] v, int b, int t) {
    LongPointer p = new LongPointer(v);
    try {
      return torch.from_blob(p, new long[] {b, t}, new TensorOptions(ScalarType.Long)).clone();
    } finally {
      p.close();
    }
  }
}
