package io.papers4j.lm.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplingTest {
  private static final float[] LOGITS = {1.0f, 3.0f, 0.5f, 2.5f, -1.0f};

  @Test
  void greedy_and_degenerate_filters_pick_the_argmax() {
    SplittableRandom r = new SplittableRandom(1);
    assertThat(Sampling.greedy().sample(LOGITS, r)).isEqualTo(1);
    for (int i = 0; i < 50; i++) {
      assertThat(new Sampling(1.0, 1, 1.0, 0).sample(LOGITS, r)).isEqualTo(1);
      assertThat(new Sampling(1.0, 0, 1e-6, 0).sample(LOGITS, r)).isEqualTo(1);
    }
  }

  @Test
  void temperature_one_draws_follow_the_softmax() {
    double z = 0;
    for (float l : LOGITS) z += Math.exp(l);
    int[] counts = new int[LOGITS.length];
    SplittableRandom r = new SplittableRandom(7);
    Sampling s = new Sampling(1.0, 0, 1.0, 7);
    int n = 40000;
    for (int i = 0; i < n; i++) counts[s.sample(LOGITS, r)]++;
    for (int i = 0; i < LOGITS.length; i++) {
      assertThat((double) counts[i] / n).isCloseTo(Math.exp(LOGITS[i]) / z, org.assertj.core.data.Offset.offset(0.01));
    }
  }

  @Test
  void top_k_and_top_p_restrict_the_support() {
    SplittableRandom r = new SplittableRandom(3);
    // top-2 keeps ids 1 and 3
    for (int i = 0; i < 200; i++) assertThat(new Sampling(2.0, 2, 1.0, 0).sample(LOGITS, r)).isIn(1, 3);
    // softmax: p1 ≈ 0.47, p3 ≈ 0.29, so top-p 0.7 keeps {1, 3}
    for (int i = 0; i < 200; i++) assertThat(new Sampling(1.0, 0, 0.7, 0).sample(LOGITS, r)).isIn(1, 3);
  }

  @Test
  void same_seed_same_draws_and_bad_options_fail_clearly() {
    Sampling s = new Sampling(1.2, 0, 0.9, 5);
    SplittableRandom a = new SplittableRandom(5), b = new SplittableRandom(5);
    for (int i = 0; i < 100; i++) assertThat(s.sample(LOGITS, a)).isEqualTo(s.sample(LOGITS, b));
    assertThatThrownBy(() -> new Sampling(-1, 0, 1, 0)).hasMessageContaining("--temperature");
    assertThatThrownBy(() -> new Sampling(1, 0, 0, 0)).hasMessageContaining("--top-p");
  }
}
