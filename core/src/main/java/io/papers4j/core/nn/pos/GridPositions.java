package io.papers4j.core.nn.pos;

import org.bytedeco.pytorch.Tensor;

/**
 * Token coordinates for {@link GridRope}: (T, 2) float64, one row per token, the class token first
 * when present.
 *
 * <ul>
 *   <li>2D: patch (i, j) → (i·s_h, j·s_w). Unscaled 2D RoPE has s = 1; <b>AS2DRoPE</b> (paper Eq. 4)
 *       uses s = B/H, the training grid over the test grid (positional interpolation), so at the
 *       training resolution it is exactly 2D RoPE.
 *   <li>1D: patch (i, j) → (1 + i·W + j, 0), the flattened index after the class token.
 *   <li>The class token gets coordinate (0, 0), i.e. angle 0 (an identity rotation). The official
 *       code instead indexes it as −1 (x = W−1, y = −1); we record this choice in the docs.
 * </ul>
 */
public final class GridPositions {
  private GridPositions() {}

  /**
   * @param kind the rotary table the positions are for
   * @param gridH tokens per column at this resolution
   * @param gridW tokens per row
   * @param scaleH multiplier for the row coordinate (1 for 2D RoPE, B/H for AS2DRoPE)
   * @param scaleW multiplier for the column coordinate
   * @param clsToken whether a class token precedes the patches
   */
  public static Tensor of(
      GridRope.Kind kind, int gridH, int gridW, double scaleH, double scaleW, boolean clsToken) {
    int offset = clsToken ? 1 : 0;
    int t = gridH * gridW + offset;
    double[] p = new double[2 * t]; // class token stays (0, 0)
    for (int i = 0; i < gridH; i++) {
      for (int j = 0; j < gridW; j++) {
        int n = offset + i * gridW + j;
        if (kind == GridRope.Kind.ROPE_1D) {
          p[2 * n] = n;
        } else {
          p[2 * n] = i * scaleH;
          p[2 * n + 1] = j * scaleW;
        }
      }
    }
    return Tensor.create(p).view(t, 2);
  }
}
