package io.papers4j.core.diffusion;

/**
 * The resolution-dependent timestep shift (SD3 §5.3.2, eq. 23) and the inference σ schedules built
 * from it.
 *
 * <pre>t_m = α·t_n / (1 + (α − 1)·t_n),   α = √(m / n)</pre>
 *
 * where n is the number of values (pixels or latent elements) of the base resolution the schedule
 * was tuned for and m that of the target: a larger image keeps more signal at a given t, so t is
 * pushed towards the noise end. α = 1 is the identity. Used for training (shift the sampled t) and
 * for sampling (shift the σ grid); SD3 samples at α = 3.
 */
public final class FlowSchedule {
  private FlowSchedule() {}

  /** Eq. 23 for one t ∈ [0, 1]. */
  public static double shift(double t, double alpha) {
    checkAlpha(alpha);
    return alpha * t / (1 + (alpha - 1) * t);
  }

  /** α = √(m/n) for m values at the target resolution and n at the base resolution. */
  public static double alphaFor(long targetValues, long baseValues) {
    if (targetValues <= 0 || baseValues <= 0) throw new IllegalArgumentException("resolutions must be positive");
    return Math.sqrt((double) targetValues / baseValues);
  }

  /**
   * σ grid for {@code steps} Euler steps: shift(linspace(1, 0, steps + 1), α). It has steps + 1
   * entries, from 1 down to exactly 0.
   */
  public static double[] sigmas(int steps, double alpha) {
    checkSteps(steps);
    double[] s = new double[steps + 1];
    for (int i = 0; i <= steps; i++) s[i] = shift(1.0 - (double) i / steps, alpha);
    s[steps] = 0.0;
    return s;
  }

  /**
   * The σ grid exactly as diffusers' {@code FlowMatchEulerDiscreteScheduler} (static shift, no
   * dynamic shifting) builds it: the training grid t = 1..N over N is shifted once to get σ_max,
   * σ_min (in float32, as there); {@code steps} values are spaced linearly between N·σ_max and
   * N·σ_min, divided by N and shifted again; a final 0 is appended. It stops at σ_min &gt; 0 before
   * that 0 and shifts twice, so it is close to, not equal to, {@link #sigmas}.
   */
  public static double[] diffusersSigmas(int steps, double alpha, int trainTimesteps) {
    checkSteps(steps);
    checkAlpha(alpha);
    float a = (float) alpha;
    float n = trainTimesteps;
    float lo = 1f / n; // smallest training timestep 1 over N, float32 as numpy computes it
    float sigmaMin = a * lo / (1f + (a - 1f) * lo);
    float sigmaMax = a * 1f / (1f + (a - 1f) * 1f);
    double hi = (double) sigmaMax * trainTimesteps, low = (double) sigmaMin * trainTimesteps;
    double[] s = new double[steps + 1];
    for (int i = 0; i < steps; i++) {
      double ts = steps == 1 ? hi : hi + (low - hi) * i / (steps - 1);
      s[i] = shift(ts / trainTimesteps, alpha);
    }
    s[steps] = 0.0;
    return s;
  }

  private static void checkSteps(int steps) {
    if (steps < 1) throw new IllegalArgumentException("need at least one sampling step, got " + steps);
  }

  private static void checkAlpha(double alpha) {
    if (!(alpha > 0) || !Double.isFinite(alpha)) throw new IllegalArgumentException("shift must be > 0, got " + alpha);
  }
}
