package io.papers4j.lm.reasoning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RlReasoningPresetTest {
  @Test
  void the_quick_preset_decays_before_its_plateau_window_and_over_trains_past_it() {
    RlReasoningPreset p = RlReasoningPreset.of("quick");
    assertThat(p.difficulty()).isEqualTo(SyntheticProblems.Difficulty.of("medium"));
    assertThat(p.batch()).isEqualTo(8);
    // the learning rate reaches its floor before the first log the plateau rule can use, so the rule sees the
    // curve after the decay, not during it
    int floorAt = p.decayFrom() + p.decaySteps();
    int firstLog = p.minPlateauSteps() - RlReasoningStudy.FLAT_LOGS * p.evalEvery();
    assertThat(p.decaySteps()).isPositive();
    assertThat(floorAt).isEqualTo(1800).isLessThanOrEqualTo(firstLog);
    Sft.Fit fit = new Sft.Fit(p.sftMaxSteps() + p.overtrainSteps(), p.batch(), p.lr(), 17).withDecay(p.decayFrom(), p.decaySteps());
    assertThat(fit.learningRate(firstLog - 1)).isCloseTo(p.lr() * Sft.Fit.DECAY_FLOOR, within(1e-15));
    assertThat(fit.learningRate(p.decayFrom() - 1)).isEqualTo(p.lr());
    // log points fall on the plateau window and the cap; the over-trained arm trains past it at the floor rate
    assertThat(p.minPlateauSteps() % p.evalEvery()).isZero();
    assertThat(p.sftMaxSteps() % p.evalEvery()).isZero();
    assertThat(p.sftMaxSteps()).isGreaterThanOrEqualTo(p.minPlateauSteps());
    assertThat(p.overtrainSteps()).isEqualTo(300);
    assertThat(p.k()).isEqualTo(8);
    assertThat(p.evalK()).isEqualTo(8);
  }

  @Test
  void presets_keep_their_evaluation_k_apart_from_the_rl_k() {
    assertThat(RlReasoningPreset.of("smoke").evalK()).isNotEqualTo(RlReasoningPreset.of("smoke").k());
    assertThat(RlReasoningPreset.of("full").evalK()).isEqualTo(16);
    assertThat(RlReasoningPreset.of("full").decaySteps()).isZero();
    assertThatThrownBy(() -> RlReasoningPreset.of("huge")).hasMessageContaining("preset must be smoke, quick or full");
  }
}
