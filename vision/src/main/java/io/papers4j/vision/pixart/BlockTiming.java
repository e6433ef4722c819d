package io.papers4j.vision.pixart;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Forward time of one PixArt block with and without key/value compression (conv 2×2) on g × g
 * token grids: the experiment behind PixArt-Σ's claim that the saving grows with resolution.
 * Each measurement is the median of {@code reps} timed forwards after two warm-up calls, at batch
 * {@code batch}, 16 caption tokens.
 */
public final class BlockTiming {
  private BlockTiming() {}

  /** One grid: tokens N = g², keys after compression, median ms without and with compression. */
  public record Row(int grid, int tokens, int keys, double msPlain, double msCompressed) {
    public double speedup() {
      return msPlain / msCompressed;
    }
  }

  public static List<Row> measure(int[] grids, int width, int heads, int batch, int reps) {
    List<Row> rows = new ArrayList<>();
    for (int g : grids) {
      PixArtConfig c = PixArtConfig.fashionMnist().withSize(2 * g, 2, width, 1, heads);
      PixArt plain = new PixArt(c, 0, "avg");
      PixArt comp = new PixArt(c.withKv(List.of(0), "conv"), 0, "avg");
      double a, b;
      try (PointerScope s = new PointerScope();
          NoGradGuard ng = new NoGradGuard()) {
        Tensor x = torch.randn(batch, (long) g * g, width); // (B, N, C)
        Tensor t6 = torch.randn(batch, 6L * width).mul(new Scalar(0.1)); // (B, 6C)
        Tensor y = torch.randn(batch, 16, width); // (B, L, C)
        Tensor mask = torch.ones(batch, 1, 1, 16).gt(new Scalar(0.5));
        a = median(plain.block(0), x, t6, y, mask, reps);
        b = median(comp.block(0), x, t6, y, mask, reps);
      }
      int k = (g + 1) / 2;
      rows.add(new Row(g, g * g, k * k, a, b));
    }
    return rows;
  }

  private static double median(PixArt.Block block, Tensor x, Tensor t6, Tensor y, Tensor mask, int reps) {
    for (int i = 0; i < 2; i++) {
      try (PointerScope s = new PointerScope()) {
        block.forward(x, t6, y, mask);
      }
    }
    double[] ms = new double[reps];
    for (int i = 0; i < reps; i++) {
      try (PointerScope s = new PointerScope()) {
        long t0 = System.nanoTime();
        block.forward(x, t6, y, mask).sum().item_double(); // forces the computation to finish
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
    }
    java.util.Arrays.sort(ms);
    return ms[reps / 2];
  }
}
