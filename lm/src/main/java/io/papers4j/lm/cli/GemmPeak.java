package io.papers4j.lm.cli;

import io.papers4j.core.tensor.Precision;
import java.io.PrintStream;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The machine's measured matrix-multiply peak in this process: square n × n × n products (2n³
 * floating-point operations) of float32 and of bfloat16 tensors for n = 1024 and 2048, best of five
 * after one warm-up, at libtorch's current thread count (bfloat16 on oneDNN, as a BF16 region runs it). The best rate of each dtype is the peak
 * a step's throughput is compared against.
 *
 * @param f32 best float32 GFLOP/s
 * @param bf16 best bfloat16 GFLOP/s
 * @param f32Size the n of the float32 best
 * @param bf16Size the n of the bfloat16 best
 */
record GemmPeak(double f32, double bf16, int f32Size, int bf16Size) {
  static final int[] SIZES = {1024, 2048};
  static final int REPS = 5;

  static GemmPeak measure(PrintStream out) {
    double[] best = new double[2];
    int[] at = new int[2];
    ScalarType[] types = {ScalarType.Float, ScalarType.BFloat16};
    for (int d = 0; d < 2; d++) {
      for (int n : SIZES) {
        double g = gflops(n, types[d]);
        out.printf(Locale.ROOT, "  GEMM %s n=%d: %.0f GFLOP/s%n", d == 0 ? "f32" : "bf16", n, g);
        if (g > best[d]) {
          best[d] = g;
          at[d] = n;
        }
      }
    }
    return new GemmPeak(best[0], best[1], at[0], at[1]);
  }

  /** Best-of-{@link #REPS} GFLOP/s of an n × n × n product in the given dtype. */
  static double gflops(int n, ScalarType dtype) {
    // bfloat16 GEMMs are fast only on oneDNN, which the BF16 precision turns on (Precision's Javadoc)
    try (PointerScope scope = new PointerScope();
        Precision.Kernels kernels = (dtype == ScalarType.BFloat16 ? Precision.BF16 : Precision.F32).kernels()) {
      torch.manual_seed(0);
      Tensor a = torch.randn(n, n).to(dtype); // (n, n)
      Tensor b = torch.randn(n, n).to(dtype); // (n, n)
      Tensor c = a.matmul(b); // warm-up (allocations, oneDNN primitive creation)
      double bestS = Double.MAX_VALUE;
      for (int r = 0; r < REPS; r++) {
        long t0 = System.nanoTime();
        torch.mm_out(c, a, b);
        bestS = Math.min(bestS, (System.nanoTime() - t0) / 1e9);
      }
      return 2.0 * n * n * (double) n / bestS / 1e9;
    }
  }

  double gflops(Precision p) {
    return p == Precision.BF16 ? bf16 : f32;
  }

  String markdown() {
    return String.format(Locale.ROOT,
        "Measured GEMM peak in the same process (square n × n × n products, n = 1024 and 2048, best of %d): "
            + "**float32 %.0f GFLOP/s** (n = %d), **bfloat16 %.0f GFLOP/s** (n = %d), %d threads.%n",
        REPS, f32, f32Size, bf16, bf16Size, torch.get_num_threads());
  }
}
