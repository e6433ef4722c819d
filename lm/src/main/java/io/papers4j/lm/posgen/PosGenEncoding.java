package io.papers4j.lm.posgen;

import io.papers4j.core.nn.pos.Pairing;
import io.papers4j.core.nn.pos.RopeConfig;
import io.papers4j.core.nn.pos.RopeType;
import io.papers4j.core.nn.pos.ScaledRotaryEmbedding;
import java.util.List;
import java.util.Locale;

/**
 * The four encodings of the paper's Table 1, configured as the official code does for PosGen:
 * RoPE base 10,000 on all d_kv dimensions; YaRN with s = (L′+1)/(L+1), the ramp computed from the
 * extrapolated length L′+1, β_fast = 2, β_slow = 1 and mscale 0.1·ln s + 1.
 */
public enum PosGenEncoding {
  ROPE("rope", false, false),
  RESONANCE_ROPE("resonance", true, false),
  YARN("yarn", false, true),
  RESONANCE_YARN("resonance-yarn", true, true);

  public final String id;
  public final boolean resonance;
  public final boolean scaled;

  PosGenEncoding(String id, boolean resonance, boolean scaled) {
    this.id = id;
    this.resonance = resonance;
    this.scaled = scaled;
  }

  public static final List<PosGenEncoding> ALL = List.of(values());

  public static PosGenEncoding parse(String s) {
    String n = s.toLowerCase(Locale.ROOT);
    for (PosGenEncoding e : values()) if (e.id.equals(n)) return e;
    throw new IllegalArgumentException("unknown PosGen encoding '" + s + "' (rope, resonance, yarn, resonance-yarn)");
  }

  /** The paper's display name. */
  public String title() {
    return switch (this) {
      case ROPE -> "RoPE";
      case RESONANCE_ROPE -> "Resonance RoPE";
      case YARN -> "YaRN";
      case RESONANCE_YARN -> "Resonance YaRN";
    };
  }

  /** The unscaled encoding the code trains with (RoPE or Resonance RoPE). */
  public PosGenEncoding trainedAs(Protocol p) {
    if (p == Protocol.TRAIN_SCALED) return this;
    return resonance ? RESONANCE_ROPE : ROPE;
  }

  /** The rope configuration for head dim {@code dKv} and lengths L (train) and L′ (test). */
  public RopeConfig rope(int dKv, int trainLength, int testLength) {
    RopeConfig plain = RopeConfig.rope(dKv, 10000).withResonance(resonance);
    if (!scaled) return plain;
    double s = (testLength + 1.0) / (trainLength + 1.0);
    return new RopeConfig(RopeType.YARN, 10000, dKv, s, testLength + 1, 2, 1, Double.NaN, Double.NaN,
        Double.NaN, true, resonance);
  }

  /** The position encoding module (adjacent pairs, as the repo's PosGen decoder). */
  public ScaledRotaryEmbedding module(int dKv, int trainLength, int testLength) {
    return new ScaledRotaryEmbedding(rope(dKv, trainLength, testLength), Pairing.ADJACENT, testLength + 1);
  }
}
