package io.papers4j.core.nn.pos;

/**
 * Inverse-frequency tables θ_j (j = 0 … d/2−1) of every RoPE variant, as plain arrays.
 *
 * <p>PyTorch (transformers and the Resonance repo) computes these tables in float32; to give the
 * same numbers, every step that torch does on a float32 tensor is done here on a {@code float} in
 * the same order, while Python scalars (factor, ramp bounds) stay {@code double}. The arrays are
 * {@code double[]} holding those float32 values.
 *
 * <ul>
 *   <li>RoPE: θ_j = 1 / b^(2j/d)
 *   <li>linear (position interpolation): θ_j / s
 *   <li>NTK-aware: b′ = b·s^(d/(d−2))
 *   <li>dynamic NTK (transformers): b′ = b·(s·T/L − (s−1))^(d/(d−2)) with T = max(seqLen, L)
 *   <li>YaRN: θ′_i = θ_i·(1 − ramp_i) + (θ_i/s)·ramp_i, ramp_i = clamp((i − low)/(high − low), 0,
 *       1), low = ⌊dim(β_fast)⌋, high = ⌈dim(β_slow)⌉, dim(ρ) = d·ln(L/(2πρ)) / (2 ln b). The ramp
 *       is linear in the pair index i, as both reference codes compute it (not in r = L/λ).
 *   <li>Resonance: λ̃_j = round(2π/θ′_j), θ̃_j = 2π/λ̃_j on top of any of the above.
 * </ul>
 */
public final class RopeFrequencies {
  /** 2π as torch uses it when a Python float meets a float32 tensor. */
  static final float TWO_PI_F = (float) (2 * Math.PI);

  private RopeFrequencies() {}

  /** θ_j of {@code c} before Resonance rounding; {@code seqLen} matters only for dynamic NTK. */
  public static double[] scaled(RopeConfig c, int seqLen) {
    int d = c.dim();
    return switch (c.type()) {
      case DEFAULT -> base(d, c.ropeTheta());
      case LINEAR -> linear(base(d, c.ropeTheta()), c.factor());
      case NTK -> base(d, c.ropeTheta() * Math.pow(c.factor(), d / (d - 2.0)));
      case DYNAMIC -> base(d, dynamicBase(c, seqLen));
      case YARN -> yarn(d, c.ropeTheta(), c.factor(), c.originalMaxPositionEmbeddings(),
          c.betaFast(), c.betaSlow(), c.truncate());
    };
  }

  /** θ_j actually used: {@link #scaled}, then integer wavelengths when {@code c.resonance()}. */
  public static double[] inverseFrequencies(RopeConfig c, int seqLen) {
    double[] inv = scaled(c, seqLen);
    return c.resonance() ? resonanceInverse(resonanceWavelengths(inv)) : inv;
  }

  /** θ_j = 1 / b^(2j/d) in float32 (transformers: {@code 1.0 / base ** (arange(0, d, 2) / d)}). */
  public static double[] base(int dim, double theta) {
    double[] inv = new double[dim / 2];
    for (int j = 0; j < inv.length; j++) inv[j] = 1.0f / posFreq(dim, theta, j);
    return inv;
  }

  /** b^(2j/d) as a float32 power with a float32 exponent. */
  private static float posFreq(int dim, double theta, int j) {
    float exponent = (float) (2 * j) / (float) dim;
    return (float) Math.pow((float) theta, exponent);
  }

  /** Position interpolation: θ_j / s (transformers divides the float32 table by the factor). */
  public static double[] linear(double[] inv, double factor) {
    double[] out = new double[inv.length];
    for (int j = 0; j < inv.length; j++) out[j] = (float) inv[j] / (float) factor;
    return out;
  }

  /**
   * The dynamic-NTK base at {@code seqLen} (transformers {@code _compute_dynamic_ntk_parameters}):
   * b·(s·T/L − (s − 1))^(d/(d−2)), T = max(seqLen, L), which is b itself up to L.
   */
  public static double dynamicBase(RopeConfig c, int seqLen) {
    int d = c.dim();
    double l = c.originalMaxPositionEmbeddings();
    double t = Math.max(seqLen, l);
    double s = c.factor();
    return c.ropeTheta() * Math.pow(s * t / l - (s - 1), d / (d - 2.0));
  }

