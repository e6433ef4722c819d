package io.papers4j.core.nn.pos;

import io.papers4j.core.nn.pos.RopeParameters;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything that determines a rotary position encoding: the resolved form of the {@code
 * rope_theta} / {@code rope_scaling} (transformers 4.x) or {@code rope_parameters} (5.x) block of
 * a Hugging Face {@code config.json}, plus the papers4j key {@value #RESONANCE_KEY}.
 *
 * @param type how inverse frequencies are derived ({@code rope_type})
 * @param ropeTheta base b of θ_j = b^(−2j/d) ({@code rope_theta}, 10000 for LLaMA-2 and T5 PosGen)
 * @param dim rotary dimensions d = head_dim × partial_rotary_factor (even; d/2 pairs)
 * @param factor scale s = L′/L (1 for {@link RopeType#DEFAULT})
 * @param originalMaxPositionEmbeddings L: the trained context; YaRN's ramp is computed from it and
 *     dynamic NTK starts growing past it
 * @param betaFast YaRN β (rotations within L above which a pair is kept as is; 32 for LLaMA)
 * @param betaSlow YaRN α (rotations below which a pair is fully interpolated; 1 for LLaMA)
 * @param attentionFactor YaRN mscale multiplying cos and sin; NaN = derive it (0.1·ln s + 1, or
 *     the DeepSeek mscale / mscale_all_dim ratio)
 * @param mscale DeepSeek-style {@code mscale} (NaN when absent)
 * @param mscaleAllDim DeepSeek-style {@code mscale_all_dim} (NaN when absent)
 * @param truncate YaRN: floor/ceil the ramp bounds (transformers' {@code truncate}, default true)
 * @param resonance Resonance RoPE: round every wavelength 2π/θ′ to the nearest integer
 */
public record RopeConfig(
    RopeType type,
    double ropeTheta,
    int dim,
    double factor,
    int originalMaxPositionEmbeddings,
    double betaFast,
    double betaSlow,
    double attentionFactor,
    double mscale,
    double mscaleAllDim,
    boolean truncate,
    boolean resonance) {

  /** The papers4j key in the rope block that switches Resonance rounding on (boolean). */
  public static final String RESONANCE_KEY = "papers4j_resonance";

  /** Informational label written beside {@code "rope_type": "default"} for static NTK. */
  public static final String VARIANT_KEY = "papers4j_rope";

  /** The names accepted by {@link #named} (and {@code --rope} on the command line). */
  public static final List<String> NAMES =
      List.of(
          "rope", "linear", "ntk", "dynamic", "yarn",
          "resonance", "resonance-linear", "resonance-ntk", "resonance-yarn");

  public RopeConfig {
    if (type == null) throw new IllegalArgumentException("rope_type must be given");
    if (!(ropeTheta > 1)) throw new IllegalArgumentException("rope_theta must be > 1, got " + ropeTheta);
    if (dim <= 0 || dim % 2 != 0)
      throw new IllegalArgumentException("rotary dim must be positive and even, got " + dim);
    if (!(factor > 0)) throw new IllegalArgumentException("rope factor must be > 0, got " + factor);
    if (type != RopeType.DEFAULT && originalMaxPositionEmbeddings <= 0)
      throw new IllegalArgumentException(
          "rope_type " + type.hfName + " needs original_max_position_embeddings > 0, got "
              + originalMaxPositionEmbeddings);
    if (type == RopeType.YARN && !(betaFast > 0 && betaSlow > 0))
      throw new IllegalArgumentException(
          "yarn needs beta_fast > 0 and beta_slow > 0, got " + betaFast + ", " + betaSlow);
  }

  /** Plain RoPE over {@code dim} rotary dimensions with base {@code theta}. */
  public static RopeConfig rope(int dim, double theta) {
    return new RopeConfig(RopeType.DEFAULT, theta, dim, 1, 0, 32, 1, Double.NaN, Double.NaN,
        Double.NaN, true, false);
  }

  /**
   * A variant by its command-line name ({@link #NAMES}) for a model trained on {@code trainLength}
   * positions and extended by {@code factor}; YaRN uses transformers' β_fast = 32, β_slow = 1.
   */
  public static RopeConfig named(String name, int dim, double theta, double factor, int trainLength) {
    String n = name.toLowerCase(Locale.ROOT);
    boolean res = n.startsWith("resonance");
    String base = res ? (n.equals("resonance") ? "rope" : n.substring("resonance-".length())) : n;
    RopeType t =
        switch (base) {
          case "rope", "default" -> RopeType.DEFAULT;
          case "linear" -> RopeType.LINEAR;
          case "ntk" -> RopeType.NTK;
          case "dynamic" -> RopeType.DYNAMIC;
          case "yarn" -> RopeType.YARN;
          default -> throw new IllegalArgumentException(
              "unknown rope variant '" + name + "' (known: " + String.join(", ", NAMES) + ")");
        };
    if (t == RopeType.DYNAMIC && res)
      throw new IllegalArgumentException("resonance-dynamic is not supported (the wavelengths"
          + " would change with the sequence length)");
    double s = t == RopeType.DEFAULT ? 1 : factor;
    return new RopeConfig(t, theta, dim, s, t == RopeType.DEFAULT ? 0 : trainLength, 32, 1,
        Double.NaN, Double.NaN, Double.NaN, true, res);
  }

  /** The same configuration with other YaRN betas. */
  public RopeConfig withBetas(double fast, double slow) {
    return new RopeConfig(type, ropeTheta, dim, factor, originalMaxPositionEmbeddings, fast, slow,
        attentionFactor, mscale, mscaleAllDim, truncate, resonance);
  }

  /** The same configuration with Resonance rounding on or off. */
  public RopeConfig withResonance(boolean on) {
    return new RopeConfig(type, ropeTheta, dim, factor, originalMaxPositionEmbeddings, betaFast,
        betaSlow, attentionFactor, mscale, mscaleAllDim, truncate, on);
  }

  /** The variant's command-line name (inverse of {@link #named}). */
  public String name() {
    String b = type == RopeType.DEFAULT ? "rope" : type.hfName;
    if (!resonance) return b;
    return b.equals("rope") ? "resonance" : "resonance-" + b;
  }

  /**
   * The multiplier of cos and sin: the explicit {@code attention_factor}, else for YaRN
   * transformers' default (0.1·ln s + 1, or mscale(s, mscale)/mscale(s, mscale_all_dim)), else 1.
   */
  public double resolvedAttentionFactor() {
    if (!Double.isNaN(attentionFactor)) return attentionFactor;
    if (type != RopeType.YARN) return 1.0;
    if (!Double.isNaN(mscale) && mscale != 0 && !Double.isNaN(mscaleAllDim) && mscaleAllDim != 0)
      return yarnMscale(factor, mscale) / yarnMscale(factor, mscaleAllDim);
    return yarnMscale(factor, 1.0);
  }

  /** YaRN's √(1/t) = 0.1·m·ln s + 1 for s > 1, else 1. */
  public static double yarnMscale(double s, double m) {
    return s <= 1 ? 1.0 : 0.1 * m * Math.log(s) + 1.0;
  }

  // ---------------------------------------------------------------- Hugging Face config.json

  /**
   * Reads the rope settings of a parsed HF {@code config.json} (a JSON object as a map). Accepts
   * transformers 4.x ({@code rope_theta} + {@code rope_scaling} with {@code type} or {@code
   * rope_type}) and 5.x ({@code rope_parameters} holding {@code rope_theta}). Like transformers,
   * {@code original_max_position_embeddings} defaults to {@code max_position_embeddings} and a
   * missing {@code factor} is {@code max_position_embeddings / original_max_position_embeddings}.
   * Dynamic NTK grows past {@code max_position_embeddings} (transformers' rule).
   */
  public static RopeConfig fromHfConfig(Map<String, ?> config) {
    Map<String, ?> block = map(config.get("rope_parameters"), "rope_parameters");
    if (block == null) block = map(config.get("rope_scaling"), "rope_scaling");
    double theta = num(block != null && block.containsKey("rope_theta") ? block : config,
        "rope_theta", 10000.0);
    int headDim = headDim(config);
    double partial = num(block != null && block.containsKey("partial_rotary_factor") ? block : config,
        "partial_rotary_factor", 1.0);
    int dim = (int) (headDim * partial);
    int maxPos = (int) num(config, "max_position_embeddings", 0);
    if (block == null) return rope(dim, theta);

    Object typeName = block.containsKey("rope_type") ? block.get("rope_type") : block.get("type");
    RopeType type = typeName == null ? RopeType.DEFAULT : RopeType.fromHf(typeName.toString());
    boolean res = bool(block, RESONANCE_KEY);
    if (type == RopeType.DEFAULT && "ntk".equals(block.get(VARIANT_KEY))
        && block.get("papers4j_original_rope_theta") != null) {
      // written by writeHfConfig: rope_theta already holds b·s^(d/(d−2)); recover b and s
      return new RopeConfig(RopeType.NTK, num(block, "papers4j_original_rope_theta", theta), dim,
          num(block, "factor", 1), (int) num(block, "original_max_position_embeddings", 1), 32, 1,
          Double.NaN, Double.NaN, Double.NaN, true, res);
    }
    int original =
        block.get("original_max_position_embeddings") != null
            ? (int) num(block, "original_max_position_embeddings", 0)
            : maxPos;
    if (type == RopeType.DYNAMIC) original = maxPos;
    double factor;
    if (type == RopeType.DEFAULT) factor = 1;
    else if (block.get("factor") != null) factor = num(block, "factor", 1);
    else if (original > 0 && maxPos > 0) factor = (double) maxPos / original;
    else throw new IllegalArgumentException(
        "config.json: rope_type " + type.hfName + " needs 'factor' (or max_position_embeddings and"
            + " original_max_position_embeddings)");
    if (type != RopeType.DEFAULT && original <= 0)
      throw new IllegalArgumentException("config.json: rope_type " + type.hfName
          + " needs max_position_embeddings or original_max_position_embeddings");
    double bf = block.get("beta_fast") != null ? num(block, "beta_fast", 32) : 32;
    double bs = block.get("beta_slow") != null ? num(block, "beta_slow", 1) : 1;
    double af = block.get("attention_factor") != null ? num(block, "attention_factor", 1) : Double.NaN;
    double ms = block.get("mscale") != null ? num(block, "mscale", 1) : Double.NaN;
    double msa = block.get("mscale_all_dim") != null ? num(block, "mscale_all_dim", 1) : Double.NaN;
    boolean truncate = !block.containsKey("truncate") || bool(block, "truncate");
    return new RopeConfig(type, theta, dim, factor, type == RopeType.DEFAULT ? 0 : original, bf, bs,
        af, ms, msa, truncate, res);
  }

  /**
   * Writes this configuration into an HF config map (4.x style, which transformers 5.x also
   * reads): {@code rope_theta}, {@code rope_scaling} and, for scaled types, {@code
   * max_position_embeddings} = s·L so that every transformers version derives the same factor.
   * Static NTK is written as {@code "default"} with the equivalent {@code rope_theta}.
   * Resonance is only understood by papers4j; transformers warns about the unknown key and
   * computes the unrounded variant.
   */
  public void writeHfConfig(Map<String, Object> config) {
    config.remove("rope_parameters");
    if (type == RopeType.NTK) {
      config.put("rope_theta", ropeTheta * Math.pow(factor, dim / (dim - 2.0)));
      Map<String, Object> block = new LinkedHashMap<>();
      block.put("rope_type", "default");
      block.put(VARIANT_KEY, "ntk");
      block.put("factor", factor);
      block.put("original_max_position_embeddings", originalMaxPositionEmbeddings);
      block.put("papers4j_original_rope_theta", ropeTheta);
      if (resonance) block.put(RESONANCE_KEY, true);
      config.put("rope_scaling", block);
      return;
    }
    config.put("rope_theta", ropeTheta);
    if (type == RopeType.DEFAULT && !resonance) {
      config.put("rope_scaling", null);
      return;
    }
    Map<String, Object> block = new LinkedHashMap<>();
    block.put("rope_type", type.hfName);
    if (type != RopeType.DEFAULT) {
      block.put("factor", factor);
      if (type == RopeType.DYNAMIC) {
        config.put("max_position_embeddings", originalMaxPositionEmbeddings);
      } else {
        block.put("original_max_position_embeddings", originalMaxPositionEmbeddings);
        config.put("max_position_embeddings",
            (int) Math.round(factor * originalMaxPositionEmbeddings));
      }
    }
    if (type == RopeType.YARN) {
      block.put("beta_fast", betaFast);
      block.put("beta_slow", betaSlow);
      if (!Double.isNaN(attentionFactor)) block.put("attention_factor", attentionFactor);
      if (!Double.isNaN(mscale)) block.put("mscale", mscale);
      if (!Double.isNaN(mscaleAllDim)) block.put("mscale_all_dim", mscaleAllDim);
      if (!truncate) block.put("truncate", false);
    }
    if (resonance) block.put(RESONANCE_KEY, true);
    config.put("rope_scaling", block);
  }

  // ---------------------------------------------------------------- core.io.RopeParameters

  /**
   * From the parsed rope block of {@code core.io} ({@link RopeParameters}, which keeps the papers4j
   * and DeepSeek keys in {@code extra}) for a model with {@code headDim} and {@code
   * maxPositionEmbeddings}.
   */
  public static RopeConfig fromRopeParameters(RopeParameters p, int headDim, int maxPositionEmbeddings) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("head_dim", headDim);
    config.put("max_position_embeddings", maxPositionEmbeddings);
    config.put("rope_theta", p.ropeTheta());
    Map<String, Object> block = new LinkedHashMap<>(p.extra());
    block.put("rope_type", p.ropeType());
    if (p.factor() != null) block.put("factor", p.factor());
    if (p.originalMaxPositionEmbeddings() != null)
      block.put("original_max_position_embeddings", p.originalMaxPositionEmbeddings());
    if (p.betaFast() != null) block.put("beta_fast", p.betaFast());
    if (p.betaSlow() != null) block.put("beta_slow", p.betaSlow());
    if (p.attentionFactor() != null) block.put("attention_factor", p.attentionFactor());
    config.put("rope_scaling", block);
    return fromHfConfig(config);
  }

  /**
   * This configuration as {@code core.io} {@link RopeParameters} plus the {@code
   * max_position_embeddings} to write beside it: {@code {parameters, maxPositionEmbeddings}}.
   */
  public Object[] toRopeParameters(int maxPositionEmbeddings) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("max_position_embeddings", maxPositionEmbeddings);
    writeHfConfig(config);
    double theta = ((Number) config.get("rope_theta")).doubleValue();
    int maxPos = ((Number) config.get("max_position_embeddings")).intValue();
    @SuppressWarnings("unchecked")
    Map<String, Object> block = (Map<String, Object>) config.get("rope_scaling");
    if (block == null) return new Object[] {RopeParameters.standard(theta), maxPos};
    Map<String, Object> extra = new LinkedHashMap<>(block);
    for (String k : List.of("rope_type", "factor", "original_max_position_embeddings", "beta_fast", "beta_slow",
        "attention_factor")) extra.remove(k);
    RopeParameters rp = new RopeParameters((String) block.get("rope_type"), theta, dbl(block.get("factor")),
        block.get("original_max_position_embeddings") == null ? null
            : ((Number) block.get("original_max_position_embeddings")).intValue(),
        dbl(block.get("beta_fast")), dbl(block.get("beta_slow")), dbl(block.get("attention_factor")), null, null,
        extra);
    return new Object[] {rp, maxPos};
  }

  private static Double dbl(Object o) {
    return o == null ? null : ((Number) o).doubleValue();
  }

  private static int headDim(Map<String, ?> config) {
    if (config.get("head_dim") != null) return (int) num(config, "head_dim", 0);
    int hidden = (int) num(config, "hidden_size", 0);
    int heads = (int) num(config, "num_attention_heads", 0);
    if (hidden <= 0 || heads <= 0)
      throw new IllegalArgumentException(
          "config.json: need head_dim or hidden_size and num_attention_heads for RoPE");
    return hidden / heads;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ?> map(Object o, String key) {
    if (o == null) return null;
    if (!(o instanceof Map)) throw new IllegalArgumentException("config.json: '" + key + "' must be an object");
    Map<String, ?> m = (Map<String, ?>) o;
    // transformers 5.x may nest per layer type ({"full_attention": {...}}); take the first
    if (!m.isEmpty() && m.values().stream().allMatch(v -> v instanceof Map)) {
      return (Map<String, ?>) m.values().iterator().next();
    }
    return m;
  }

  private static double num(Map<String, ?> m, String key, double dflt) {
    Object v = m.get(key);
    if (v == null) return dflt;
    if (v instanceof Number n) return n.doubleValue();
    throw new IllegalArgumentException("config.json: '" + key + "' must be a number, got " + v);
  }

  private static boolean bool(Map<String, ?> m, String key) {
    Object v = m.get(key);
    if (v == null) return false;
    if (v instanceof Boolean b) return b;
    throw new IllegalArgumentException("config.json: '" + key + "' must be true or false, got " + v);
  }
}
