package io.papers4j.core.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

class LayersTest {

  @Test
  void linear_matches_x_wt_plus_b_and_uses_hf_names_and_shapes() {
    Linear lin = new Linear(3, 2, true, Init.normal(1, 0.02, ScalarType.Double));
    assertThat(lin.weight.shape()).containsExactly(2, 3);
    assertThat(lin.namedParameters().keySet()).containsExactly("weight", "bias");
    double[] w = {1, 2, 3, 4, 5, 6};
    try (var g = new org.bytedeco.pytorch.NoGradGuard()) {
      lin.weight.copy_(Tensor.create(w, 2, 3));
      lin.bias.copy_(Tensor.create(new double[] {0.5, -1}));
    }
    Tensor y = lin.forward(Tensor.create(new double[] {1, 0, -1}, 1, 3));
    // row 0: 1 - 3 + 0.5 = -1.5; row 1: 4 - 6 - 1 = -3
    assertThat(y.shape()).containsExactly(1, 2);
    assertThat(T.maxDiff(y, Tensor.create(new double[] {-1.5, -3}, 1, 2))).isLessThan(1e-12);
    assertThat(new Linear(3, 2, false, Init.normal(1, 0.02)).namedParameters()).hasSize(1);
  }

  @Test
  void one_row_without_gradients_matches_the_sum_by_hand_in_every_shape() {
    // the single-row inference path (matrix-vector product) against y_j = b_j + Σ_i W_ji x_i
    Linear lin = new Linear(5, 3, true, Init.normal(2, 0.5, ScalarType.Double));
    try (var g = new org.bytedeco.pytorch.NoGradGuard()) {
      lin.bias.copy_(Tensor.create(new double[] {0.25, -0.5, 1.0}));
    }
    double[] w = new double[15];
    new org.bytedeco.javacpp.DoublePointer(lin.weight.contiguous().data_ptr()).get(w);
    double[] x = {0.3, -1.2, 2.0, 0.7, -0.1};
    double[] want = new double[3];
    for (int j = 0; j < 3; j++) {
      want[j] = j == 0 ? 0.25 : j == 1 ? -0.5 : 1.0;
      for (int i = 0; i < 5; i++) want[j] += w[j * 5 + i] * x[i];
    }
    Tensor expected = Tensor.create(want);
    try (var g = new org.bytedeco.pytorch.NoGradGuard()) {
      Tensor y3 = lin.forward(Tensor.create(x, 1, 1, 5)); // (1, 1, 5) → (1, 1, 3)
      assertThat(y3.shape()).containsExactly(1, 1, 3);
      assertThat(T.maxDiff(y3.reshape(3), expected)).isLessThan(1e-12);
      Tensor y1 = lin.forward(Tensor.create(x)); // (5) → (3)
      assertThat(y1.shape()).containsExactly(3);
      assertThat(T.maxDiff(y1, expected)).isLessThan(1e-12);
      Tensor noBias = Linear.linear(Tensor.create(x, 1, 5), lin.weight, null); // (1, 5) → (1, 3)
      assertThat(T.maxDiff(noBias.reshape(3).add(lin.bias), expected)).isLessThan(1e-12);
    }
    // with gradients on, the same values and a gradient to the weight
    Tensor y = lin.forward(Tensor.create(x, 1, 1, 5));
    assertThat(T.maxDiff(y.reshape(3), expected)).isLessThan(1e-12);
    assertThat(y.requires_grad()).isTrue();
  }

  @Test
  void init_is_deterministic_per_seed_with_the_requested_std() {
    Tensor a = new Linear(256, 256, false, Init.normal(7, 0.02)).weight;
    Tensor b = new Linear(256, 256, false, Init.normal(7, 0.02)).weight;
    Tensor c = new Linear(256, 256, false, Init.normal(8, 0.02)).weight;
    assertThat(T.maxDiff(a, b)).isZero();
    assertThat(T.maxDiff(a, c)).isGreaterThan(0);
    assertThat(a.std().item_double()).isBetween(0.019, 0.021);
    assertThat(a.requires_grad()).isTrue();
  }

  @Test
  void embedding_looks_up_rows() {
    Embedding e = new Embedding(10, 4, Init.normal(3, 1.0));
    Tensor ids = Tensor.create(new long[] {3, 7, 3}, 1, 3);
    Tensor y = e.forward(ids);
    assertThat(y.shape()).containsExactly(1, 3, 4);
    assertThat(T.maxDiff(y.select(1, 0), e.weight.select(0, 3).unsqueeze(0))).isZero();
    assertThat(T.maxDiff(y.select(1, 1), e.weight.select(0, 7).unsqueeze(0))).isZero();
  }

