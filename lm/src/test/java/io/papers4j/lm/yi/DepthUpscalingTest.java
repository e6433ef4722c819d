package io.papers4j.lm.yi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The layer range Yi-9B copies (12-27 of Yi-6B's 32, arXiv 2403.04652 §7.3) at other depths. */
class DepthUpscalingTest {
  @Test
  void yi9b_range_at_32_layers_is_the_papers_12_to_27() {
    assertThat(DepthUpscaling.yi9bRange(32)).containsExactly(12, 27);
    assertThat(DepthUpscaling.plan(32, 12, 27)).hasSize(48);
  }

  @Test
  void yi9b_range_keeps_the_relative_depth_three_eighths_to_seven_eighths() {
    assertThat(DepthUpscaling.yi9bRange(8)).containsExactly(3, 6); // the spec's 8-layer plan
    assertThat(DepthUpscaling.yi9bRange(16)).containsExactly(6, 13); // half the layers copied: 16 -> 24
    assertThat(DepthUpscaling.yi9bRange(48)).containsExactly(18, 41);
    assertThat(DepthUpscaling.yi9bRange(12)).containsExactly(5, 10); // 4.5 and 10.5 round up
    for (int layers = 8; layers <= 64; layers += 8) {
      int[] r = DepthUpscaling.yi9bRange(layers);
      assertThat(r[1] - r[0] + 1).as("copies half of %d layers", layers).isEqualTo(layers / 2);
      assertThat(layers - 1 - r[1]).as("layers after the range at depth %d", layers).isEqualTo(layers / 8);
    }
  }

  @Test
  void yi9b_range_of_a_shallow_model_copies_at_least_one_layer() {
    assertThat(DepthUpscaling.yi9bRange(1)).containsExactly(0, 0);
    assertThat(DepthUpscaling.yi9bRange(2)).containsExactly(1, 1);
    assertThat(DepthUpscaling.yi9bRange(3)).containsExactly(1, 2);
    assertThatThrownBy(() -> DepthUpscaling.yi9bRange(0)).hasMessageContaining("at least one layer");
  }

  @Test
  void continued_training_is_yi9b_share_of_the_base_run() {
    YiDepthReproduction.Protocol p = YiDepthReproduction.Protocol.yi9b(16, 3100, 8);
    assertThat(p.continueSteps()).isEqualTo(800); // 800 B tokens after 3.1 T
    assertThat(p.continueLr()).isEqualTo(YiDepthReproduction.LR / 10); // 3e-5 after a 3e-4 peak
    assertThat(p.first()).isEqualTo(6);
    assertThat(p.last()).isEqualTo(13);
    assertThat(p.upscaledLayers()).isEqualTo(24);
    assertThat(YiDepthReproduction.Protocol.of("spec-quick").upscaledLayers()).isEqualTo(12);
    assertThatThrownBy(() -> YiDepthReproduction.Protocol.of("medium")).hasMessageContaining("unknown preset 'medium'");
  }
}
