package io.papers4j.lm.saullm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import org.junit.jupiter.api.Test;

class BalancedAccuracyTest {
  @Test
  void binary_matches_the_hand_computed_mean_of_recalls() {
    // yes: 2 of 3 recalled, no: 1 of 1 -> (2/3 + 1) / 2 = 5/6; plain accuracy would be 3/4.
    double b = BalancedAccuracy.of(List.of("yes", "yes", "yes", "no"), List.of("yes", "no", "yes", "no"));
    assertThat(b).isCloseTo(5.0 / 6.0, offset(1e-12));
  }

  @Test
  void a_constant_answer_scores_one_over_the_number_of_classes() {
    // Always "yes" on 9 yes / 1 no: accuracy 0.9, balanced accuracy (1 + 0) / 2 = 0.5.
    List<String> gold = List.of("yes", "yes", "yes", "yes", "yes", "yes", "yes", "yes", "yes", "no");
    assertThat(BalancedAccuracy.of(gold, java.util.Collections.nCopies(10, "yes"))).isEqualTo(0.5);
  }

  @Test
  void three_classes_with_an_answer_outside_the_label_set() {
    // a: 1/2, b: 2/3 (the "x" answer is simply wrong), c: 1/1 -> (1/2 + 2/3 + 1) / 3 = 13/18.
    double b = BalancedAccuracy.of(List.of("a", "a", "b", "b", "b", "c"), List.of("a", "b", "b", "b", "x", "c"));
    assertThat(b).isCloseTo(13.0 / 18.0, offset(1e-12));
  }

  @Test
  void rejects_mismatched_or_empty_input() {
    assertThatThrownBy(() -> BalancedAccuracy.of(List.of("a"), List.of())).hasMessageContaining("rows");
    assertThatThrownBy(() -> BalancedAccuracy.of(List.of(), List.of())).hasMessageContaining("zero rows");
  }
}
