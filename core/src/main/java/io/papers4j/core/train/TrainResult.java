package io.papers4j.core.train;

import java.util.List;

/**
 * The outcome of {@link Trainer#run}: the whole loss history (including steps before a resume,
 * read back from the log) and this run's speed.
 *
 * @param train one point per step
 * @param eval one point per validation pass (step 0 is the untrained model)
 * @param startStep the step this run started from (0 unless resumed)
 * @param seconds wall time of this run
 * @param items items (tokens, images) processed in this run
 */
public record TrainResult(
    List<LossLog.TrainPoint> train, List<LossLog.EvalPoint> eval, long startStep, double seconds, long items) {

  /** Step reached. */
  public long steps() {
    return train.isEmpty() ? startStep : train.get(train.size() - 1).step();
  }

  /** Mean training loss over the last {@code n} steps (the last step alone is noisy). */
  public double finalTrainLoss(int n) {
    int from = Math.max(0, train.size() - n);
    return train.subList(from, train.size()).stream().mapToDouble(LossLog.TrainPoint::loss).average().orElse(Double.NaN);
  }

  /** The latest validation loss (NaN if none). */
  public double finalValLoss() {
    return eval.isEmpty() ? Double.NaN : eval.get(eval.size() - 1).loss();
  }

  /** The latest validation perplexity exp(loss) (NaN if none). */
  public double finalValPerplexity() {
    return eval.isEmpty() ? Double.NaN : eval.get(eval.size() - 1).perplexity();
  }

  /** Throughput of this run, items per second (includes evaluation and checkpoint time). */
  public double itemsPerSecond() {
    return seconds > 0 ? items / seconds : Double.NaN;
  }

  /** Wall time per step of this run in milliseconds (includes evaluation and checkpoints). */
  public double msPerStep() {
    long n = steps() - startStep;
    return n > 0 ? seconds * 1000 / n : Double.NaN;
  }
}
