package io.papers4j.arena.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** The load-and-abuse scenario at a bounded size: correctness only (its figures come from `bench arena`). */
class AbuseBenchTest {
  @Test
  void real_users_lose_no_vote_and_no_battle_while_others_flood_creation_and_regenerate() throws Exception {
    AbuseBench.Scenario sc = new AbuseBench.Scenario(4, 5, 2, 30, 200, 100);
    AbuseBench.Outcome o = AbuseBench.run(sc, new PrintStream(java.io.OutputStream.nullOutputStream()));
    assertThat(o.votesAcknowledged()).isEqualTo(4 * 6); // every round's vote and the first battle's
    assertThat(o.votesLost()).isZero();
    assertThat(o.firstBattlesLost()).isZero();
    assertThat(o.roundsLost()).isZero();
    assertThat(o.maxLiveBattles()).isLessThanOrEqualTo(200);
    assertThat(o.maxLimiterEntries()).isLessThanOrEqualTo(100);
    assertThat(o.floodCreated()).isGreaterThan(200); // the flood did fill the server past its bound
    assertThat(o.regenerationsServed() + o.regenerationsRefused()).isPositive();
  }
}
