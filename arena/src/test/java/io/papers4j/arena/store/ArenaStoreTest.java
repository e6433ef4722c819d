package io.papers4j.arena.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.arena.stats.Winner;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ArenaStoreTest {
  @TempDir static Path dir;

  static Stream<String> backends() {
    return Stream.of("sqlite", "postgresql");
  }

  private static String url(String backend) {
    return backend.equals("sqlite")
        ? "jdbc:sqlite:" + dir.resolve("arena-" + System.nanoTime() + ".db")
        : StoreUrls.freshPostgres();
  }

  private static ArenaStore open(String url) throws Exception {
    return url.startsWith("jdbc:sqlite:")
        ? ArenaStore.open(url, null, null)
        : ArenaStore.open(url, StoreUrls.PG_USER, StoreUrls.PG_PASSWORD);
  }

  private static VoteRecord vote(String id, double t, String type, String judge, boolean anony) {
    return new VoteRecord(id, t, type, "alpha", "beta", anony, judge, 1, "{\"type\":\"" + type + "\"}");
  }

  @ParameterizedTest
  @MethodSource("backends")
  void votes_round_trip_and_duplicates_are_ignored(String backend) throws Exception {
    String url = url(backend);
    try (ArenaStore s = open(url)) {
      assertThat(s.insert(vote("b1-1", 10, "leftvote", "arena_user_1", true))).isTrue();
      assertThat(s.insert(vote("b1-1", 11, "rightvote", "arena_user_1", true))).isFalse();
      assertThat(s.insert(vote("b2-1", 5, "bothbad_vote", "arena_user_2", true))).isTrue();
      assertThat(s.insert(vote("b3-1", 7, "tievote", "arena_user_2", false))).isTrue();
      assertThat(s.count()).isEqualTo(3);
      var votes = s.votes();
      assertThat(votes).extracting(VoteRecord::id).containsExactly("b2-1", "b3-1", "b1-1");
      assertThat(votes.get(2).winner()).isEqualTo(Winner.MODEL_A);
      assertThat(votes.get(2).stateJson()).isEqualTo("{\"type\":\"leftvote\"}");
      // named (non-anonymous) battles stay out of the ratings
      assertThat(s.ratedBattles()).hasSize(2);
      s.flag("arena_user_2", "fisher test", 12);
      s.flag("arena_user_2", "again", 13);
      assertThat(s.flags()).containsExactly(java.util.Map.entry("arena_user_2", "fisher test"));
      assertThat(s.ratedBattles()).hasSize(1);
      s.unflag("arena_user_2");
      assertThat(s.ratedBattles()).hasSize(2);
    }
    // reopening migrates nothing new and keeps the rows
    try (ArenaStore s = open(url)) {
      assertThat(s.count()).isEqualTo(3);
    } finally {
      if (backend.equals("postgresql")) StoreUrls.drop(url);
    }
  }

  @Test
  void no_insert_waits_forever_when_the_store_closes_under_it() throws Exception {
    for (int round = 0; round < 20; round++) {
      ArenaStore s = open(url("sqlite"));
      int threads = 6;
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
      java.util.concurrent.atomic.AtomicInteger stored = new java.util.concurrent.atomic.AtomicInteger();
      java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
      java.util.List<java.util.concurrent.Future<?>> fs = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int tt = t;
        fs.add(pool.submit(() -> {
          for (int i = 0; i < 50; i++) {
            try {
              if (s.insert(vote("r" + tt + "-" + i, i, "leftvote", "arena_user_" + tt, true))) stored.incrementAndGet();
            } catch (java.sql.SQLException e) {
              refused.incrementAndGet();
            }
          }
        }));
      }
      Thread.sleep(round % 5);
      s.close();
      // every call returned (stored or refused with a message) within the timeout: none is left waiting
      for (java.util.concurrent.Future<?> f : fs) f.get(20, java.util.concurrent.TimeUnit.SECONDS);
      pool.shutdown();
      assertThat(stored.get() + refused.get()).isEqualTo(threads * 50);
    }
  }

  @Test
  void unknown_urls_and_vote_types_are_rejected_clearly() {
    assertThatThrownBy(() -> ArenaStore.open("jdbc:mysql://x/y", null, null))
        .hasMessageContaining("jdbc:sqlite: or jdbc:postgresql:");
    assertThatThrownBy(() -> VoteRecord.winnerOf("upvote")).hasMessageContaining("upvote");
  }
}
