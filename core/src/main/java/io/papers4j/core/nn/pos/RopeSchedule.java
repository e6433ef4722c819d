package io.papers4j.core.nn.pos;

/**
 * A resolved rotary schedule: the inverse frequencies θ_j, the integer wavelengths λ̃_j when
 * Resonance rounding is on, and the factor that multiplies cos and sin (YaRN's mscale).
 *
 * <p>The angle of pair j at position m is computed in float32 as torch does:
 *
 * <pre>RoPE and scaled variants:  angle = float(m) · θ_j
 * Resonance:                 angle = float(m mod λ̃_j) · θ̃_j</pre>
 *
 * The integer remainder is taken before the multiplication, so a Resonance angle at m and at
 * m mod λ̃_j are the same float: the period is exact, not approximately 2π (Theorem 1).
 *
 * @param config the configuration this was resolved from
 * @param invFreq θ_j, float32 values (d/2)
 * @param wavelengths λ̃_j (d/2), or null without Resonance
 * @param attentionFactor multiplier of cos and sin
 */
public record RopeSchedule(
    RopeConfig config, double[] invFreq, long[] wavelengths, double attentionFactor) {

  /** Resolves {@code c} for sequences up to {@code seqLen} (only dynamic NTK depends on it). */
  public static RopeSchedule of(RopeConfig c, int seqLen) {
    double[] scaled = RopeFrequencies.scaled(c, seqLen);
    if (c.resonance()) {
      long[] w = RopeFrequencies.resonanceWavelengths(scaled);
      return new RopeSchedule(c, RopeFrequencies.resonanceInverse(w), w, c.resolvedAttentionFactor());
    }
    return new RopeSchedule(c, scaled, null, c.resolvedAttentionFactor());
  }

  /** Number of rotated pairs d/2. */
  public int pairs() {
    return invFreq.length;
  }

  /** The float32 rotation angle of pair {@code j} at position {@code m} (m ≥ 0). */
  public float angle(long m, int j) {
    if (m < 0) throw new IllegalArgumentException("position must be >= 0, got " + m);
    if (wavelengths != null) return (float) (m % wavelengths[j]) * (float) invFreq[j];
    return (float) m * (float) invFreq[j];
  }

  /**
   * cos and sin tables {@code {cos, sin}}, each row-major (T, d/2) for {@code positions}, already
   * multiplied by the attention factor (in float32, like transformers' {@code cos * scaling}).
   */
  public float[][] cosSin(long[] positions) {
    int p = pairs();
    float[] cos = new float[positions.length * p];
    float[] sin = new float[positions.length * p];
    float af = (float) attentionFactor;
    for (int t = 0; t < positions.length; t++) {
      for (int j = 0; j < p; j++) {
        float a = angle(positions[t], j);
        cos[t * p + j] = (float) Math.cos(a) * af;
        sin[t * p + j] = (float) Math.sin(a) * af;
      }
    }
    return new float[][] {cos, sin};
  }

  /** cos/sin tables for positions 0 … n−1. */
  public float[][] cosSin(int n) {
    long[] pos = new long[n];
    for (int i = 0; i < n; i++) pos[i] = i;
    return cosSin(pos);
  }
}
