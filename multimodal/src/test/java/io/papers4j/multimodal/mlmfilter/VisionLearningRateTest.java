package io.papers4j.multimodal.mlmfilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.papers4j.core.tensor.Engine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** The ViT's own learning rate in the filter's training: frozen, a fraction, or the same as the rest. */
class VisionLearningRateTest {
  private static final double LR = 1e-2;

  private static List<Instructions.Instruction> data() {
    return List.of(
        new Instructions.Instruction(torch.zeros(3, 32, 32), "a dark picture", "itm", "91\nyes", 91),
        new Instructions.Instruction(torch.ones(3, 32, 32), "a dark picture", "itm", "12\nno", 12));
  }

  private static Map<String, Tensor> snapshot(MlmFilterModel m) {
    Map<String, Tensor> copy = new LinkedHashMap<>();
    try (NoGradGuard ng = new NoGradGuard()) {
      m.namedParameters().forEach((k, v) -> copy.put(k, v.detach().clone()));
    }
    return copy;
  }

  /** The largest element change of the ViT's tensors ({@code vision}) or of all others, since {@code before}. */
  private static double largestChange(MlmFilterModel m, Map<String, Tensor> before, boolean vision) {
    double max = 0;
    try (NoGradGuard ng = new NoGradGuard()) {
      for (Map.Entry<String, Tensor> e : m.namedParameters().entrySet()) {
        if (e.getKey().startsWith(MlmFilterTraining.VISION_PREFIX) != vision) continue;
        max = Math.max(max, e.getValue().sub(before.get(e.getKey())).abs().max().item_double());
      }
    }
    return max;
  }

  private static MlmFilterModel trained(MlmFilterTraining.Options o, Map<String, Tensor>[] before) {
    Engine.init(2);
    Engine.seed(0);
    MlmFilterModel m = new MlmFilterModel(MlmFilterConfig.tiny(), 0);
    // the cross-attention gates start at 0, which stops every gradient to the ViT in the first step: open them
    m.setCrossAttentionGates(1.0);
    before[0] = snapshot(m);
    double[] loss = MlmFilterTraining.train(m, data(), o, null);
    for (double l : loss) assertThat(Double.isFinite(l)).isTrue();
    return m;
  }

  @Test
  @SuppressWarnings("unchecked")
  void a_frozen_vit_keeps_its_initial_weights_while_the_rest_trains() {
    Map<String, Tensor>[] before = new Map[1];
    MlmFilterModel m = trained(new MlmFilterTraining.Options(3, 2, LR, 0, 0), before);
    assertThat(m.namedParameters().keySet()).anyMatch(k -> k.startsWith(MlmFilterTraining.VISION_PREFIX));
    assertThat(largestChange(m, before[0], true)).isZero();
    assertThat(largestChange(m, before[0], false)).isGreaterThan(LR / 2);
    // no gradient is even computed through it
    m.namedParameters().forEach((k, v) -> {
      if (k.startsWith(MlmFilterTraining.VISION_PREFIX)) assertThat(v.grad().defined()).as(k).isFalse();
    });
  }

  /** Adam's first step moves every element with a clear gradient by the learning rate (m̂/√v̂ = ±1). */
  @Test
  @SuppressWarnings("unchecked")
  void a_vit_at_a_tenth_of_the_rate_moves_a_tenth_as_far_in_the_first_step() {
    Map<String, Tensor>[] before = new Map[1];
    MlmFilterModel m = trained(new MlmFilterTraining.Options(1, 2, LR, 0, 0.1), before);
    assertThat(largestChange(m, before[0], true)).isCloseTo(0.1 * LR, withinPercentage(1));
    assertThat(largestChange(m, before[0], false)).isCloseTo(LR, withinPercentage(1));
    MlmFilterModel same = trained(new MlmFilterTraining.Options(1, 2, LR, 0), before);
    assertThat(largestChange(same, before[0], true)).isCloseTo(LR, withinPercentage(1));
  }

  @Test
  void the_default_trains_the_vit_like_the_rest_and_bad_scales_are_refused() {
    assertThat(new MlmFilterTraining.Options(5, 2, LR, 0).visionLrScale()).isEqualTo(1);
    assertThat(new MlmFilterTraining.Options(5, 2, LR, 0, 0).visionFrozen()).isTrue();
    for (double bad : new double[] {-0.1, 1.5, Double.NaN}) {
      assertThatThrownBy(() -> new MlmFilterTraining.Options(5, 2, LR, 0, bad)).hasMessageContaining("--vision-lr-scale must be in [0, 1]");
    }
  }
}
