package io.papers4j.arena.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.arena.sim.Simulator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AnomalyDetectorTest {

  @Test
  void fisher_p_value_matches_the_formula() {
    // history on (a, b): H = 1 (b preferred) three times, H = 0 once → a user voting b (H = 1)
    // has p = (1 + 3) / (4 + 1) = 0.8; one vote, one look at j = 1: M = −2 ln 0.8
    List<Battle> hist = new ArrayList<>(Collections.nCopies(3, Battle.of("a", "b", Winner.MODEL_B)));
    hist.add(Battle.of("a", "b", Winner.MODEL_A));
    var v = new AnomalyDetector(hist).fisher(List.of(Battle.of("b", "a", Winner.MODEL_A)), 0.1, 1);
    assertThat(v.flagged()).isFalse();
    assertThat(v.statistic()).isEqualTo(-2 * Math.log(0.8));
  }

  /**
   * The paper's test is one-sided (p counts history h ≥ H′): it sees a user who prefers the second
   * model of a sorted pair too often, not one who prefers the first. So the one-sided test gets a
   * user who always picks the second model when it is the weaker; the two-sided variant and the
   * code's e-value test get a user who always picks the weaker model, whichever side it is on.
   */
  @Test
  void users_voting_for_the_weaker_model_are_flagged_and_honest_users_are_not() {
    Simulator sim = new Simulator(new double[] {4, 0, 3, 1, 2});
    SplittableRandom rng = new SplittableRandom(3);
    AnomalyDetector det = new AnomalyDetector(sim.uniformBattles(20_000, rng));
    int honestFlagged = 0, badFlagged = 0, badTwoSided = 0, badE = 0;
    for (int u = 0; u < 20; u++) {
      List<Battle> honest = sim.uniformBattles(100, rng);
      List<Battle> bad = new ArrayList<>(), badSecond = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        int pair = rng.nextInt(sim.pairs.size());
        boolean secondWeaker = sim.xi[sim.pairs.second(pair)] < sim.xi[sim.pairs.first(pair)];
        bad.add(sim.battle(pair, secondWeaker ? 1 : 0, "bad")); // always votes for the weaker model
        if (secondWeaker) badSecond.add(sim.battle(pair, 1, "bad2"));
      }
      if (det.fisher(honest, 0.1, u).flagged()) honestFlagged++;
      if (det.fisher(honest, 0.1, u, true).flagged()) honestFlagged++;
      if (det.fisher(badSecond, 0.1, u).flagged()) badFlagged++;
      if (det.fisher(bad, 0.1, u, true).flagged()) badTwoSided++;
      if (det.eValue(bad, 0.05).flagged()) badE++;
    }
    assertThat(badFlagged).isEqualTo(20);
    assertThat(badTwoSided).isGreaterThanOrEqualTo(18);
    assertThat(badE).isEqualTo(20);
    assertThat(honestFlagged).isLessThanOrEqualTo(10); // α = 0.1 → ~4 of 40 expected
  }
}
