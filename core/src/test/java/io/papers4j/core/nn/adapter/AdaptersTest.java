package io.papers4j.core.nn.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Linear;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class AdaptersTest {

  @Test
  void lora_starts_at_the_frozen_weight_and_adds_scaled_b_times_a() {
    torch.manual_seed(31);
    Linear layer = new Linear(12, 9, true, Init.normal(1, 0.02));
    Tensor x = torch.randn(3, 5, 12);
    Tensor before = layer.forward(x).detach().clone();
    LoraAdapter lora = LoraAdapter.install(layer, 4, 32, 7);
    assertThat(maxAbsDiff(layer.forward(x), before)).isLessThan(1e-7); // B = 0 at the start
    assertThat(layer.namedParameters().keySet())
        .containsExactly("weight", "bias", "lora_A.weight", "lora_B.weight");
    assertThat(layer.weight.requires_grad()).isFalse();
    assertThat(lora.scaling()).isEqualTo(8.0);

    try (NoGradGuard g = new NoGradGuard()) {
      lora.loraB().copy_(torch.randn(9, 4));
    }
    Tensor w = layer.weight.add(lora.loraB().mm(lora.loraA()).mul(new Scalar(8.0))); // W₀ + (α/r)·B·A
    Tensor expected = torch.linear(x, w, new TensorOptional(layer.bias));
    assertThat(maxAbsDiff(layer.forward(x), expected)).isLessThan(1e-5);

    layer.forward(x).sum().backward();
    assertThat(layer.weight.grad().defined()).isFalse();
    assertThat(lora.loraA().grad().defined()).isTrue();
    assertThat(lora.loraB().grad().defined()).isTrue();
  }

  @Test
  void low_rank_factorisation_replaces_the_dense_weight() {
    torch.manual_seed(32);
    Linear layer = new Linear(64, 48, false, Init.normal(1, 0.02));
    LowRankAdapter.install(layer, 8, 0.02, 5);
    assertThat(layer.namedParameters().keySet()).containsExactly("lowrank_A.weight", "lowrank_B.weight");
    Tensor a = layer.namedParameters().get("lowrank_A.weight");
    Tensor b = layer.namedParameters().get("lowrank_B.weight");
    assertThat(a.sizes().vec().get()).isEqualTo(new long[] {8, 64});
    assertThat(b.sizes().vec().get()).isEqualTo(new long[] {48, 8});
    Tensor x = torch.randn(4, 64);
    assertThat(maxAbsDiff(layer.forward(x), x.mm(b.mm(a).t()))).isLessThan(1e-6);
    // the product has the dense init's scale, and the dense storage is released
    double std = b.mm(a).std().item_double();
    assertThat(std).isBetween(0.01, 0.04);
    assertThat(layer.weight.storage().nbytes()).isEqualTo(4);
    assertThat(layer.inFeatures()).isEqualTo(64);
    assertThat(layer.outFeatures()).isEqualTo(48);
  }

  private static double maxAbsDiff(Tensor a, Tensor b) {
    return a.detach().sub(b.detach()).abs().max().item_double();
  }
}
