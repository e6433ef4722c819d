package io.papers4j.arena.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.papers4j.arena.SharedData;
import io.papers4j.arena.log.BattleLog;
import io.papers4j.arena.sim.Simulator;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class BootstrapTest {

  @Test
  void same_seed_gives_identical_rounds_whatever_the_thread_schedule() {
    List<Battle> battles = Simulator.beta(6, 2, 3).uniformBattles(2000, new SplittableRandom(1));
    for (Bootstrap.Resampling how : Bootstrap.Resampling.values()) {
      var a = Bootstrap.bradleyTerry(battles, BradleyTerry.DEFAULT, RatingScale.FASTCHAT, 50, 42, how);
      var b = Bootstrap.bradleyTerry(battles, BradleyTerry.DEFAULT, RatingScale.FASTCHAT, 50, 42, how);
      assertThat(a.ratings()).isDeepEqualTo(b.ratings());
      var c = Bootstrap.bradleyTerry(battles, BradleyTerry.DEFAULT, RatingScale.FASTCHAT, 50, 43, how);
      assertThat(c.ratings()[0]).isNotEqualTo(a.ratings()[0]);
    }
  }

  @Test
  void row_and_triple_resampling_give_the_same_interval_widths() {
    List<Battle> battles = Simulator.beta(5, 2, 8).uniformBattles(4000, new SplittableRandom(2));
    var rows = Bootstrap.bradleyTerry(battles, BradleyTerry.DEFAULT, RatingScale.FASTCHAT, 300, 1, Bootstrap.Resampling.ROWS);
    var tri = Bootstrap.bradleyTerry(battles, BradleyTerry.DEFAULT, RatingScale.FASTCHAT, 300, 2, Bootstrap.Resampling.TRIPLES);
    for (int i = 0; i < 5; i++) {
      double wr = rows.quantile(i, 0.975) - rows.quantile(i, 0.025);
      double wt = tri.quantile(i, 0.975) - tri.quantile(i, 0.025);
      assertThat(wt / wr).as("model %d", i).isCloseTo(1.0, within(0.25));
    }
  }

  @Test
  void quantiles_interpolate_like_numpy() {
    // numpy.quantile([1, 2, 3, 4], 0.25) = 1.75; 0.975 of 1..100 = 97.525
    assertThat(Quantiles.of(new double[] {4, 1, 3, 2}, 0.25)).isEqualTo(1.75);
    double[] h = new double[100];
    for (int i = 0; i < 100; i++) h[i] = i + 1;
    assertThat(Quantiles.of(h, 0.975)).isCloseTo(97.525, within(1e-12));
  }

  @Test
  void arena_hard_leaderboard_has_the_published_order_and_plausible_intervals() throws Exception {
    Path file = SharedData.arenaHardBattles();
    Assumptions.assumeTrue(file != null, "needs shared/data/arena-hard-v0.1/battles.jsonl");
    List<Battle> battles = BattleLog.read(file);
    var rows = Leaderboard.compute(battles, Leaderboard.Options.defaults());
    rows.forEach(r -> System.out.printf("%d %-28s %.1f +%.1f/-%.1f %d%n", r.rank(), r.model(), r.rating(),
        r.upper() - r.rating(), r.rating() - r.lower(), r.votes()));
    // order of the Arena-Hard-Auto v0.1 leaderboard for these five models
    assertThat(rows.stream().map(Leaderboard.Row::model).toList())
        .containsExactly("claude-3-5-sonnet-20240620", "gpt-4o", "gpt-4o-mini",
            "claude-3-opus-20240229", "claude-3-haiku-20240307");
    for (var r : rows) {
      assertThat(r.lower()).isLessThan(r.rating());
      assertThat(r.upper()).isGreaterThan(r.rating());
      // ~500 battles per model against one rival: ± tens of points, not single digits or hundreds
      assertThat(r.upper() - r.lower()).isBetween(10.0, 150.0);
    }
    assertThat(rows.get(rows.size() - 1).rank()).isEqualTo(5);
  }
}
