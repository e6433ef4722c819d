package io.papers4j.multimodal.mlmfilter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScoreUniformTest {
  /** A skewed teacher: most scores high, few low (the bias re-balancing removes). */
  private static List<Integer> skewed(int n, long seed) {
    Random r = new Random(seed);
    List<Integer> s = new ArrayList<>();
    for (int i = 0; i < n; i++) s.add(r.nextDouble() < 0.8 ? 80 + r.nextInt(21) : r.nextInt(80));
    return s;
  }

  private static int[] histogram(List<Integer> scores, int bins) {
    int[] h = new int[bins];
    for (int s : scores) h[ScoreUniform.bin(s, bins)]++;
    return h;
  }

  @Test
  void bins_split_0_to_100_evenly() {
    assertThat(ScoreUniform.bin(0, 10)).isEqualTo(0);
    assertThat(ScoreUniform.bin(10, 10)).isEqualTo(0);
    assertThat(ScoreUniform.bin(11, 10)).isEqualTo(1);
    assertThat(ScoreUniform.bin(100, 10)).isEqualTo(9);
  }

  @Test
  void draws_equally_from_every_bin_when_the_data_allow() {
    List<Integer> items = skewed(5000, 1);
    List<Integer> s = ScoreUniform.sample(items, x -> x, 200, 10, 7);
    assertThat(s).hasSize(200);
    assertThat(histogram(s, 10)).containsOnly(20);
  }

  @Test
  void fills_from_the_remaining_bins_when_some_run_out_without_replacement() {
    List<Integer> items = new ArrayList<>();
    for (int i = 0; i < 3; i++) items.add(5); // bin 0 has only 3
    for (int i = 0; i < 100; i++) items.add(95); // bin 9
    for (int i = 0; i < 100; i++) items.add(55); // bin 5
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) idx.add(i);
    List<Integer> s = ScoreUniform.sample(idx, items::get, 43, 10, 3);
    assertThat(s).hasSize(43).doesNotHaveDuplicates();
    int[] h = new int[10];
    for (int i : s) h[ScoreUniform.bin(items.get(i), 10)]++;
    assertThat(h[0]).isEqualTo(3);
    assertThat(h[5]).isEqualTo(20);
    assertThat(h[9]).isEqualTo(20);
    assertThat(ScoreUniform.sample(idx, items::get, 1000, 10, 3)).hasSize(items.size()); // never more than there is
  }

  @Test
  void is_deterministic_for_a_seed_and_differs_across_seeds() {
    List<Integer> items = new ArrayList<>();
    for (int i = 0; i < 2000; i++) items.add(i);
    List<Integer> a = ScoreUniform.sample(items, x -> x % 101, 100, 10, 5), b = ScoreUniform.sample(items, x -> x % 101, 100, 10, 5);
    assertThat(a).isEqualTo(b);
    assertThat(ScoreUniform.sample(items, x -> x % 101, 100, 10, 6)).isNotEqualTo(a);
    assertThat(new HashSet<>(a)).hasSize(100);
  }
}
