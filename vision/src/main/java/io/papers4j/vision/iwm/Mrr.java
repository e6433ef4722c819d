package io.papers4j.vision.iwm;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Mean reciprocal rank of IWM's equivariance test (spec 2(b), our pinned protocol): for image n and
 * version k, the prediction pred[n, k] (from the source latent and action a_k) ranks the bank
 * bank[n, ·] of target latents by L2 distance; rank = 1 + the number of candidates strictly closer
 * than the true one bank[n, k]; MRR = mean over n, k of 1/rank.
 *
 * <p>A predictor that ignores the action (the same prediction for every k) ranks the true version
 * at each position 1…K exactly once (without ties), so its MRR is the chance level H_K / K.
 */
public final class Mrr {
  private Mrr() {}

  /** pred, bank (N, K, D) → MRR in (0, 1]. */
  public static double of(Tensor pred, Tensor bank) {
    if (pred.dim() != 3 || bank.dim() != 3 || pred.size(0) != bank.size(0) || pred.size(1) != bank.size(1)
        || pred.size(2) != bank.size(2)) {
      throw new IllegalArgumentException("MRR needs pred and bank of one shape (N, K, D), got "
          + java.util.Arrays.toString(pred.shape()) + " and " + java.util.Arrays.toString(bank.shape()));
    }
    Tensor d = torch.cdist(pred, bank); // (N, K, K): d[n, k, j] = ‖pred[n,k] − bank[n,j]‖
    Tensor own = d.diagonal(0, 1, 2).unsqueeze(2); // (N, K, 1)
    Tensor closer = d.lt(own).sum(new long[] {2}, false, new org.bytedeco.pytorch.ScalarTypeOptional(torch.ScalarType.Double)); // (N, K)
    return closer.add(new org.bytedeco.pytorch.Scalar(1.0)).reciprocal().mean().item_double();
  }

  /** Chance level with K candidates: H_K / K. */
  public static double chance(int k) {
    double h = 0;
    for (int i = 1; i <= k; i++) h += 1.0 / i;
    return h / k;
  }
}
