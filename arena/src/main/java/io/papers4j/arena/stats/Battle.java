package io.papers4j.arena.stats;

import java.util.Objects;

/**
 * One judged battle: the fields of FastChat's "simple" {@code clean_battle} record that the
 * statistics use. Optional fields are null (or NaN for {@code tstamp}) when a log lacks them.
 *
 * @param modelA model shown on the left
 * @param modelB model shown on the right
 * @param winner outcome
 * @param judge voter id ({@code arena_user_...}); null if unknown
 * @param tstamp Unix seconds of the vote; NaN if unknown
 * @param anony whether the battle was anonymous (only those enter FastChat's ratings)
 */
public record Battle(
    String modelA, String modelB, Winner winner, String judge, double tstamp, boolean anony) {

  public Battle {
    Objects.requireNonNull(modelA, "model_a");
    Objects.requireNonNull(modelB, "model_b");
    Objects.requireNonNull(winner, "winner");
    if (modelA.equals(modelB)) {
      throw new IllegalArgumentException("a battle needs two different models; got " + modelA);
    }
  }

  /** A battle with only the three required fields (anonymous, no judge, no time). */
  public static Battle of(String modelA, String modelB, Winner winner) {
    return new Battle(modelA, modelB, winner, null, Double.NaN, true);
  }
}
