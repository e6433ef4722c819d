package io.papers4j.core.nn;

import java.util.List;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * ShortGPT's Block Influence and the baselines' layer statistics, accumulated over calibration
 * batches.
 *
 * <pre>
 *   BI_i  = 1 − E_t[ cos(X_i,t , X_{i+1},t) ]                     (paper Eq. 1)
 *   RM_i  = E_t[ ‖X_{i+1},t − X_i,t‖ / ‖X_{i+1},t‖ ]               relative magnitude ‖f(x)‖/‖x+f(x)‖
 * </pre>
 *
 * X_i is the hidden state entering layer i and X_{i+1} the one leaving it, i.e. consecutive entries
 * of a model's hidden-state list (embeddings first). The expectation runs over every non-padding
 * token of every calibration sequence; as in the official code a NaN cosine (a zero vector) counts
 * as 0.5. For a Hugging Face LLaMA the last entry of that list is taken after the final RMSNorm,
 * which the official code keeps; callers decide by the list they pass.
 */
public final class BlockInfluence {
  private final int layers;
  private final double[] cosSum;
  private final double[] magSum;
  private double tokens;

  public BlockInfluence(int layers) {
    if (layers <= 0) throw new IllegalArgumentException("need at least one layer, got " + layers);
    this.layers = layers;
    this.cosSum = new double[layers];
    this.magSum = new double[layers];
  }

  /**
   * Adds one batch.
   *
   * @param hidden {@code layers + 1} tensors (B, T, d): the input of layer 0, then each layer's output
   * @param mask 1 for tokens that count, 0 for padding (B, T); null counts every token
   */
  public void add(List<Tensor> hidden, Tensor mask) {
    if (hidden.size() != layers + 1) {
      throw new IllegalArgumentException(
          "expected " + (layers + 1) + " hidden states for " + layers + " layers, got " + hidden.size());
    }
    Tensor w = mask == null
        ? torch.ones_like(hidden.get(0).select(-1, 0))
        : mask.to(torch.ScalarType.Float); // (B, T)
    tokens += w.sum().item_double();
    for (int i = 0; i < layers; i++) {
      Tensor x = hidden.get(i).to(torch.ScalarType.Float);
      Tensor y = hidden.get(i + 1).to(torch.ScalarType.Float);
      // Plain x·y/(|x||y|) so that a zero vector gives NaN, which the official code maps to 0.5.
      Tensor dot = x.mul(y).sum(new long[] {-1}, false, new ScalarTypeOptional()); // (B, T)
      Tensor cos = torch.nan_to_num(dot.div(norm(x).mul(norm(y))), new DoubleOptional(0.5),
          new DoubleOptional(), new DoubleOptional());
      cosSum[i] += cos.mul(w).sum().item_double();
      Tensor delta = norm(y.sub(x)); // (B, T)
      Tensor rel = delta.div(norm(y).clamp_min(new Scalar(1e-12)));
      magSum[i] += rel.mul(w).sum().item_double();
    }
  }

  /** BI per layer (needs at least one token). */
  public double[] blockInfluence() {
    requireData();
    double[] bi = new double[layers];
    for (int i = 0; i < layers; i++) bi[i] = 1.0 - cosSum[i] / tokens;
    return bi;
  }

  /** Relative magnitude ‖f(x)‖/‖x+f(x)‖ per layer (Samragh et al.), a ShortGPT baseline. */
  public double[] relativeMagnitude() {
    requireData();
    double[] rm = new double[layers];
    for (int i = 0; i < layers; i++) rm[i] = magSum[i] / tokens;
    return rm;
  }

  public double tokens() {
    return tokens;
  }

  private void requireData() {
    if (tokens <= 0) throw new IllegalStateException("no calibration tokens were added");
  }

  private static Tensor norm(Tensor t) {
    return t.mul(t).sum(new long[] {-1}, false, new ScalarTypeOptional()).sqrt();
  }
}
