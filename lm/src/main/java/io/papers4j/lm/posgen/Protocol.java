package io.papers4j.lm.posgen;

/** When the scaled encoding (YaRN, Resonance YaRN) is applied in a PosGen run. */
public enum Protocol {
  /**
   * The official code (custom_decoder.py): train with the unscaled RoPE / Resonance RoPE and swap
   * in YaRN / Resonance YaRN only at evaluation. RoPE and YaRN then share one trained model.
   */
  TRAIN_PLAIN_EVAL_SCALED("code"),
  /** The paper (App. C.1): train and evaluate with the scaled encoding applied. */
  TRAIN_SCALED("paper");

  public final String id;

  Protocol(String id) {
    this.id = id;
  }

  public static Protocol parse(String s) {
    for (Protocol p : values()) if (p.id.equalsIgnoreCase(s) || p.name().equalsIgnoreCase(s)) return p;
    throw new IllegalArgumentException("unknown protocol '" + s + "' (code = train plain/evaluate scaled,"
        + " paper = train scaled)");
  }
}
