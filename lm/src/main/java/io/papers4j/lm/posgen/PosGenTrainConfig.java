package io.papers4j.lm.posgen;

/**
 * Optimisation of one PosGen run (paper App. C.1, repo sweep.yaml).
 *
 * @param steps optimizer updates (paper: 150 epochs × 79 ≈ 11.9 K; quick ≈ 600)
 * @param batchSize sequences per update (128 paper; 64 quick)
 * @param lr peak learning rate of OneCycle (2e-4 paper; 1e-3 quick)
 * @param weightDecay AdamW decoupled decay (1e-2)
 * @param pctStart OneCycle warm-up fraction (0.1)
 * @param evalBatch sequences per evaluation forward pass
 */
public record PosGenTrainConfig(
    int steps, int batchSize, double lr, double weightDecay, double pctStart, int evalBatch) {
  public PosGenTrainConfig {
    if (steps <= 0 || batchSize <= 0 || evalBatch <= 0) throw new IllegalArgumentException("steps and batch sizes must be > 0");
    if (!(lr > 0)) throw new IllegalArgumentException("lr must be > 0");
    if (pctStart <= 0 || pctStart >= 1) throw new IllegalArgumentException("pct_start must be in (0, 1)");
  }

  /** torch OneCycleLR with cosine annealing, div_factor 25, final_div_factor 1e4. */
  public double lrAt(long step) {
    double initial = lr / 25;
    double min = initial / 1e4;
    double up = pctStart * steps - 1;
    if (step <= up) return cosine(initial, lr, up <= 0 ? 1 : step / up);
    double down = steps - 1 - up;
    return cosine(lr, min, down <= 0 ? 1 : (step - up) / down);
  }

  private static double cosine(double from, double to, double frac) {
    frac = Math.min(Math.max(frac, 0), 1);
    return to + (from - to) / 2 * (1 + Math.cos(Math.PI * frac));
  }
}
