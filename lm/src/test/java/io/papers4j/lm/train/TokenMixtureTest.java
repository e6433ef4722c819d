package io.papers4j.lm.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.tensor.Engine;
import io.papers4j.core.train.Batch;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TokenMixtureTest {
  static final int B = 16;
  static final int T = 8;

  @BeforeAll
  static void init() {
    Engine.init(1);
  }

  /** Source s holds ids 1000·s … 1000·s + 199, so a window's source is readable from its ids. */
  private static TokenMixture mixture(double... weights) {
    List<int[]> sources = new java.util.ArrayList<>();
    for (int s = 0; s < weights.length; s++) {
      int[] t = new int[200];
      for (int i = 0; i < t.length; i++) t[i] = 1000 * s + i;
      sources.add(t);
    }
    TokenTrainData val = new TokenTrainData(sources.get(0), sources.get(0), B, T, 0);
    return new TokenMixture(sources, weights, val, B, T, 7);
  }

  @Test
  void row_sources_hit_the_weights_within_four_standard_deviations() {
    for (double p : new double[] {0.02, 0.2}) {
      TokenMixture m = mixture(1 - p, p);
      int n = 0;
      int second = 0;
      for (long step = 0; step < 2000; step++) {
        for (int s : m.rowSources(step)) {
          n++;
          if (s == 1) second++;
        }
      }
      double sd = Math.sqrt(p * (1 - p) / n); // binomial standard error of the share
      assertThat(Math.abs((double) second / n - p)).isLessThan(4 * sd);
    }
  }

  @Test
  void windows_come_whole_from_the_chosen_source_and_are_reproducible() {
    TokenMixture m = mixture(0.5, 0.3, 0.2);
    try (PointerScope scope = new PointerScope()) {
      for (long step = 0; step < 20; step++) {
        int[] src = m.rowSources(step);
        Batch b = m.train(step);
        long[] x = new long[B * T];
        long[] y = new long[B * T];
        b.inputs().contiguous().data_ptr_long().get(x);
        b.targets().contiguous().data_ptr_long().get(y);
        Batch again = m.train(step);
        long[] x2 = new long[B * T];
        again.inputs().contiguous().data_ptr_long().get(x2);
        assertThat(x2).isEqualTo(x);
        for (int r = 0; r < B; r++) {
          for (int t = 0; t < T; t++) {
            assertThat(x[r * T + t] / 1000).isEqualTo(src[r]);
            assertThat(y[r * T + t]).isEqualTo(x[r * T + t] + 1);
          }
        }
      }
    }
  }

  @Test
  void parses_specs_and_rejects_bad_ones() {
    assertThat(TokenMixture.parse("legal:0.98, general:0.02"))
        .containsExactly(new TokenMixture.Part("legal", 0.98), new TokenMixture.Part("general", 0.02));
    assertThat(TokenMixture.parse("kjv")).containsExactly(new TokenMixture.Part("kjv", 1.0));
    assertThatThrownBy(() -> TokenMixture.parse("legal:x")).hasMessageContaining("not a number");
    assertThatThrownBy(() -> TokenMixture.parse("legal:-1")).hasMessageContaining(">= 0");
    assertThatThrownBy(() -> TokenMixture.parse("a:0,b:0")).hasMessageContaining("sum to 0");
    assertThatThrownBy(() -> mixture(1.0, -0.5)).hasMessageContaining(">= 0");
  }
}
