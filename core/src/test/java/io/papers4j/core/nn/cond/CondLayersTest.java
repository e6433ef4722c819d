package io.papers4j.core.nn.cond;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.LayerNorm;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.T;
import java.io.InputStream;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

class CondLayersTest {
  @Test
  void sinusoid_matches_diffusers_formula_golden_values() throws Exception {
    JsonNode g;
    try (InputStream in = getClass().getResourceAsStream("/diffusion/flow_golden.json")) {
      g = new ObjectMapper().readTree(in).get("timestep_embedding");
    }
    int cases = 0;
    for (JsonNode c : g) {
      JsonNode ts = c.get("timesteps");
      double[] t = new double[ts.size()];
      for (int i = 0; i < t.length; i++) t[i] = ts.get(i).asDouble();
      int dim = c.get("dim").asInt();
      Tensor e = TimestepEmbedding.sinusoid(Tensor.create(t, t.length), dim,
          c.get("flip_sin_to_cos").asBoolean(), c.get("downscale_freq_shift").asDouble(), 10000.0);
      assertThat(e.shape()).containsExactly(t.length, dim);
      for (int i = 0; i < t.length; i++) {
        for (int j = 0; j < dim; j++) {
          double want = c.get("embedding").get(i).get(j).asDouble();
          assertThat(e.get(i).get(j).item_double()).as("dim %d t %s j %d", dim, t[i], j)
              .isCloseTo(want, org.assertj.core.data.Offset.offset(1e-9));
        }
      }
      cases++;
    }
    assertThat(cases).isEqualTo(3);
  }

  /** A DiT-style block x + g·f(modulate(LN(x))) built on adaLN-Zero is the identity at init. */
  @Test
  void adaln_zero_block_is_identity_at_init_and_not_after_training_moves_it() {
    Init init = Init.normal(4, 0.2, ScalarType.Double);
    AdaLnZero ada = new AdaLnZero(6, 8, 6, init);
    LayerNorm ln = new LayerNorm(8, 1e-6, false, init);
    Linear f = new Linear(8, 8, true, init);
    Tensor x = T.randn(1, ScalarType.Double, 2, 5, 8), c = T.randn(2, ScalarType.Double, 2, 6);
    java.util.function.Supplier<Tensor> block = () -> {
      Tensor[] m = ada.forward(c);
      Tensor h = AdaLnZero.gatedResidual(x, m[2], f.forward(AdaLnZero.modulate(ln.forward(x), m[0], m[1])));
      return AdaLnZero.gatedResidual(h, m[5], f.forward(AdaLnZero.modulate(ln.forward(h), m[3], m[4])));
    };
    assertThat(T.maxDiff(block.get(), x)).isEqualTo(0.0);
    assertThat(ada.namedParameters().keySet()).containsExactly("linear.weight", "linear.bias");
    try (NoGradGuard g = new NoGradGuard()) {
      ada.linear.weight.add_(T.randn(9, ScalarType.Double, 48, 6).mul(new org.bytedeco.pytorch.Scalar(0.1)));
    }
    assertThat(T.maxDiff(block.get(), x)).isGreaterThan(1e-3);
  }

  @Test
  void timestep_mlp_has_diffusers_names_and_shape() {
    TimestepEmbedding te = new TimestepEmbedding(16, 12, Init.normal(1, 0.02));
    assertThat(te.namedParameters().keySet())
        .containsExactly("linear_1.weight", "linear_1.bias", "linear_2.weight", "linear_2.bias");
    assertThat(te.forward(torch.ones(3)).shape()).containsExactly(3, 12);
  }
}
