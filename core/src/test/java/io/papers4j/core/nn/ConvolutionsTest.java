package io.papers4j.core.nn;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tensor.Precision;
import java.util.function.Function;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/**
 * {@link Convolutions} with oneDNN on (a bfloat16 region, or {@link Engine#oneDnn()}) against a
 * float64 computation with oneDNN off, after freeing NaN-filled buffers first so that oneDNN's
 * unzeroed channel padding would show as NaN. Before the channels were padded to blocks of 16,
 * the bfloat16 case gave NaN input gradients in 8-10 of 10 such trials for 1, 3, 7, 8 and 24
 * channels.
 */
class ConvolutionsTest {
  private static void poisonAllocator() {
    try (PointerScope s = new PointerScope()) {
      for (int i = 0; i < 64; i++) torch.full(new long[] {1L << (8 + i % 12)}, new Scalar(Float.NaN));
    }
  }

  /** [output, input gradient, weight gradient, bias gradient] of sum(conv(x) ⊙ g), all float64. */
  private static Tensor[] run(Function<Tensor[], Tensor> conv, Tensor x, Tensor w, Tensor b, Tensor g, Precision p) {
    Tensor xi = x.clone().set_requires_grad(true);
    Tensor wi = w.clone().set_requires_grad(true);
    Tensor bi = b.clone().set_requires_grad(true);
    poisonAllocator();
    Tensor y;
    try (Precision.Region r = p.autocast()) {
      y = conv.apply(new Tensor[] {xi, wi, bi});
    }
    poisonAllocator();
    p.backward(y.to(x.scalar_type()).mul(g).sum());
    return new Tensor[] {y.detach().to(ScalarType.Double), xi.grad().to(ScalarType.Double),
        wi.grad().to(ScalarType.Double), bi.grad().to(ScalarType.Double)};
  }

  /** Max |got − want| relative to max |want|, per output; asserts every element finite. */
  private static void assertClose(Tensor[] got, Tensor[] want, double tolerance, String what) {
    String[] names = {"output", "input gradient", "weight gradient", "bias gradient"};
    for (int k = 0; k < 4; k++) {
      assertThat(torch.isfinite(got[k]).all().item_bool()).as("%s: %s finite", what, names[k]).isTrue();
      double scale = want[k].abs().max().item_double();
      double err = got[k].sub(want[k]).abs().max().item_double() / scale;
      assertThat(err).as("%s: %s relative error", what, names[k]).isLessThan(tolerance);
    }
  }

  private static void compare(int in, int out, boolean oneD, Precision p, double tolerance) {
    Function<Tensor[], Tensor> conv = oneD
        ? t -> Convolutions.conv1d(t[0], t[1], t[2], 2, 2, 2) // stride 2, padding 2, dilation 2
        : t -> Convolutions.conv2d(t[0], t[1], t[2], new long[] {1, 1}, new long[] {1, 1}, new long[] {1, 1});
    long[] xShape = oneD ? new long[] {8, in, 64} : new long[] {8, in, 16, 16};
    long[] wShape = oneD ? new long[] {out, in, 3} : new long[] {out, in, 3, 3};
    try (PointerScope scope = new PointerScope()) {
      Tensor x = torch.randn(xShape);
      Tensor w = torch.randn(wShape).mul(new Scalar(0.2));
      Tensor b = torch.randn(new long[] {out});
      Tensor y64 = conv.apply(new Tensor[] {x.to(ScalarType.Double), w.to(ScalarType.Double), b.to(ScalarType.Double)});
      Tensor g = torch.randn(y64.shape());
      Tensor[] want = run(conv, x.to(ScalarType.Double), w.to(ScalarType.Double), b.to(ScalarType.Double),
          g.to(ScalarType.Double), Precision.F32);
      for (int trial = 0; trial < 3; trial++) {
        Tensor[] got;
        if (p == Precision.F32) {
          try (Engine.OneDnn on = Engine.oneDnn()) {
            got = run(conv, x, w, b, g, p);
          }
        } else {
          got = run(conv, x, w, b, g, p);
        }
        assertClose(got, want, tolerance, (oneD ? "conv1d " : "conv2d ") + in + "→" + out + " " + p.id() + " trial " + trial);
      }
    }
  }

  @Test
  void bf16RegionConvolutionsMatchFloat64ForChannelCountsOffTheBlock() {
    Engine.init();
    torch.manual_seed(11);
    assertThat(torch.globalContext().userEnabledMkldnn()).as("oneDNN off outside regions").isFalse();
    // bfloat16 keeps 8 significant bits: a sum of ~200 products lands within about 1% of its scale
    for (int[] c : new int[][] {{1, 16}, {3, 24}, {7, 8}, {8, 8}, {24, 24}, {16, 40}}) {
      compare(c[0], c[1], false, Precision.BF16, 0.03);
    }
    compare(3, 24, true, Precision.BF16, 0.03);
    compare(24, 8, true, Precision.BF16, 0.03);
  }

  @Test
  void float32ConvolutionsOnOneDnnAreExact() {
    Engine.init();
    torch.manual_seed(12);
    for (int[] c : new int[][] {{3, 24}, {8, 8}, {24, 24}}) compare(c[0], c[1], false, Precision.F32, 1e-5);
    compare(24, 8, true, Precision.F32, 1e-5);
  }

  @Test
  void withOneDnnOffItIsTorchConv2d() {
    Engine.init();
    torch.manual_seed(13);
    try (PointerScope scope = new PointerScope()) {
      Tensor x = torch.randn(new long[] {2, 3, 8, 8});
      Tensor w = torch.randn(new long[] {5, 3, 3, 3});
      Tensor y = Convolutions.conv2d(x, w, null, new long[] {2, 2}, new long[] {1, 1}, new long[] {1, 1});
      Tensor ref = torch.conv2d(x, w, new org.bytedeco.pytorch.TensorOptional(), new long[] {2, 2}, new long[] {1, 1},
          new long[] {1, 1}, 1);
      assertThat(torch.equal(y, ref)).isTrue();
      assertThat(y.shape()).containsExactly(2, 5, 4, 4);
    }
  }
}
