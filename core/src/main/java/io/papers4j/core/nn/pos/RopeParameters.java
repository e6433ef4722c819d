package io.papers4j.core.nn.pos;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Rotary position embedding parameters, one representation for both ways transformers writes them:
 * 4.x puts {@code rope_theta} at the top level and the scaling in {@code rope_scaling} (an object
 * with {@code rope_type} or the older {@code type}, or {@code null}); 5.x puts everything in
 * {@code rope_parameters}.
 *
 * <p>The frequencies are θ_i = ropeTheta^(-2i/d) for i in [0, d/2); a scaling type modifies them
 * (linear divides by {@code factor}, yarn blends interpolated and extrapolated frequencies between
 * {@code beta_fast} and {@code beta_slow} rotations, llama3 uses the low/high frequency factors).
 *
 * @param ropeType "default", "linear", "dynamic", "yarn", "longrope" or "llama3"
 * @param ropeTheta base θ of the frequencies (10000 for LLaMA-2, 5,000,000 for Yi)
 * @param factor context extension factor; null for "default"
 * @param originalMaxPositionEmbeddings pre-training context length (yarn, llama3, longrope)
 * @param betaFast yarn: rotations where extrapolation starts (paper default 32)
 * @param betaSlow yarn: rotations where interpolation ends (paper default 1)
 * @param attentionFactor yarn/longrope: scale applied to cos/sin (default 0.1 ln(factor) + 1)
 * @param lowFreqFactor llama3 only
 * @param highFreqFactor llama3 only
 * @param extra any other keys (e.g. longrope's {@code short_factor}/{@code long_factor}), kept
 *     for round-trips
 */
public record RopeParameters(
    String ropeType,
    double ropeTheta,
    Double factor,
    Integer originalMaxPositionEmbeddings,
    Double betaFast,
    Double betaSlow,
    Double attentionFactor,
    Double lowFreqFactor,
    Double highFreqFactor,
    Map<String, Object> extra) {

  /** Types transformers knows. */
  public static final Set<String> TYPES =
      Set.of("default", "linear", "dynamic", "yarn", "longrope", "llama3");

  public RopeParameters {
    if (ropeType == null) ropeType = "default";
    if (!TYPES.contains(ropeType)) {
      throw new IllegalArgumentException(
          "rope_type '" + ropeType + "' is not one of " + new java.util.TreeSet<>(TYPES));
    }
    if (!(ropeTheta > 0) || Double.isInfinite(ropeTheta)) {
      throw new IllegalArgumentException("rope_theta must be positive, got " + ropeTheta);
    }
    if (!ropeType.equals("default") && !ropeType.equals("longrope") && factor == null) {
      throw new IllegalArgumentException("rope_type '" + ropeType + "' needs 'factor'");
    }
    if (factor != null && !(factor > 0)) {
      throw new IllegalArgumentException("rope factor must be positive, got " + factor);
    }
    extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra == null ? Map.of() : extra));
  }

  /** Plain RoPE with base {@code theta}. */
  public static RopeParameters standard(double theta) {
    return new RopeParameters("default", theta, null, null, null, null, null, null, null, Map.of());
  }

  /** Whether this is plain RoPE (transformers 4.x writes {@code "rope_scaling": null}). */
  public boolean isDefault() {
    return ropeType.equals("default")
        && factor == null
        && originalMaxPositionEmbeddings == null
        && betaFast == null
        && betaSlow == null
        && attentionFactor == null
        && lowFreqFactor == null
        && highFreqFactor == null
        && extra.isEmpty();
  }

  /** A copy with another base θ. */
  public RopeParameters withTheta(double theta) {
    return new RopeParameters(
        ropeType, theta, factor, originalMaxPositionEmbeddings, betaFast, betaSlow,
        attentionFactor, lowFreqFactor, highFreqFactor, extra);
  }

  /** The scaling keys (everything but the theta) with transformers' key names. */
  public Map<String, Object> scalingKeys() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rope_type", ropeType);
    if (factor != null) m.put("factor", factor);
    if (originalMaxPositionEmbeddings != null) {
      m.put("original_max_position_embeddings", originalMaxPositionEmbeddings);
    }
    if (betaFast != null) m.put("beta_fast", betaFast);
    if (betaSlow != null) m.put("beta_slow", betaSlow);
    if (attentionFactor != null) m.put("attention_factor", attentionFactor);
    if (lowFreqFactor != null) m.put("low_freq_factor", lowFreqFactor);
    if (highFreqFactor != null) m.put("high_freq_factor", highFreqFactor);
    m.putAll(extra);
    return m;
  }
}
