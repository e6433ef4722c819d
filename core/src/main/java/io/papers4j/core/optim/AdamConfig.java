package io.papers4j.core.optim;

/**
 * Hyperparameters of the Adam family (both {@link AdamW} and {@link HfAdamW}).
 *
 * @param lr peak learning rate; a schedule scales it per step (1e-3 is PyTorch's default)
 * @param beta1 decay of the first moment (0.9 everywhere)
 * @param beta2 decay of the second moment (0.999 PyTorch; LLaMA uses 0.95 for stability at scale)
 * @param eps added to the denominator (1e-8 PyTorch; 1e-6 Hugging Face/GaLore; 1e-5 LLaMA)
 * @param weightDecay decoupled weight decay λ (0.01 PyTorch AdamW; 0.1 LLaMA; 0 GaLore)
 */
public record AdamConfig(double lr, double beta1, double beta2, double eps, double weightDecay)
    implements OptimizerBase.Hyperparameters<AdamConfig> {
  public AdamConfig {
    require(lr >= 0 && Double.isFinite(lr), "lr must be a finite value >= 0, got " + lr);
    require(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1), got " + beta1);
    require(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1), got " + beta2);
    require(eps > 0, "eps must be > 0, got " + eps);
    require(weightDecay >= 0, "weight decay must be >= 0, got " + weightDecay);
  }

  /** PyTorch's {@code torch.optim.AdamW} defaults: betas (0.9, 0.999), eps 1e-8, decay 0.01. */
  public static AdamConfig torchDefaults(double lr) {
    return new AdamConfig(lr, 0.9, 0.999, 1e-8, 0.01);
  }

  /** Hugging Face / GaLore {@code AdamW} defaults: betas (0.9, 0.999), eps 1e-6, no decay. */
  public static AdamConfig hfDefaults(double lr) {
    return new AdamConfig(lr, 0.9, 0.999, 1e-6, 0.0);
  }

  /** LLaMA paper (arXiv 2302.13971, §2.3): betas (0.9, 0.95), eps 1e-5, weight decay 0.1. */
  public static AdamConfig llama(double lr) {
    return new AdamConfig(lr, 0.9, 0.95, 1e-5, 0.1);
  }

  @Override
  public AdamConfig withLr(double lr) {
    return new AdamConfig(lr, beta1, beta2, eps, weightDecay);
  }

  public AdamConfig withWeightDecay(double wd) {
    return new AdamConfig(lr, beta1, beta2, eps, wd);
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException("AdamConfig: " + message);
  }
}
