package io.papers4j.lm.train;

import io.papers4j.core.data.TokenBatcher;
import io.papers4j.core.train.Batch;
import io.papers4j.core.train.TrainData;
import org.bytedeco.pytorch.Tensor;

/**
 * Language-model batches for the training loop: random windows of the training tokens (batch
 * {@code step} is a function of {@code (seed, step)}, see {@link TokenBatcher}) and fixed,
 * non-overlapping windows of the validation tokens.
 */
public final class TokenTrainData implements TrainData {
  private final TokenBatcher batcher;
  private final int[] validation;
  private final int batch;
  private final int seq;

  /**
   * @param train training token ids
   * @param validation validation token ids (at least seq + 1)
   * @param batch B sequences per batch
   * @param seq T tokens per sequence
   * @param seed fixes the training windows
   */
  public TokenTrainData(int[] train, int[] validation, int batch, int seq, long seed) {
    if (validation.length < seq + 1) {
      throw new IllegalArgumentException(
          "validation set has " + validation.length + " tokens, fewer than one window of " + (seq + 1));
    }
    this.batcher = new TokenBatcher(train, batch, seq, seed);
    this.validation = validation;
    this.batch = batch;
    this.seq = seq;
  }

  @Override
  public Batch train(long step) {
    return batcher.batch(step);
  }

  /** Windows {@code i·B … i·B + B − 1} of stride T: every validation token is predicted once overall. */
  @Override
  public Batch validation(int i) {
    int windows = (validation.length - 1) / seq;
    int first = i * batch;
    if (i < 0 || first >= windows) {
      throw new IndexOutOfBoundsException("validation batch " + i + " of " + validationBatches());
    }
    int rows = Math.min(batch, windows - first);
    long[] x = new long[rows * seq];
    long[] y = new long[rows * seq];
    for (int r = 0; r < rows; r++) {
      int s = (first + r) * seq;
      for (int t = 0; t < seq; t++) {
        x[r * seq + t] = validation[s + t];
        y[r * seq + t] = validation[s + t + 1];
      }
    }
    return new Batch(Tensor.create(x, rows, seq), Tensor.create(y, rows, seq), (long) rows * seq); // (B, T)
  }

  @Override
  public int validationBatches() {
    int windows = (validation.length - 1) / seq;
    return (windows + batch - 1) / batch;
  }
}
