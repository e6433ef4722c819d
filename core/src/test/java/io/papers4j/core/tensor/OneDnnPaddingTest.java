package io.papers4j.core.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.papers4j.core.nn.Conv2d;
import io.papers4j.core.nn.Init;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/**
 * The convolution kernels {@link Engine#configureKernels} selects, and the libtorch defect that made
 * it switch oneDNN off: oneDNN's AVX-512 convolution pads a channel count that is not a multiple of
 * 16 into buffers it does not zero. Freeing NaN-filled tensors first ("poisoning" the allocator)
 * turns the random NaN of the models' trainings into a near-certain one.
 */
class OneDnnPaddingTest {
  private static final int BATCH = 16, SIZE = 32;

  /** Allocates and frees NaN-filled buffers of many sizes, so the allocator hands NaN memory out next. */
  private static void poisonAllocator() {
    try (PointerScope s = new PointerScope()) {
      for (int i = 0; i < 64; i++) torch.full(new long[] {1L << (8 + i % 12)}, new Scalar(Float.NaN));
    }
  }

  /** One 3×3 convolution over {@code channels} → {@code channels}: [output, input gradient] of sum(y ⊙ g). */
  private static Tensor[] convAndInputGrad(Conv2d conv, Tensor x, Tensor g) {
    Tensor xi = x.clone().set_requires_grad(true);
    Tensor y = conv.forward(xi); // (B, C, S, S)
    y.mul(g).sum().backward();
    return new Tensor[] {y.detach(), xi.grad()};
  }

  private static boolean finite(Tensor t) {
    return torch.isfinite(t).all().item_bool();
  }

  @Test
  void everyModelConvolvesOnLibtorchsOwnKernels() {
    new Conv2d(2, 2, 3, Init.normal(0, 0.1)); // loading core.nn runs Engine.configureKernels
    assertThat(torch.globalContext().userEnabledMkldnn()).as("oneDNN").isFalse();
    assertThat(torch.globalContext().userEnabledNNPACK()).as("NNPACK").isFalse();
  }

  @Test
  void oneDnnScopeRestoresTheEngineSetting() {
    Engine.init();
    try (Engine.OneDnn outer = Engine.oneDnn()) {
      assertThat(torch.globalContext().userEnabledMkldnn()).isTrue();
      try (Engine.OneDnn inner = Engine.oneDnn()) {
        assertThat(torch.globalContext().userEnabledMkldnn()).isTrue();
      }
      assertThat(torch.globalContext().userEnabledMkldnn()).as("after the inner scope").isTrue();
    }
    assertThat(torch.globalContext().userEnabledMkldnn()).as("after both scopes").isFalse();
  }

  /**
   * With the engine's kernels, a convolution over 8 channels after poisoning gives the float64
   * result (output and input gradient) in every trial. With oneDNN on, on an AVX-512 CPU, this test
   * failed: the input gradient was NaN in 29 of 30 such trials.
   */
  @Test
  void poisonedMemoryLeavesConvolutionsExact() {
    Engine.init();
    Conv2d conv = new Conv2d(8, 8, 3, Init.normal(1, 0.05));
    Conv2d conv64 = new Conv2d(8, 8, 3, Init.normal(1, 0.05, ScalarType.Double));
    try (NoGradGuard ng = new NoGradGuard()) {
      conv64.weight.copy_(conv.weight); // the same weights in float64 (the bias is zero in both)
    }
    try (PointerScope outer = new PointerScope()) {
      torch.manual_seed(3);
      for (int trial = 0; trial < 5; trial++) {
        Tensor x = torch.randn(new long[] {BATCH, 8, SIZE, SIZE});
        Tensor g = torch.randn(new long[] {BATCH, 8, SIZE, SIZE});
        poisonAllocator();
        Tensor[] got = convAndInputGrad(conv, x, g);
        Tensor[] want = convAndInputGrad(conv64, x.to(ScalarType.Double), g.to(ScalarType.Double));
        for (int k = 0; k < 2; k++) {
          assertThat(finite(got[k])).as("trial %d %s finite", trial, k == 0 ? "output" : "input gradient").isTrue();
          double err = got[k].to(ScalarType.Double).sub(want[k]).abs().max().item_double();
          assertThat(err).as("trial %d %s max error", trial, k == 0 ? "output" : "input gradient").isLessThan(1e-4);
        }
      }
    }
  }

  /**
   * The premise of {@link Engine#oneDnn()}: with oneDNN on, a 16-channel convolution (no padded
   * channel block) stays finite after poisoning, in every trial. Then the libtorch defect itself
   * (org.bytedeco:pytorch 2.10.0-1.5.13): an 8-channel convolution after poisoning gives a NaN input
   * gradient (measured in 29 of 30 trials in a fresh JVM). Whether the poisoned memory is handed out
   * again depends on the allocator's state, which the rest of a test run changes, so that half is an
   * assumption: reported as skipped when this JVM did not trigger it. If it is never triggered any
   * more, a libtorch upgrade may have fixed oneDNN and {@link Engine#configureKernels} may switch it
   * back on (re-measure first).
   */
  @Test
  void oneDnnReadsUnzeroedChannelPaddingOnAvx512() throws Exception {
    Path cpuinfo = Path.of("/proc/cpuinfo");
    assumeTrue(Files.isReadable(cpuinfo) && Files.readString(cpuinfo).contains(" avx512f"), "needs an AVX-512 CPU");
    Engine.init();
    int nan8 = 0, trials8 = 0;
    try (Engine.OneDnn on = Engine.oneDnn(); PointerScope outer = new PointerScope()) {
      torch.manual_seed(4);
      Conv2d c16 = new Conv2d(16, 16, 3, Init.normal(2, 0.05));
      for (int trial = 0; trial < 5; trial++) {
        poisonAllocator();
        Tensor[] r = convAndInputGrad(c16, torch.randn(new long[] {BATCH, 16, SIZE, SIZE}), torch.randn(new long[] {BATCH, 16, SIZE, SIZE}));
        assertThat(finite(r[0]) && finite(r[1])).as("16 channels on oneDNN, trial %d finite", trial).isTrue();
      }
      Conv2d c8 = new Conv2d(8, 8, 3, Init.normal(1, 0.05));
      for (; trials8 < 10 && nan8 == 0; trials8++) {
        poisonAllocator();
        Tensor[] r = convAndInputGrad(c8, torch.randn(new long[] {BATCH, 8, SIZE, SIZE}), torch.randn(new long[] {BATCH, 8, SIZE, SIZE}));
        if (!finite(r[1])) nan8++;
      }
    }
    assumeTrue(nan8 > 0, "the oneDNN padding defect was not triggered in " + trials8 + " poisoned trials in this JVM's allocator state");
  }
}