  @Test
  void rmsnorm_matches_the_formula_by_hand() {
    RMSNorm n = new RMSNorm(2, 1e-6, Init.normal(0, 0.02, ScalarType.Double));
    try (var g = new org.bytedeco.pytorch.NoGradGuard()) {
      n.weight.copy_(Tensor.create(new double[] {1, 2}));
    }
    // x = (3, 4): mean(x²) = 12.5, rms = 3.5355339
    Tensor y = n.forward(Tensor.create(new double[] {3, 4}, 1, 2));
    double rms = Math.sqrt(12.5 + 1e-6);
    assertThat(T.maxDiff(y, Tensor.create(new double[] {3 / rms, 2 * 4 / rms}, 1, 2)))
        .isLessThan(1e-12);
    // a bfloat16 model: statistics in float32, result back in bfloat16 (as Hugging Face)
    Tensor yb =
        new RMSNorm(2, 1e-6, Init.normal(0, 0.02, ScalarType.BFloat16))
            .forward(Tensor.create(new float[] {3, 4}).to(ScalarType.BFloat16));
    assertThat(yb.scalar_type().intern()).isEqualTo(ScalarType.BFloat16);
    assertThat(yb.to(ScalarType.Double).select(0, 1).item_double()).isCloseTo(4 / rms, org.assertj.core.data.Offset.offset(0.01));
  }

  @Test
  void layernorm_normalises_to_zero_mean_unit_variance() {
    LayerNorm ln = new LayerNorm(8, 1e-5, true, Init.normal(0, 0.02, ScalarType.Double));
    Tensor y = ln.forward(T.randn(5, ScalarType.Double, 3, 8).mul(new org.bytedeco.pytorch.Scalar(4)).add(new org.bytedeco.pytorch.Scalar(2)));
    assertThat(y.mean(-1).abs().max().item_double()).isLessThan(1e-12);
    Tensor var = y.mul(y).mean(-1);
    assertThat(var.sub(new org.bytedeco.pytorch.Scalar(1)).abs().max().item_double()).isLessThan(1e-4);
    assertThat(ln.namedParameters().keySet()).containsExactly("weight", "bias");
  }

  @Test
  void swiglu_is_down_of_silu_gate_times_up() {
    SwiGLU mlp = new SwiGLU(6, 16, false, Init.normal(2, 0.3, ScalarType.Double));
    Tensor x = T.randn(9, ScalarType.Double, 2, 3, 6);
    Tensor y = mlp.forward(x);
    assertThat(y.shape()).containsExactly(2, 3, 6);
    Tensor g = x.matmul(mlp.gateProj.weight.t());
    Tensor silu = g.mul(torch.sigmoid(g));
    Tensor expected = silu.mul(x.matmul(mlp.upProj.weight.t())).matmul(mlp.downProj.weight.t());
    assertThat(T.maxDiff(y, expected)).isLessThan(1e-12);
    assertThat(mlp.namedParameters().keySet())
        .containsExactly("gate_proj.weight", "up_proj.weight", "down_proj.weight");
  }

  @Test
  void params_compose_prefixes_count_and_load_with_shape_checks() {
    SwiGLU mlp = new SwiGLU(4, 8, false, Init.normal(2, 0.02));
    Map<String, Tensor> m = new Params().add("model.layers.0.mlp", mlp).map();
    assertThat(m.keySet())
        .containsExactly(
            "model.layers.0.mlp.gate_proj.weight",
            "model.layers.0.mlp.up_proj.weight",
            "model.layers.0.mlp.down_proj.weight");
    assertThat(Params.count(mlp)).isEqualTo(3 * 32);

    SwiGLU other = new SwiGLU(4, 8, false, Init.normal(3, 0.02));
    Params.load(other, mlp.namedParameters(), "test");
    assertThat(T.maxDiff(other.upProj.weight, mlp.upProj.weight)).isZero();

    Map<String, Tensor> bad = new java.util.LinkedHashMap<>(mlp.namedParameters());
    bad.put("up_proj.weight", torch.zeros(8, 5));
    assertThatThrownBy(() -> Params.load(other, bad, "x.safetensors"))
        .hasMessageContaining("x.safetensors")
        .hasMessageContaining("up_proj.weight")
        .hasMessageContaining("[8, 5]");
    bad.remove("up_proj.weight");
    assertThatThrownBy(() -> Params.load(other, bad, "x")).hasMessageContaining("missing tensor up_proj.weight");
    assertThatThrownBy(() -> new Params().add("a", torch.zeros(1)).add("a", torch.zeros(1)))
        .hasMessageContaining("duplicate");
    assertThat(List.of(1)).isNotEmpty();
  }
}
