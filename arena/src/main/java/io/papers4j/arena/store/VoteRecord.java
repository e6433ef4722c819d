package io.papers4j.arena.store;

import io.papers4j.arena.stats.Battle;
import io.papers4j.arena.stats.Winner;

/**
 * One stored vote.
 *
 * @param id unique id (the battle id plus the vote's turn); storing the same id twice is a no-op
 * @param tstamp Unix seconds
 * @param type FastChat vote type: leftvote, rightvote, tievote or bothbad_vote
 * @param modelA model in the left pane
 * @param modelB model in the right pane
 * @param anony anonymous battle (only those enter the ratings)
 * @param judge voter id, {@code arena_user_…}
 * @param turn number of user turns before the vote
 * @param stateJson FastChat vote-log line {tstamp, type, models, states, ip}
 */
public record VoteRecord(
    String id,
    double tstamp,
    String type,
    String modelA,
    String modelB,
    boolean anony,
    String judge,
    int turn,
    String stateJson) {

  /** FastChat's cleaning map: leftvote → model_a, rightvote → model_b, tievote → tie, bothbad_vote → tie (bothbad). */
  public static Winner winnerOf(String type) {
    return switch (type) {
      case "leftvote" -> Winner.MODEL_A;
      case "rightvote" -> Winner.MODEL_B;
      case "tievote" -> Winner.TIE;
      case "bothbad_vote" -> Winner.TIE_BOTHBAD;
      default -> throw new IllegalArgumentException(
          "vote type must be leftvote, rightvote, tievote or bothbad_vote; got " + type);
    };
  }

  public Winner winner() {
    return winnerOf(type);
  }

  public Battle battle() {
    return new Battle(modelA, modelB, winner(), judge, tstamp, anony);
  }
}
