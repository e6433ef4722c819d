package io.papers4j.lm.reasoning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.bytedeco.pytorch.Tensor;
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
}
