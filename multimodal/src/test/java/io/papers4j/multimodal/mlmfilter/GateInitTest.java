package io.papers4j.multimodal.mlmfilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.papers4j.core.tensor.Engine;
import io.papers4j.multimodal.vlm.GatedCrossAttention;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/** The starting value of the filter's cross-attention gates: closed by default, opened by the option. */
class GateInitTest {
  private static final double LR = 1e-3;
  private static final Path NONE = Path.of("/nonexistent");
  private static final WebPool.Sources SCENES_ONLY = new WebPool.Sources(0, NONE, 0, NONE);

  private static Map<String, Tensor> snapshot(MlmFilterModel m) {
    Map<String, Tensor> copy = new LinkedHashMap<>();
    try (NoGradGuard ng = new NoGradGuard()) {
      m.namedParameters().forEach((k, v) -> copy.put(k, v.detach().clone()));
    }
    return copy;
  }

  /** The smallest and largest gate element (before tanh) over every block; {@code count[0]} gets the number of gate tensors. */
  private static double[] gateRange(MlmFilterModel m, int[] count) {
    double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
    for (GatedCrossAttention x : m.lm.crossAttn) {
      for (Map.Entry<String, Tensor> e : x.namedParameters().entrySet()) {
        if (!e.getKey().endsWith("_gate")) continue;
        count[0]++;
        lo = Math.min(lo, e.getValue().min().item_double());
        hi = Math.max(hi, e.getValue().max().item_double());
      }
    }
    return new double[] {lo, hi};
  }

  private static MlmFilterModel trainedOneStep(double gateInit) {
    Engine.init(2);
    Engine.seed(0);
    MlmFilterTraining.Options o = new MlmFilterTraining.Options(1, 4, LR, 0, 1, gateInit);
    return MlmFilterTraining.train(MlmFilterConfig.tiny(), new MlmFilterTraining.Recipe(20, 20, 4, 5, true, o), SCENES_ONLY, null);
  }

  @Test
  void setting_the_gates_changes_every_gate_element_and_nothing_else() {
    Engine.init(2);
    MlmFilterModel m = new MlmFilterModel(MlmFilterConfig.tiny(), 0);
    int[] n = new int[1];
    assertThat(gateRange(m, n)).containsExactly(0, 0); // Flamingo's closed gates
    assertThat(m.lm.fractionOfGatesBelow(0.01)).isEqualTo(1);
    Map<String, Tensor> before = snapshot(m);
    m.setCrossAttentionGates(1.0);
    n[0] = 0;
    assertThat(gateRange(m, n)).containsExactly(1, 1);
    assertThat(n[0]).isEqualTo(2 * m.lm.crossAttn.size()).isPositive();
    assertThat(m.lm.fractionOfGatesBelow(0.01)).isZero();
    int gates = 0;
    for (Map.Entry<String, Tensor> e : m.namedParameters().entrySet()) {
      boolean changed = !e.getValue().equal(before.get(e.getKey()));
      if (e.getKey().endsWith("attn_gate") || e.getKey().endsWith("ff_gate")) {
        gates++;
        assertThat(changed).as(e.getKey()).isTrue();
      } else {
        assertThat(changed).as(e.getKey()).isFalse();
      }
    }
    assertThat(gates).isEqualTo(n[0]);
  }

  /** Closed gates stop every gradient to the ViT in the first step; the option opens that path. */
  @Test
  void the_option_opens_the_gates_of_a_new_filter_and_the_default_leaves_them_closed() {
    assertThat(new MlmFilterTraining.Options(5, 2, LR, 0).gateInit()).isZero();
    assertThat(new MlmFilterTraining.Options(5, 2, LR, 0, 0.1).gateInit()).isZero();

    MlmFilterModel closed = trainedOneStep(0);
    MlmFilterModel fresh = new MlmFilterModel(MlmFilterConfig.tiny(), 0); // the same initialisation (seed 0)
    int[] n = new int[1];
    double[] g = gateRange(closed, n);
    // one Adam step moves an element by at most the learning rate (here LR / 1 after the warm-up of 1 step)
    assertThat(g[0]).isCloseTo(0, within(1.01 * LR));
    assertThat(g[1]).isCloseTo(0, within(1.01 * LR));
    double vitMoved = 0;
    for (Map.Entry<String, Tensor> e : closed.namedParameters().entrySet()) {
      if (!e.getKey().startsWith(MlmFilterTraining.VISION_PREFIX)) continue;
      vitMoved = Math.max(vitMoved, e.getValue().sub(fresh.namedParameters().get(e.getKey())).abs().max().item_double());
    }
    assertThat(vitMoved).isZero();

    MlmFilterModel open = trainedOneStep(1.5);
    g = gateRange(open, n);
    assertThat(g[0]).isCloseTo(1.5, within(1.01 * LR));
    assertThat(g[1]).isCloseTo(1.5, within(1.01 * LR));
    vitMoved = 0;
    for (Map.Entry<String, Tensor> e : open.namedParameters().entrySet()) {
      if (!e.getKey().startsWith(MlmFilterTraining.VISION_PREFIX)) continue;
      vitMoved = Math.max(vitMoved, e.getValue().sub(fresh.namedParameters().get(e.getKey())).abs().max().item_double());
    }
    assertThat(vitMoved).isCloseTo(LR, within(0.01 * LR));
  }

  @Test
  void a_gate_value_that_is_not_a_finite_number_is_refused() {
    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThatThrownBy(() -> new MlmFilterTraining.Options(5, 2, LR, 0, 1, bad)).hasMessageContaining("--gate-init must be a finite number");
    }
  }
}
