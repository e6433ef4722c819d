package io.papers4j.lm.galore;

import static io.papers4j.lm.galore.TensorData.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.lm.galore.GaLoreAdamW.Group;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.lm.galore.GaLoreAdamW.Projection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class PerLayerUpdatesTest {

  /** A two-layer MLP: W2 · relu(W1 · x + b). */
  private static final class Mlp {
    final Tensor w1, b, w2;

    Mlp(Tensor w1, Tensor b, Tensor w2) {
      this.w1 = w1.clone().requires_grad_(true);
      this.b = b.clone().requires_grad_(true);
      this.w2 = w2.clone().requires_grad_(true);
    }

    Tensor loss(Tensor x, Tensor y) {
      Tensor h = x.mm(w1.t()).add(b).relu(); // (B, 12)
      return h.mm(w2.t()).sub(y).pow(new Scalar(2)).mean();
    }

    GaLoreAdamW optimizer(boolean eightBit) {
      Map<String, Tensor> proj = new LinkedHashMap<>();
      proj.put("mlp.up", w1);
      proj.put("mlp.down", w2);
      Map<String, Tensor> plain = new LinkedHashMap<>();
      plain.put("bias", b);
      return new GaLoreAdamW(AdamConfig.hfDefaults(0.01), List.of(
          new Group("galore", proj, Projection.svd(3, 2, 0.25), eightBit),
          new Group("adamw", plain, null, eightBit)), 64, 16);
    }
  }

  @Test
  void per_layer_updates_match_the_ordinary_step_and_free_gradients() {
    torch.manual_seed(21);
    Tensor w1 = torch.randn(12, 8), b = torch.randn(12), w2 = torch.randn(4, 12);
    Mlp plain = new Mlp(w1, b, w2);
    Mlp layered = new Mlp(w1, b, w2);
    GaLoreAdamW ordinary = plain.optimizer(true);
    PerLayerUpdates perLayer = new PerLayerUpdates(layered.optimizer(true));
    for (int step = 0; step < 5; step++) {
      Tensor x = torch.randn(16, 8), y = torch.randn(16, 4);
      try (PointerScope scope = new PointerScope()) {
        ordinary.zeroGrad();
        plain.loss(x, y).backward();
        ordinary.step();

        perLayer.zeroGrad();
        layered.loss(x, y).backward();
        // the updates already happened inside backward; only the last gradient may still be held
        int alive = 0;
        for (Tensor p : new Tensor[] {layered.w1, layered.b, layered.w2}) if (p.grad().defined()) alive++;
        assertThat(alive).as("gradients alive after backward").isLessThanOrEqualTo(1);
        perLayer.step();
      }
      assertThat(layered.w1.grad().defined()).isFalse();
    }
    assertThat(maxAbsDiff(plain.w1, layered.w1)).isLessThan(1e-6);
    assertThat(maxAbsDiff(plain.w2, layered.w2)).isLessThan(1e-6);
    assertThat(maxAbsDiff(plain.b, layered.b)).isLessThan(1e-6);
    assertThat(perLayer.inner().projector("mlp.up").refreshes()).isEqualTo(3); // steps 0, 2, 4
  }

  @Test
  void gradient_accumulation_is_refused_with_a_clear_message() {
    torch.manual_seed(22);
    Mlp m = new Mlp(torch.randn(12, 8), torch.randn(12), torch.randn(4, 12));
    PerLayerUpdates opt = new PerLayerUpdates(m.optimizer(false));
    Tensor x = torch.randn(16, 8), y = torch.randn(16, 4);
    m.loss(x, y).backward();
    m.loss(x, y).backward(); // a second micro-batch before step(): accumulation
    assertThatThrownBy(opt::step).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("gradient accumulation").hasMessageContaining("mlp.");
  }
}
