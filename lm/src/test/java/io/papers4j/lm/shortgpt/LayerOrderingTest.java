package io.papers4j.lm.shortgpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LayerOrderingTest {
  @Test
  void orderings_follow_their_definitions() {
    double[] bi = {0.3, 0.1, 0.2, 0.05};
    double[] mag = {0.4, 0.5, 0.1, 0.2};
    assertThat(LayerOrdering.BI.removalOrder(bi, mag, 0)).containsExactly(3, 1, 2, 0);
    assertThat(LayerOrdering.SEQUENTIAL.removalOrder(bi, mag, 0)).containsExactly(0, 1, 2, 3);
    assertThat(LayerOrdering.REVERSE.removalOrder(bi, mag, 0)).containsExactly(3, 2, 1, 0);
    assertThat(LayerOrdering.MAGNITUDE.removalOrder(bi, mag, 0)).containsExactly(2, 3, 0, 1);
    assertThat(LayerOrdering.RANDOM.removalOrder(bi, mag, 5)).containsExactlyInAnyOrder(0, 1, 2, 3);
    assertThat(LayerOrdering.BI.kept(bi, mag, 2, 0)).containsExactly(0, 2);
    assertThatThrownBy(() -> LayerOrdering.parse("best")).hasMessageContaining("unknown ordering 'best'");
  }
  @Test
  void spearman_matches_hand_computed_ranks_with_ties() {
    assertThat(Spearman.rho(new double[] {1, 2, 3, 4}, new double[] {10, 20, 30, 40})).isEqualTo(1.0);
    assertThat(Spearman.rho(new double[] {1, 2, 3, 4}, new double[] {4, 3, 2, 1})).isEqualTo(-1.0);
    assertThat(Spearman.ranks(new double[] {5, 1, 5, 2})).containsExactly(3.5, 1, 3.5, 2);
  }
}
