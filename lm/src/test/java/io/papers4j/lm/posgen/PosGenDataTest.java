package io.papers4j.lm.posgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PosGenDataTest {
  static final int M = 17;

  @Test
  void recursive_is_the_sum_of_the_last_four_tokens_mod_m() {
    int[] x = PosGenTask.RECURSIVE.extend(new int[] {1, 2, 3, 4}, 8, M, 1, 3);
    // x4 = 1+2+3+4 = 10; x5 = 2+3+4+10 = 19 → 2; x6 = 3+4+10+2 = 19 → 2; x7 = 4+10+2+2 = 18 → 1
    assertThat(x).containsExactly(1, 2, 3, 4, 10, 2, 2, 1);
  }

  @Test
  void cot_keeps_the_first_token_as_the_far_dependency() {
    int[] x = PosGenTask.COT.extend(new int[] {5, 0, 1, 2}, 7, M, 1, 3);
    // x4 = 5 + (0+1+2) = 8; x5 = 5 + (1+2+8) = 16; x6 = 5 + (2+8+16) = 31 → 14
    assertThat(x).containsExactly(5, 0, 1, 2, 8, 16, 14);
  }

  @Test
  void semi_recursive_far_pointer_advances_every_two_outputs_as_in_the_code() {
    int[] seed = {3, 7, 11, 13};
    int[] x = PosGenTask.SEMI_RECURSIVE.extend(seed, 12, M, 1, 3);
    // the repo's loop: append h(seq[p], last 3) twice, then p += 1
    int[] ref = new int[12];
    System.arraycopy(seed, 0, ref, 0, 4);
    int n = 4, p = 0;
    while (n < 12) {
      ref[n] = Math.floorMod(ref[p] + ref[n - 1] + ref[n - 2] + ref[n - 3], M);
      n++;
      if (n < 12) {
        ref[n] = Math.floorMod(ref[p] + ref[n - 1] + ref[n - 2] + ref[n - 3], M);
        n++;
        p++;
      }
    }
    assertThat(x).containsExactly(ref);
    // hand check of the first outputs: x4 = 3+7+11+13 = 34 → 0; x5 = 3+11+13+0 = 27 → 10; x6 = 7+13+0+10 = 30 → 13
    assertThat(x[4]).isEqualTo(0);
    assertThat(x[5]).isEqualTo(10);
    assertThat(x[6]).isEqualTo(13);
  }

  @Test
  void every_second_semi_recursive_output_follows_from_near_tokens_alone() {
    // x_l − x_{l−1} = x_{l−1} − x_{l−1−k} when l and l−1 share their far block: the shortcut the
    // report's far-needed / near-only split is built on
    int m = 7;
    int[] x = PosGenTask.SEMI_RECURSIVE.extend(new int[] {3, 6, 1, 5}, 64, m, 1, 3);
    int checked = 0;
    for (int l = 4; l < 64; l++) {
      if ((l - 4) % 2 == 1) {
        assertThat(x[l]).as("l=%d", l).isEqualTo(Math.floorMod(2 * x[l - 1] - x[l - 4], m));
        checked++;
      }
    }
    assertThat(checked).isEqualTo(30);
    // the first of each pair is not such a function: it changes with the far token alone
    int[] y = PosGenTask.SEMI_RECURSIVE.extend(new int[] {4, 6, 1, 5}, 8, m, 1, 3);
    assertThat(y[4]).isNotEqualTo(x[4]);
  }

  @Test
  void seeds_are_disjoint_across_splits_and_sequences_have_the_split_lengths() {
    PosGenSpec spec = new PosGenSpec(M, 1, 3, 64, 256, 3000, 500, 9);
    PosGenData d = PosGenData.generate(PosGenTask.SEMI_RECURSIVE, spec);
    assertThat(d.train()).hasNumberOfRows(3000);
    assertThat(d.test()).hasNumberOfRows(500);
    assertThat(d.train()[0]).hasSize(64);
    assertThat(d.test()[0]).hasSize(256);
    Set<String> train = PosGenData.seeds(d.train(), 4);
    Set<String> test = PosGenData.seeds(d.test(), 4);
    assertThat(train).hasSize(3000); // distinct within a split too
    assertThat(test).hasSize(500);
    Set<String> both = new HashSet<>(train);
    both.retainAll(test);
    assertThat(both).isEmpty();
    // deterministic in the data seed, different across data seeds
    assertThat(PosGenData.generate(PosGenTask.SEMI_RECURSIVE, spec).test()[7]).containsExactly(d.test()[7]);
    PosGenSpec other = new PosGenSpec(M, 1, 3, 64, 256, 3000, 500, 10);
    assertThat(PosGenData.generate(PosGenTask.SEMI_RECURSIVE, other).test()[7]).isNotEqualTo(d.test()[7]);
  }

  @Test
  void seeds_cover_ordered_tuples_not_only_increasing_combinations() {
    PosGenSpec spec = new PosGenSpec(M, 1, 3, 8, 8, 5000, 10, 3);
    PosGenData d = PosGenData.generate(PosGenTask.RECURSIVE, spec);
    long nonIncreasing = java.util.Arrays.stream(d.train()).filter(s -> !(s[0] < s[1] && s[1] < s[2] && s[2] < s[3])).count();
    assertThat(nonIncreasing).isGreaterThan(4000);
  }

  @Test
  void too_many_sequences_for_the_distinct_seeds_fail_with_a_clear_message() {
    PosGenSpec spec = new PosGenSpec(3, 1, 1, 4, 8, 8, 2, 1); // 3² = 9 seeds < 10
    assertThatThrownBy(() -> PosGenData.generate(PosGenTask.COT, spec)).hasMessageContaining("only 9 = M^(j+k)");
    assertThatThrownBy(() -> PosGenTask.parse("fibonacci")).hasMessageContaining("unknown PosGen task");
  }
}
