package io.papers4j.core.nn;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.nn.pos.RotaryEmbedding;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/** Autograd through the layers against central finite differences, in float64. */
class GradientTest {
  private static final int C = 8;

  /** A pre-norm block: y = h + MLP(norm2(h)), h = x + Attn(norm1(x)). */
  private record Block(RMSNorm norm1, Attention attn, RMSNorm norm2, SwiGLU mlp, LayerNorm ln)
      implements Parameterized {
    Tensor forward(Tensor x) {
      Tensor h = x.add(attn.forward(norm1.forward(x), T.arange(x.size(1))));
      return ln.forward(h.add(mlp.forward(norm2.forward(h))));
    }

    @Override
    public Map<String, Tensor> namedParameters() {
      return new Params()
          .add("input_layernorm", norm1)
          .add("self_attn", attn)
          .add("post_attention_layernorm", norm2)
          .add("mlp", mlp)
          .add("ln", ln)
          .map();
    }
  }

  @Test
  void gradients_match_finite_differences() {
    Init init = Init.normal(3, 0.4, ScalarType.Double);
    Block block =
        new Block(
            new RMSNorm(C, 1e-6, init),
            new Attention(new Attention.Config(C, 4, 2, 2, true, true, 3), new RotaryEmbedding(2, 100.0), init),
            new RMSNorm(C, 1e-6, init),
            new SwiGLU(C, 12, false, init),
            new LayerNorm(C, 1e-5, true, init));
    // non-trivial norm gains and biases
    try (NoGradGuard g = new NoGradGuard()) {
      block.norm1.weight.add_(T.randn(4, ScalarType.Double, C).mul(new Scalar(0.3)));
      block.ln.bias.add_(T.randn(5, ScalarType.Double, C).mul(new Scalar(0.3)));
      block.attn.qProj.bias.add_(T.randn(6, ScalarType.Double, C).mul(new Scalar(0.3)));
    }
    Tensor x = T.randn(7, ScalarType.Double, 2, 5, C);
    Tensor r = T.randn(8, ScalarType.Double, 2, 5, C);

    Tensor loss = block.forward(x).mul(r).sum();
    loss.backward();

    double eps = 1e-6;
    double worst = 0;
    for (Map.Entry<String, Tensor> e : block.namedParameters().entrySet()) {
      Tensor p = e.getValue();
      Tensor grad = p.grad().view(-1);
      long n = p.numel();
      for (long idx : new long[] {0, n / 2, n - 1}) {
        double numeric = FiniteDifference.at(p, idx, eps, () -> block.forward(x).mul(r).sum().item_double());
        double analytic = grad.select(0, idx).item_double();
        double err = Math.abs(numeric - analytic) / Math.max(1.0, Math.abs(numeric));
        worst = Math.max(worst, err);
        assertThat(err).as("%s[%d]: autograd %.10f, finite difference %.10f", e.getKey(), idx, analytic, numeric).isLessThan(1e-6);
      }
    }
    System.out.println("gradient check: worst relative error " + worst);
  }
}