  /** dim(ρ) = d·ln(L/(2πρ)) / (2 ln b): the (fractional) dimension that turns ρ times within L. */
  public static double correctionDim(double rotations, int dim, double theta, int originalMax) {
    return dim * Math.log(originalMax / (rotations * 2 * Math.PI)) / (2 * Math.log(theta));
  }

  /** YaRN's ramp bounds {low, high} = {max(⌊dim(β_fast)⌋, 0), min(⌈dim(β_slow)⌉, d−1)}. */
  public static double[] yarnRange(
      int dim, double theta, int originalMax, double betaFast, double betaSlow, boolean truncate) {
    double low = correctionDim(betaFast, dim, theta, originalMax);
    double high = correctionDim(betaSlow, dim, theta, originalMax);
    if (truncate) {
      low = Math.floor(low);
      high = Math.ceil(high);
    }
    return new double[] {Math.max(low, 0), Math.min(high, dim - 1)};
  }

  /** ramp_i = clamp((i − low)/(high − low), 0, 1) in float32 (high += 0.001 when equal). */
  public static double[] yarnRamp(int pairs, double low, double high) {
    if (low == high) high += 0.001;
    double[] r = new double[pairs];
    for (int i = 0; i < pairs; i++) {
      float v = ((float) i - (float) low) / (float) (high - low);
      r[i] = Math.min(Math.max(v, 0f), 1f);
    }
    return r;
  }

  /** YaRN's θ′ (NTK-by-parts), with transformers' float32 order of operations. */
  public static double[] yarn(int dim, double theta, double factor, int originalMax,
      double betaFast, double betaSlow, boolean truncate) {
    double[] range = yarnRange(dim, theta, originalMax, betaFast, betaSlow, truncate);
    double[] ramp = yarnRamp(dim / 2, range[0], range[1]);
    double[] inv = new double[dim / 2];
    for (int i = 0; i < inv.length; i++) {
      float pos = posFreq(dim, theta, i);
      float extrapolation = 1.0f / pos;
      float interpolation = 1.0f / ((float) factor * pos);
      float keep = 1.0f - (float) ramp[i]; // transformers' inv_freq_extrapolation_factor
      inv[i] = interpolation * (1.0f - keep) + extrapolation * keep;
    }
    return inv;
  }

  /** λ_j = 2π/θ_j (double). */
  public static double[] wavelengths(double[] inv) {
    double[] w = new double[inv.length];
    for (int j = 0; j < inv.length; j++) w[j] = 2 * Math.PI / inv[j];
    return w;
  }

  /** Resonance RoPE: λ̃_j = round(2π/θ_j), computed like the official code (float32, half-even). */
  public static long[] resonanceWavelengths(double[] inv) {
    long[] w = new long[inv.length];
    for (int j = 0; j < inv.length; j++) {
      // torch evaluates 2π / t as reciprocal(t) · 2π
      float lambda = (1.0f / (float) inv[j]) * TWO_PI_F;
      w[j] = (long) Math.rint(lambda);
      if (w[j] < 1) throw new IllegalArgumentException("wavelength of pair " + j + " rounds to 0");
    }
    return w;
  }

  /** θ̃_j = 2π / λ̃_j in float32. */
  public static double[] resonanceInverse(long[] wavelengths) {
    double[] inv = new double[wavelengths.length];
    for (int j = 0; j < inv.length; j++) inv[j] = (1.0f / (float) wavelengths[j]) * TWO_PI_F;
    return inv;
  }

  /**
   * The critical dimension c (Liu et al.): the first pair whose wavelength is at least {@code
   * trainLength}; pairs j < c are pre-critical (they complete full periods during training).
   */
  public static int criticalPair(double[] wavelengths, int trainLength) {
    for (int j = 0; j < wavelengths.length; j++) if (wavelengths[j] >= trainLength) return j;
    return wavelengths.length;
  }
}
