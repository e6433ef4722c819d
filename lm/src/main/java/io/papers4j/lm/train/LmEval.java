package io.papers4j.lm.train;

import io.papers4j.core.train.Batch;
import io.papers4j.core.data.EvalBatches;
import io.papers4j.lm.llama.LlamaModel;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;

/**
 * Validation loss and perplexity of a model over a whole token stream: non-overlapping windows of
 * T + 1 tokens (each token after a window's first is predicted once, with up to T − 1 tokens of
 * context), the loss averaged over predicted tokens, perplexity = exp(loss).
 */
public final class LmEval {
  /** @param loss mean cross-entropy in nats per token; @param tokens predicted tokens */
  public record Score(double loss, double perplexity, long tokens) {}

  private LmEval() {}

  public static Score score(LlamaModel model, int[] tokens, int batch, int seq) {
    model.train(false);
    double sum = 0;
    long n = 0;
    try {
      for (Batch b : new EvalBatches(tokens, batch, seq)) {
        try (PointerScope scope = new PointerScope();
            NoGradGuard noGrad = new NoGradGuard()) {
          long count = b.targets().numel();
          sum += model.loss(b.inputs(), b.targets()).item_double() * count; // mean → sum over tokens
          n += count;
        }
      }
    } finally {
      model.train(true);
    }
    double loss = sum / n;
    return new Score(loss, Math.exp(loss), n);
  }
}
