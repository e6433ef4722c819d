package io.papers4j.core.nn;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.tensor.Precision;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/** SwiGLU's one-row path (gate and up as one stacked product) against the two separate products. */
class SwiGluTest {
  /** down(silu(gate x) ⊙ up x) with the three products run separately: the path before the stack. */
  private static Tensor separate(SwiGLU m, Tensor x) {
    Tensor h = torch.silu(m.gateProj.forward(x)).mul(m.upProj.forward(x));
    return m.downProj.forward(h);
  }

  @Test
  void one_row_through_the_stacked_gate_and_up_equals_the_separate_products_bit_for_bit() {
    try (NoGradGuard g = new NoGradGuard()) {
      for (boolean bias : new boolean[] {false, true}) {
        SwiGLU m = new SwiGLU(64, 172, bias, Init.normal(11, 0.2, ScalarType.Float));
        if (bias) m.upProj.bias.add_(T.randn(12, ScalarType.Float, 172)); // biases start at 0
        Tensor x = T.randn(13, ScalarType.Float, 1, 1, 64); // one row: the stacked path
        assertThat(Linear.runsAsMv(x, m.gateProj.weight)).isTrue();
        Tensor y = m.forward(x);
        assertThat(y.shape()).containsExactly(1, 1, 64);
        assertThat(torch.equal(y, separate(m, x))).as("bias=%s", bias).isTrue();
        // an in-place update of one weight (optimizer step, loaded checkpoint) rebuilds the stack
        m.upProj.weight.mul_(new Scalar(0.5));
        m.gateProj.weight.copy_(T.randn(14, ScalarType.Float, m.gateProj.weight.shape()));
        Tensor after = m.forward(x);
        assertThat(torch.equal(after, separate(m, x))).isTrue();
        assertThat(T.maxDiff(after, y)).isGreaterThan(1e-3);
        // several rows keep the separate products (and equal them, trivially)
        Tensor rows = T.randn(15, ScalarType.Float, 2, 3, 64);
        assertThat(torch.equal(m.forward(rows), separate(m, rows))).isTrue();
      }
    }
  }

  @Test
  void under_bf16_autocast_the_stacked_gate_and_up_equal_the_separate_products() {
    SwiGLU m = new SwiGLU(64, 172, true, Init.normal(31, 0.2, ScalarType.Float));
    try (NoGradGuard g = new NoGradGuard(); Precision.Region r = Precision.BF16.autocast()) {
      m.upProj.bias.add_(T.randn(32, ScalarType.Float, 172));
      for (long[] shape : new long[][] {{1, 1, 64}, {16, 1, 64}, {2, 7, 64}}) {
        Tensor x = T.randn(33, ScalarType.Float, shape);
        Tensor y = m.forward(x);
        Tensor want = separate(m, x);
        assertThat(y.scalar_type().intern()).isEqualTo(want.scalar_type().intern());
        System.out.printf("SwiGLU stacked vs separate under bf16 autocast %s: maxdiff %.3e%n",
            java.util.Arrays.toString(shape), T.maxDiff(y.to(ScalarType.Float), want.to(ScalarType.Float)));
        assertThat(torch.equal(y, want)).isTrue();
      }
    }
    // a weight update between regions (an optimizer step) rebuilds the cast stack; inside one region
    // autocast's own cache would keep the separate products on the old cast weights
    try (NoGradGuard g = new NoGradGuard()) {
      m.gateProj.weight.mul_(new Scalar(-1));
    }
    try (NoGradGuard g = new NoGradGuard(); Precision.Region r = Precision.BF16.autocast()) {
      Tensor x = T.randn(34, ScalarType.Float, 4, 1, 64);
      assertThat(torch.equal(m.forward(x), separate(m, x))).isTrue();
    }
  }

  @Test
  void with_gradients_on_one_row_uses_the_separate_products() {
    SwiGLU m = new SwiGLU(16, 40, false, Init.normal(21, 0.2, ScalarType.Float));
    Tensor x = T.randn(22, ScalarType.Float, 1, 1, 16);
    assertThat(Linear.runsAsMv(x, m.gateProj.weight)).isFalse();
    m.forward(x).sum().backward();
    assertThat(m.gateProj.weight.grad().abs().sum().item_double()).isPositive();
    assertThat(m.upProj.weight.grad().abs().sum().item_double()).isPositive();
  }
}
