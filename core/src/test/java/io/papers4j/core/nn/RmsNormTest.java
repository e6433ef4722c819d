package io.papers4j.core.nn;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.tensor.Precision;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/** RMSNorm's one-call {@code rms_norm} path against its six-op twin (the formula is in LayersTest). */
class RmsNormTest {
  private static RMSNorm norm(ScalarType dtype, long seed) {
    RMSNorm n = new RMSNorm(48, 1e-5, Init.normal(0, 0.02, dtype));
    try (NoGradGuard g = new NoGradGuard()) {
      n.weight.copy_(T.randn(seed, ScalarType.Float, 48).mul(new Scalar(0.3)).add(new Scalar(1)));
    }
    return n;
  }

  @Test
  void one_call_equals_the_six_ops_bit_for_bit_in_float32_values_and_gradients() {
    RMSNorm n = norm(ScalarType.Float, 1);
    for (long[] shape : new long[][] {{1, 1, 48}, {3, 5, 48}, {48}}) {
      Tensor x1 = T.randn(2, ScalarType.Float, shape).mul(new Scalar(3)).set_requires_grad(true);
      Tensor x2 = x1.detach().clone().set_requires_grad(true);
      Tensor up = T.randn(3, ScalarType.Float, shape); // upstream gradient
      Tensor y1 = n.forward(x1);
      Tensor y2 = n.forwardOps(x2);
      assertThat(y1.scalar_type().intern()).isEqualTo(ScalarType.Float);
      assertThat(torch.equal(y1, y2)).as("values %s", java.util.Arrays.toString(shape)).isTrue();
      y1.mul(up).sum().backward();
      Tensor gw1 = n.weight.grad().clone();
      n.weight.grad().zero_();
      y2.mul(up).sum().backward();
      Tensor gw2 = n.weight.grad().clone();
      n.weight.grad().zero_();
      assertThat(T.maxDiff(x1.grad(), x2.grad()) / x2.grad().abs().max().item_double()).as("dx").isLessThanOrEqualTo(1e-6);
      assertThat(T.maxDiff(gw1, gw2) / gw2.abs().max().item_double()).as("dweight").isLessThanOrEqualTo(1e-6);
    }
    // inference, one row (a decode step)
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor x = T.randn(4, ScalarType.Float, 1, 1, 48);
      assertThat(torch.equal(n.forward(x), n.forwardOps(x))).isTrue();
    }
  }

  @Test
  void bfloat16_inputs_and_weights_and_autocast_match_the_six_ops() {
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor xb = T.randn(5, ScalarType.Float, 2, 3, 48).to(ScalarType.BFloat16);
      // float32 weight, bfloat16 input (q/k norms under autocast): float32 out, as the six ops give
      RMSNorm n = norm(ScalarType.Float, 6);
      Tensor y1 = n.forward(xb);
      Tensor y2 = n.forwardOps(xb);
      assertThat(y1.scalar_type().intern()).isEqualTo(y2.scalar_type().intern());
      assertThat(torch.equal(y1, y2)).isTrue();
      // a bfloat16 model
      RMSNorm nb = norm(ScalarType.BFloat16, 7);
      Tensor z1 = nb.forward(xb);
      Tensor z2 = nb.forwardOps(xb);
      assertThat(z1.scalar_type().intern()).isEqualTo(ScalarType.BFloat16);
      assertThat(torch.equal(z1, z2)).isTrue();
      // inside a bf16 autocast region (the residual stream of a decoder stays float32 there)
      Tensor xf = T.randn(8, ScalarType.Float, 1, 1, 48);
      try (Precision.Region r = Precision.BF16.autocast()) {
        assertThat(torch.equal(n.forward(xf), n.forwardOps(xf))).isTrue();
        Tensor a1 = n.forward(xb);
        Tensor a2 = n.forwardOps(xb);
        assertThat(a1.scalar_type().intern()).isEqualTo(a2.scalar_type().intern());
        assertThat(torch.equal(a1, a2)).isTrue();
      }
    }
  }
}
