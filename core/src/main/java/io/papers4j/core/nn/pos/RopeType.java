package io.papers4j.core.nn.pos;

import java.util.Locale;

/**
 * How RoPE's inverse frequencies are derived from the base ones, named by the Hugging Face {@code
 * rope_type} strings. Resonance rounding is orthogonal to this (see {@link RopeConfig#resonance}).
 */
public enum RopeType {
  /** θ_j = b^(−2j/d) (Su et al.). HF {@code "default"}. */
  DEFAULT("default"),
  /** Position interpolation (Chen et al.): θ_j / s. HF {@code "linear"}. */
  LINEAR("linear"),
  /**
   * Static NTK-aware scaling: base b·s^(d/(d−2)) (the Resonance repo's {@code NTKScaled…}). Not an
   * HF rope_type: a checkpoint stores it as {@code "default"} with the scaled {@code rope_theta}.
   */
  NTK("ntk"),
  /** Dynamic NTK as transformers computes it: the base grows with the current sequence length. */
  DYNAMIC("dynamic"),
  /** YaRN (Peng et al.): NTK-by-parts ramp plus attention temperature. HF {@code "yarn"}. */
  YARN("yarn");

  /** The rope_type string in config.json. */
  public final String hfName;

  RopeType(String hfName) {
    this.hfName = hfName;
  }

  /** Parses an HF rope_type (case-insensitive); fails naming the value and the allowed ones. */
  public static RopeType fromHf(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (RopeType t : values()) if (t.hfName.equals(n)) return t;
    throw new IllegalArgumentException(
        "unsupported rope_type '" + name + "' (supported: default, linear, ntk, dynamic, yarn)");
  }
}
