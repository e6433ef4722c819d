package io.papers4j.lm.reasoning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PlateauRuleTest {
  private static boolean flat(double tolerance, Double... maj1) {
    return RlReasoningStudy.levelledOff(List.of(maj1), RlReasoningStudy.FLAT_LOGS, tolerance);
  }

  @Test
  void one_flat_log_is_not_a_plateau_two_are() {
    // the batch-8 quick run's curve (steps 1200, 1500, 1800, 2100): flat once, then rising by 5 and 3 problems of 96
    assertThat(flat(0.03, 0.333, 0.333)).isFalse(); // no value before a two-log window
    assertThat(flat(0.03, 0.333, 0.333, 0.385)).isFalse(); // window best 0.385 > 0.333 + 0.03
    assertThat(flat(0.03, 0.333, 0.333, 0.385, 0.417)).isFalse(); // window best 0.417 > 0.333 + 0.03
    // a curve that levels off: the last two logs stay within 0.03 of the best before them
    assertThat(flat(0.03, 0.20, 0.30, 0.40, 0.42, 0.41)).isTrue();
    assertThat(flat(0.03, 0.20, 0.30, 0.40, 0.43, 0.41)).isTrue(); // 0.43 = 0.40 + 0.03, the edge counts as flat
    assertThat(flat(0.03, 0.20, 0.30, 0.40, 0.44, 0.41)).isFalse();
    // slow creep within the tolerance at every log is still a rise over the window
    assertThat(flat(0.03, 0.30, 0.325, 0.35)).isFalse();
    // a dip inside the window does not hide a rise, and a drop counts as flat
    assertThat(flat(0.0, 0.5, 0.6, 0.4)).isFalse();
    assertThat(flat(0.0, 0.5, 0.4, 0.45)).isTrue();
    assertThatThrownBy(() -> RlReasoningStudy.levelledOff(List.of(0.1, 0.2), 0, 0.0)).hasMessageContaining("logs must be >= 1");
  }
}
