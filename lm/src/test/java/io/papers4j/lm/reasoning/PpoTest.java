package io.papers4j.lm.reasoning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;
import static org.assertj.core.api.Assertions.within;

import io.papers4j.core.nn.Init;
import io.papers4j.core.tensor.Precision;
import io.papers4j.lm.llama.LlamaModel;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class PpoTest {
  @Test
  void tensor_loss_equals_the_scalar_clipped_objective_and_value_loss() {
    float[] lp = {(float) Math.log(1.5), (float) Math.log(0.5), (float) Math.log(0.5), 0.1f};
    float[] old = {0, 0, 0, 0.1f};
    float[] adv = {2, 2, -1, 5};
    float[] v = {0.5f, 0.0f, 1.0f, 9f};
    float[] oldV = {0.0f, 0.0f, 0.0f, 9f};
    float[] ret = {1.0f, 0.5f, 0.0f, 0f};
    float[] mask = {1, 1, 1, 0}; // the last one is not an action
    double clip = 0.2;
    double pg = 0;
    double vf = 0;
    for (int i = 0; i < 3; i++) {
      pg -= RlMath.clippedObjective(lp[i], old[i], adv[i], clip);
      double vc = oldV[i] + Math.max(-clip, Math.min(clip, v[i] - oldV[i]));
      vf += 0.5 * Math.max(Math.pow(v[i] - ret[i], 2), Math.pow(vc - ret[i], 2));
    }
    double expected = pg / 3 + 0.7 * vf / 3;
    Tensor l = Ppo.loss(t(lp), t(old), t(adv), t(v), t(oldV), t(ret), t(mask), clip, 0.7);
    assertThat(l.item_double()).isCloseTo(expected, within(1e-5));
  }

  private static Tensor t(float[] x) {
    return Tensor.create(x).view(1, x.length);
  }

  /**
   * PPO's old, reference and updated log-probabilities all come from {@code logpAndValues} in the
   * run's precision: under bf16 autocast they stay float32 tensors and within bfloat16 rounding of
   * the float32 values, so the ratio of a bf16 run starts near 1 and not at a precision mismatch.
   */
  @Test
  void bf16LogProbabilitiesAreFloat32AndTrackFloat32() {
    io.papers4j.core.tensor.Engine.init();
    LlamaModel m = new LlamaModel(Sft.tinyConfig(), Init.normal(3, 0.02), null);
    long[] prompt = Sft.prompt("What is 2 + 3?", null);
    long[] tokens = java.util.Arrays.copyOf(prompt, 6);
    boolean[] action = new boolean[tokens.length];
    java.util.Arrays.fill(action, true);
    Rollouts.Completion c = new Rollouts.Completion(tokens, action, new double[tokens.length], "", true);
    Ppo.Batch b = Ppo.Batch.of(List.of(prompt), List.of(c));
    Tensor f32 = Ppo.logpAndValues(m, null, b, 1.0, Precision.F32)[0];
    Tensor bf16 = Ppo.logpAndValues(m, null, b, 1.0, Precision.BF16)[0];
    assertThat(bf16.scalar_type().intern()).isEqualTo(torch.ScalarType.Float);
    double sumF32 = f32.sum().item_double(), sumBf16 = bf16.sum().item_double();
    assertThat(sumBf16).isNotEqualTo(sumF32).isCloseTo(sumF32, withinPercentage(2));
  }

  /** The ORM's one-step loss (from the same weights and batch) under bf16 autocast, against float32. */
  @Test
  void bf16OutcomeRewardModelLossTracksFloat32() {
    io.papers4j.core.tensor.Engine.init();
    List<OutcomeRewardModel.Labelled> data = List.of(new OutcomeRewardModel.Labelled("What is 2 + 3?", "2 + 3 = 5. The answer is 5.", true),
        new OutcomeRewardModel.Labelled("What is 2 + 3?", "2 + 3 = 6. The answer is 6.", false));
    org.bytedeco.pytorch.global.torch.manual_seed(21); // the same noise draws in both runs
    double f32 = new OutcomeRewardModel(new LlamaModel(Sft.tinyConfig(), Init.normal(4, 0.02), null), 5)
        .fit(data, new Sft.Fit(1, 2, 1e-3, 0, Precision.F32), null);
    org.bytedeco.pytorch.global.torch.manual_seed(21); // the same noise draws in both runs
    double bf16 = new OutcomeRewardModel(new LlamaModel(Sft.tinyConfig(), Init.normal(4, 0.02), null), 5)
        .fit(data, new Sft.Fit(1, 2, 1e-3, 0, Precision.BF16), null);
    assertThat(bf16).isNotEqualTo(f32).isCloseTo(f32, withinPercentage(3));
  }
}
