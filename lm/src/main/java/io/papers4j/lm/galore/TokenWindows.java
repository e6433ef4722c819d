package io.papers4j.lm.galore;

import io.papers4j.core.data.EvalBatches;
import io.papers4j.core.data.TokenBatcher;
import io.papers4j.core.train.Batch;
import io.papers4j.core.train.TrainData;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link TrainData} over token streams: training batches from core's {@link TokenBatcher} (random
 * windows, a pure function of (seed, step), so every method of a comparison sees the same
 * batches), validation batches from {@link EvalBatches} (non-overlapping windows in order, held in
 * memory so that batch i is always the same).
 */
public final class TokenWindows implements TrainData {
  private final TokenBatcher train;
  private final List<io.papers4j.core.data.Batch> validation = new ArrayList<>();
  private final long itemsPerBatch;

  /** @param maxValidationBatches keep at most this many validation batches */
  public TokenWindows(int[] train, int[] validation, int batch, int seqLen, long seed, int maxValidationBatches) {
    this.train = new TokenBatcher(train, batch, seqLen, seed);
    for (io.papers4j.core.data.Batch b : new EvalBatches(validation, batch, seqLen)) {
      if (this.validation.size() == maxValidationBatches) break;
      if (b.inputs().size(0) == batch) this.validation.add(b); // full batches only
    }
    this.itemsPerBatch = (long) batch * seqLen;
  }

  @Override
  public Batch train(long step) {
    io.papers4j.core.data.Batch b = train.batch(step); // inputs, targets (B, T)
    return new Batch(b.inputs(), b.targets(), itemsPerBatch);
  }

  @Override
  public Batch validation(int i) {
    io.papers4j.core.data.Batch b = validation.get(i);
    return new Batch(b.inputs(), b.targets(), itemsPerBatch);
  }

  @Override
  public int validationBatches() {
    return validation.size();
  }
}
