package io.papers4j.multimodal.infimm;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * InfiMM-HD's high-resolution input: pad the image to a square with the mean colour, resize it to
 * n·tile with n = clamp(⌈S / tile⌉, 1, maxGrid), cut n×n non-overlapping tiles (row-major), and add a
 * tile×tile thumbnail of the whole padded image. Tiles carry their (row, col) for the 2-D position
 * embedding ({@link #positionEmbedding}).
 */
public final class Tiling {
  /** tiles (n², 3, t, t) row-major, thumbnail (3, t, t), grid n. */
  public record Tiles(Tensor tiles, Tensor thumbnail, int grid) {
    public int row(int i) {
      return i / grid;
    }

    public int col(int i) {
      return i % grid;
    }
  }

  private Tiling() {}

  /** The grid side for a square of side s: clamp(⌈s / tile⌉, 1, maxGrid). */
  public static int grid(int side, int tile, int maxGrid) {
    return Math.max(1, Math.min(maxGrid, (side + tile - 1) / tile));
  }

  /** image (3, H, W) in [0, 1] → square (3, S, S), S = max(H, W), padded with each channel's mean. */
  public static Tensor padToSquare(Tensor image) {
    long h = image.size(1), w = image.size(2), s = Math.max(h, w);
    if (h == w) return image;
    Tensor mean = image.mean(new long[] {1, 2}, true, new org.bytedeco.pytorch.ScalarTypeOptional()); // (3, 1, 1)
    Tensor out = mean.expand(3, s, s).clone();
    out.narrow(1, (s - h) / 2, h).narrow(2, (s - w) / 2, w).copy_(image);
    return out;
  }

  /**
   * Square (3, S, S) resized to (3, side, side): shrunk by averaging each output pixel's area, enlarged
   * bilinearly. Bilinear shrinking (no antialiasing) reads only the 2×2 source pixels nearest each output
   * pixel, so a 96 → 16 px shrink ignores 8 of every 9 pixels and drops a small shape altogether.
   */
  public static Tensor resize(Tensor square, int side) {
    if (square.size(1) == side && square.size(2) == side) return square;
    if (side < square.size(1)) return torch.adaptive_avg_pool2d(square.unsqueeze(0), new long[] {side, side}).squeeze(0);
    return torch.upsample_bilinear2d(square.unsqueeze(0), new long[] {side, side}, false).squeeze(0);
  }

  /** image (3, H, W) → tiles of a dynamic n×n grid plus the thumbnail. */
  public static Tiles split(Tensor image, int tile, int maxGrid) {
    if (image.dim() != 3 || image.size(0) != 3) {
      throw new IllegalArgumentException("tiling expects an RGB image (3, H, W), got " + java.util.Arrays.toString(image.shape()));
    }
    Tensor square = padToSquare(image);
    int n = grid((int) square.size(1), tile, maxGrid);
    Tensor big = resize(square, n * tile); // (3, n·t, n·t)
    Tensor tiles = big.view(3, n, tile, n, tile).permute(1, 3, 0, 2, 4).reshape(n * n, 3, tile, tile); // (n², 3, t, t)
    return new Tiles(tiles, resize(square, tile), n);
  }

  /**
   * The 2-D sinusoidal embedding of grid cell (row, col) (Wang and Liu 2021): the first C/2 channels
   * encode the row, the last C/2 the column, each as [sin(p·ω_k), cos(p·ω_k)] with ω_k = 10000^(−2k/(C/2)).
   * Returns (C); C must be a multiple of 4.
   */
  public static Tensor positionEmbedding(int row, int col, int dim) {
    if (dim % 4 != 0) throw new IllegalArgumentException("2-D position embedding width must be a multiple of 4, got " + dim);
    float[] e = new float[dim];
    int half = dim / 2, quarter = dim / 4;
    for (int k = 0; k < quarter; k++) {
      double omega = Math.pow(10000, -2.0 * k / half);
      e[k] = (float) Math.sin(row * omega);
      e[quarter + k] = (float) Math.cos(row * omega);
      e[half + k] = (float) Math.sin(col * omega);
      e[half + quarter + k] = (float) Math.cos(col * omega);
    }
    return Tensor.create(e);
  }

}
