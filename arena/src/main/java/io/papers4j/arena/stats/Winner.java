package io.papers4j.arena.stats;

import java.util.Locale;

/**
 * A battle's outcome in FastChat's {@code clean_battle} spelling. Both tie kinds count as half a win
 * for each side (FastChat {@code compute_elo} and {@code compute_elo_mle_with_tie}).
 */
public enum Winner {
  MODEL_A("model_a", 1.0),
  MODEL_B("model_b", 0.0),
  TIE("tie", 0.5),
  TIE_BOTHBAD("tie (bothbad)", 0.5);

  /** The JSON spelling. */
  public final String json;
  /** Score of model_a: 1, 0 or 0.5. */
  public final double scoreA;

  Winner(String json, double scoreA) {
    this.json = json;
    this.scoreA = scoreA;
  }

  /** Parses FastChat's spelling; throws with the offending value for anything else. */
  public static Winner parse(String s) {
    if (s != null) {
      String t = s.trim().toLowerCase(Locale.ROOT);
      for (Winner w : values()) if (w.json.equals(t)) return w;
    }
    throw new IllegalArgumentException(
        "winner must be one of model_a, model_b, tie, tie (bothbad); got: " + s);
  }

  /** The same outcome seen from the other side (A and B swapped). */
  public Winner swapped() {
    return switch (this) {
      case MODEL_A -> MODEL_B;
      case MODEL_B -> MODEL_A;
      default -> this;
    };
  }
}
