package io.papers4j.arena.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.arena.SharedData;
import io.papers4j.arena.log.BattleLog;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class EloTest {

  @Test
  void two_battles_match_a_hand_computation() {
    // 1) A beats B at 1000/1000: E_A = 0.5, A = 1000 + 4·0.5 = 1002, B = 998.
    // 2) tie: E_A = 1/(1+10^(-4/400)) = 0.5057562…, A = 1002 + 4(0.5 − E_A) = 1001.976975…
    var r =
        Elo.FASTCHAT.ratings(
            List.of(Battle.of("A", "B", Winner.MODEL_A), Battle.of("A", "B", Winner.TIE)));
    double ea = 1 / (1 + Math.pow(10, -4.0 / 400));
    assertThat(ea).isCloseTo(0.50575620, within(1e-8));
    assertThat(r.get("A")).isCloseTo(1002 + 4 * (0.5 - ea), within(1e-12));
    assertThat(r.get("A")).isCloseTo(1001.976975, within(1e-6));
    assertThat(r.get("B")).isCloseTo(998.023025, within(1e-6));
  }

  @Test
  void elo_is_zero_sum_and_depends_on_order() {
    List<Battle> fwd =
        List.of(
            Battle.of("A", "B", Winner.MODEL_A),
            Battle.of("B", "C", Winner.MODEL_A),
            Battle.of("C", "A", Winner.MODEL_A));
    List<Battle> rev = new java.util.ArrayList<>(fwd);
    java.util.Collections.reverse(rev);
    var f = Elo.FASTCHAT.ratings(fwd);
    var b = Elo.FASTCHAT.ratings(rev);
    assertThat(f.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(3000, within(1e-9));
    assertThat(Math.abs(f.get("A") - b.get("A"))).isGreaterThan(0.01);
  }

  @Test
  void arena_hard_elo_matches_independent_python() throws Exception {
    Path file = SharedData.arenaHardBattles();
    Assumptions.assumeTrue(file != null, "needs shared/data/arena-hard-v0.1/battles.jsonl");
    JsonNode ref =
        new ObjectMapper().readTree(getClass().getResourceAsStream("/arena/arena-hard-reference.json"));
    Map<String, Double> r = Elo.FASTCHAT.ratings(BattleLog.read(file));
    ref.get("elo_ratings").properties().forEach(e ->
        assertThat(r.get(e.getKey())).as(e.getKey()).isCloseTo(e.getValue().asDouble(), within(1e-9)));
  }
}
