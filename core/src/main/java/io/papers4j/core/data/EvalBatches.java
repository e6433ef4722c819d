package io.papers4j.core.data;

import io.papers4j.core.train.Batch;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Sequential evaluation over a token stream: non-overlapping windows of T + 1 tokens with stride
 * T (every token after the first is predicted exactly once), grouped B at a time. The last batch
 * may have fewer rows; the tail shorter than a window is left out ({@link #tokensCovered()}).
 */
public final class EvalBatches implements Iterable<Batch> {
  private final int[] tokens;
  private final int batchSize;
  private final int blockSize;

  public EvalBatches(int[] tokens, int batchSize, int blockSize) {
    if (tokens.length < blockSize + 1) {
      throw new IllegalArgumentException(
          "need at least blockSize + 1 = " + (blockSize + 1) + " tokens, have " + tokens.length);
    }
    this.tokens = tokens;
    this.batchSize = batchSize;
    this.blockSize = blockSize;
  }

  /** Number of windows. */
  public int windows() {
    return (tokens.length - 1) / blockSize;
  }

  /** Number of batches. */
  public int batches() {
    return (windows() + batchSize - 1) / batchSize;
  }

  /** Predicted tokens over all batches: windows × T. */
  public long tokensCovered() {
    return (long) windows() * blockSize;
  }

  @Override
  public Iterator<Batch> iterator() {
    return new Iterator<>() {
      private int window;

      @Override
      public boolean hasNext() {
        return window < windows();
      }

      @Override
      public Batch next() {
        if (!hasNext()) throw new NoSuchElementException();
        int rows = Math.min(batchSize, windows() - window);
        int[] starts = new int[rows];
        for (int i = 0; i < rows; i++) starts[i] = (window + i) * blockSize;
        window += rows;
        return TokenBatcher.windows(tokens, starts, blockSize);
      }
    };
  }
}
