package io.papers4j.core.train;

/**
 * Where the training loop gets its batches.
 *
 * <p>The training batch is a pure function of the step number (e.g. offsets drawn from a generator
 * seeded with {@code (seed, step)}), so the data position needs no state of its own in a
 * checkpoint: resuming at step N gives exactly the batches an uninterrupted run would have seen.
 * Batch tensors are created inside the step's {@code PointerScope} and freed with it.
 */
public interface TrainData {
  /** The batch for update number {@code step} (0-based). */
  Batch train(long step);

  /** Validation batch {@code i}; the same {@code i} always gives the same batch. */
  Batch validation(int i);

  /** Number of distinct validation batches (the loop uses {@code min(this, evalBatches)}). */
  int validationBatches();
}
