package io.papers4j.lm.reasoning;

/**
 * The scalar RL formulas PPO uses, on plain arrays: generalised advantage estimation, the clipped
 * surrogate and KL estimators.
 */
public final class RlMath {
  private RlMath() {}

  /**
   * GAE (Schulman et al. 2016) over one trajectory of T steps: delta_t = r_t + gamma V_{t+1} - V_t
   * (V_T = 0 after the last step), A_t = delta_t + gamma lambda A_{t+1}. Returns the advantages;
   * the value targets are A_t + V_t.
   */
  public static double[] gae(double[] rewards, double[] values, double gamma, double lambda) {
    if (rewards.length != values.length)
      throw new IllegalArgumentException("rewards and values differ in length: " + rewards.length + " vs " + values.length);
    int t = rewards.length;
    double[] adv = new double[t];
    double next = 0;
    for (int i = t - 1; i >= 0; i--) {
      double nextValue = i + 1 < t ? values[i + 1] : 0.0;
      double delta = rewards[i] + gamma * nextValue - values[i];
      next = delta + gamma * lambda * next;
      adv[i] = next;
    }
    return adv;
  }

  /**
   * PPO's clipped surrogate for one token, to be maximised: min(ratio A, clip(ratio, 1-eps, 1+eps)
   * A), ratio = exp(logp - oldLogp).
   */
  public static double clippedObjective(double logp, double oldLogp, double advantage, double eps) {
    double ratio = Math.exp(logp - oldLogp);
    double clipped = Math.max(1 - eps, Math.min(1 + eps, ratio));
    return Math.min(ratio * advantage, clipped * advantage);
  }

  /** k1 estimator of KL(pi || ref) from a sample of pi: logp - refLogp (unbiased, can be negative). */
  public static double klK1(double logp, double refLogp) {
    return logp - refLogp;
  }

  /**
   * k3 estimator of KL(pi || ref) from a sample of pi (Schulman 2020): (r - 1) - log r with r =
   * ref/pi; unbiased and never negative.
   */
  public static double klK3(double logp, double refLogp) {
    double logR = refLogp - logp;
    return Math.expm1(logR) - logR;
  }
}
