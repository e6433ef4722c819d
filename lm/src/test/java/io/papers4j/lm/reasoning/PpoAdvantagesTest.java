package io.papers4j.lm.reasoning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.papers4j.core.nn.Init;
import io.papers4j.core.tensor.Precision;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/**
 * PPO's step 3 (rewards, KL penalty, GAE, whitening) on hand-made batches, and the alignment of
 * the update's log-probabilities with the rollout's: the checks behind PPO lowering maj@1 in the
 * quick run (docs/rl-reasoning.md).
 */
class PpoAdvantagesTest {
  private static Ppo.Config config(double lambda, double kl) {
    return new Ppo.Config(1, 1, 1, 1, 1e-5, 1.0, lambda, 0.2, 1.0, kl, 1.0, 8, Ppo.Reward.SPARSE, 0);
  }

  /** Rows of {@code actions[r]} policy tokens after a 2-token prompt (every token an action). */
  private static Ppo.Batch batch(int... actions) {
    List<long[]> prompts = new ArrayList<>();
    List<Rollouts.Completion> cs = new ArrayList<>();
    for (int n : actions) {
      prompts.add(new long[] {10, 11});
      long[] t = new long[n];
      Arrays.fill(t, 20);
      boolean[] a = new boolean[n];
      Arrays.fill(a, true);
      cs.add(new Rollouts.Completion(t, a, new double[n], "", true));
    }
    return Ppo.Batch.of(prompts, cs);
  }

  private static float[] at(Ppo.Batch b, float[] v, int row) {
    int[] pos = b.actionPositions.get(row);
    float[] out = new float[pos.length];
    for (int j = 0; j < pos.length; j++) out[j] = v[row * b.width + pos[j]];
    return out;
  }

  @Test
  void correct_rows_get_positive_and_wrong_rows_negative_whitened_advantages_with_lambda_one() {
    Ppo.Batch b = batch(4, 4);
    float[] zeros = new float[b.rows * b.width];
    Ppo.Advantages a = Ppo.advantages(b, zeros, zeros, zeros, new double[] {1, 0}, null, config(1.0, 0.05));
    // raw: Monte-Carlo return minus V = 0: 1 on every action of the correct row, 0 on the wrong one
    assertThat(at(b, a.raw(), 0)).containsExactly(new float[] {1, 1, 1, 1}, within(1e-7f));
    assertThat(at(b, a.raw(), 1)).containsExactly(new float[] {0, 0, 0, 0}, within(1e-7f));
    // whitened over the 8 actions: mean 0.5, standard deviation 0.5 -> +1 and -1
    assertThat(at(b, a.whitened(), 0)).containsExactly(new float[] {1, 1, 1, 1}, within(1e-6f));
    assertThat(at(b, a.whitened(), 1)).containsExactly(new float[] {-1, -1, -1, -1}, within(1e-6f));
    // off-action positions (prompt, padding) carry nothing
    int actions = 0;
    for (int i = 0; i < a.whitened().length; i++) {
      if (b.mask[i] == 0) assertThat(a.whitened()[i]).isZero();
      else actions++;
    }
    assertThat(actions).isEqualTo(8);
    assertThat(a.returns()).containsExactly(a.raw(), within(1e-7f)); // V = 0: returns = advantages
  }

