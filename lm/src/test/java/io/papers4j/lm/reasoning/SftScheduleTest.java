package io.papers4j.lm.reasoning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SftScheduleTest {
  @Test
  void constant_after_the_warm_up_without_a_decay() {
    Sft.Fit fit = new Sft.Fit(200, 8, 2e-3, 1); // warm-up: 5% of 200 = 10 steps
    assertThat(fit.learningRate(0)).isCloseTo(2e-4, within(1e-12));
    assertThat(fit.learningRate(4)).isCloseTo(1e-3, within(1e-12));
    assertThat(fit.learningRate(9)).isCloseTo(2e-3, within(1e-12));
    assertThat(fit.learningRate(199)).isCloseTo(2e-3, within(1e-12));
  }

  @Test
  void the_decay_falls_linearly_to_the_floor_and_stays_there() {
    Sft.Fit fit = new Sft.Fit(3000, 8, 2e-3, 1).withDecay(1200, 600);
    assertThat(fit.learningRate(1199)).isCloseTo(2e-3, within(1e-12)); // last step at the peak
    // step 1200 is the first of 600 decay steps: 1/600 of the way from 1 to 0.1
    assertThat(fit.learningRate(1200)).isCloseTo(2e-3 * (1 - 0.9 / 600), within(1e-12));
    assertThat(fit.learningRate(1499)).isCloseTo(2e-3 * (1 - 0.9 * 300 / 600), within(1e-12)); // half way: 0.55 of the peak
    assertThat(fit.learningRate(1799)).isCloseTo(2e-3 * Sft.Fit.DECAY_FLOOR, within(1e-12));
    assertThat(fit.learningRate(2999)).isCloseTo(2e-4, within(1e-12));
    for (int step = 1200; step < 1800; step++) assertThat(fit.learningRate(step)).isLessThan(fit.learningRate(step - 1));
  }

  @Test
  void a_negative_decay_is_refused_with_one_message() {
    assertThatThrownBy(() -> new Sft.Fit(10, 8, 1e-3, 1).withDecay(-1, 5)).hasMessageContaining("bad learning-rate decay");
    assertThatThrownBy(() -> new Sft.Fit(10, 8, 1e-3, 1).withDecay(5, -5)).hasMessageContaining("bad learning-rate decay");
  }
}