  @Test
  void with_lambda_below_one_and_no_value_the_early_tokens_of_a_correct_solution_are_pushed_down() {
    // a correct and a wrong 100-token solution, V = 0 (a value head that has not learned yet)
    Ppo.Batch b = batch(100, 100);
    float[] zeros = new float[b.rows * b.width];
    Ppo.Advantages a = Ppo.advantages(b, zeros, zeros, zeros, new double[] {1, 0}, null, config(0.95, 0.0));
    float[] raw = at(b, a.raw(), 0);
    assertThat((double) raw[0]).isCloseTo(Math.pow(0.95, 99), within(1e-7)); // the reward, discounted by lambda^(T-1)
    assertThat(raw[99]).isCloseTo(1f, within(1e-7f));
    float[] w = at(b, a.whitened(), 0);
    // the batch mean (sum of 0.95^k over 200 actions) exceeds the early tokens' share: their sign flips
    double mean = (1 - Math.pow(0.95, 100)) / 0.05 / 200;
    assertThat((double) raw[0]).isLessThan(mean);
    assertThat(w[0]).isNegative();
    assertThat(w[99]).isPositive();
    int negative = 0;
    for (float x : w) if (x < 0) negative++;
    assertThat(negative).isGreaterThan(50); // most of the correct solution is discouraged
    // lambda 1 gives every action of the correct solution the same positive advantage
    Ppo.Advantages mc = Ppo.advantages(b, zeros, zeros, zeros, new double[] {1, 0}, null, config(1.0, 0.0));
    for (float x : at(b, mc.whitened(), 0)) assertThat(x).isPositive();
  }

  @Test
  void the_kl_penalty_charges_tokens_the_policy_favours_more_than_the_reference() {
    Ppo.Batch b = batch(4);
    float[] logp = new float[b.rows * b.width];
    float[] ref = new float[b.rows * b.width];
    float[] zeros = new float[b.rows * b.width];
    int third = b.actionPositions.get(0)[2];
    logp[third] = -0.5f;
    ref[third] = -0.9f; // k1 = log pi - log pi_ref = 0.4
    Ppo.Advantages a = Ppo.advantages(b, logp, ref, zeros, new double[] {1}, null, config(1.0, 0.05));
    // reward of the third action: -0.05 * 0.4 = -0.02; with lambda = gamma = 1 every earlier action's return carries it
    assertThat(at(b, a.raw(), 0)).containsExactly(new float[] {0.98f, 0.98f, 0.98f, 1f}, within(1e-6f));
    assertThat(a.klSum()).isCloseTo(0.4, within(1e-6));
  }

  @Test
  void the_update_log_probs_equal_the_rollout_log_probs_and_the_new_value_head_is_zero() {
    io.papers4j.core.tensor.Engine.init();
    LlamaConfig c = LlamaConfig.llama(CharTokenizer.VOCAB, 32, 64, 1, 2, 2, 256, 1e-5, 10000.0, true);
    LlamaModel m = new LlamaModel(c, Init.normal(5, 0.5), null);
    List<long[]> prompts = List.of(Sft.prompt("Mia has 7 pens. How many?", null), Sft.prompt("Tom has 3.", null));
    List<Rollouts.Completion> cs = Rollouts.run(m, prompts, new Rollouts.Settings(1.0, 12, true, 4));
    Ppo.Batch b = Ppo.Batch.of(prompts, cs);
    float[] lp;
    float[] v;
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor[] lv = Ppo.logpAndValues(m, Ppo.valueHead(m, 1), b, 1.0, Precision.F32);
      lp = floats(lv[0]);
      v = floats(lv[1]);
    }
    int checked = 0;
    for (int r = 0; r < cs.size(); r++) {
      Rollouts.Completion comp = cs.get(r);
      int[] pos = b.actionPositions.get(r);
      int j = 0;
      for (int t = 0; t < comp.tokens().length; t++) {
        if (!comp.action()[t]) continue;
        // the ratio of the first epoch starts at exp(0) = 1
        assertThat((double) lp[r * b.width + pos[j]]).isCloseTo(comp.logProbs()[t], within(1e-4));
        assertThat(v[r * b.width + pos[j]]).isZero();
        j++;
        checked++;
      }
      assertThat(j).isEqualTo(pos.length);
    }
    assertThat(checked).isGreaterThan(10);
  }

  private static float[] floats(Tensor t) {
    Tensor c = t.contiguous();
    float[] f = new float[(int) c.numel()];
    new FloatPointer(c.data_ptr()).get(f);
    return f;
  }
}
