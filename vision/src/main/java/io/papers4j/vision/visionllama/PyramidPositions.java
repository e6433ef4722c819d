package io.papers4j.vision.visionllama;

import io.papers4j.core.nn.pos.GridPositions;
import io.papers4j.core.nn.pos.GridRope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * (row, column) coordinates, (T, 2) float64, for the 2D RoPE of the pyramid's two attentions.
 *
 * <ul>
 *   <li><b>LSA</b>: local window coordinates 0 … ws−1 on both axes, the same for every window (the
 *       code never scales them).
 *   <li><b>GSA queries</b>: token (i, j) of the H×W map → (i·s_h, j·s_w).
 *   <li><b>GSA keys</b>, one per sr×sr window of the strided-conv reduction. {@code paper} (Fig. 5):
 *       the window centre, key (m, n) → (sr·m + (sr−1)/2, sr·n + (sr−1)/2); a 4×4 map with sr 2
 *       gives 0.5 and 2.5. {@code code} (official {@code GSAttention}): flat key index f, offset
 *       b = 1 − 1/sr, → (b + sr·⌊f / W⌋, b + sr·(f mod W)) with the <i>full</i> width W as the row
 *       length: the centre only for sr = 2 and only in the first reduced row; for sr = 8 on a
 *       56×56 map all 49 keys land on row 0.7. Both are then multiplied by s.
 * </ul>
 *
 * <p>The <b>1D-RoPE</b> variant (Table 12's 1D row) flattens the same coordinates row-major,
 * (y, x) → (y·W + x, 0) with W the row length of the grid they live on ({@link #flatten}): ws
 * inside an LSA window (index 0 … ws²−1, the same at every resolution), the stage's full width
 * for GSA queries and keys (a key at a window centre gets the flat index of that centre). The flat
 * index is what changes with resolution: one row down is +W, so a wider test map moves every
 * vertical neighbour to an offset the model never saw.
 */
public final class PyramidPositions {
  private PyramidPositions() {}

  /** (ws², 2): window-local coordinates, row-major. */
  public static Tensor window(int ws) {
    double[] p = new double[2 * ws * ws];
    for (int i = 0; i < ws; i++) {
      for (int j = 0; j < ws; j++) {
        p[2 * (i * ws + j)] = i;
        p[2 * (i * ws + j) + 1] = j;
      }
    }
    return Tensor.create(p).view((long) ws * ws, 2);
  }

  /**
   * (T, 2) → (T, 2): (y, x) → (y·rowLength + x, 0), the flattened index in column 0 as {@link
   * GridRope.Kind#ROPE_1D} reads it.
   */
  public static Tensor flatten(Tensor positions, int rowLength) {
    Tensor flat = positions.select(1, 0).mul(new Scalar((double) rowLength)).add(positions.select(1, 1));
    return torch.stack(new TensorVector(flat, torch.zeros_like(flat)), 1);
  }

  /** (H·W, 2): (i·s_h, j·s_w). */
  public static Tensor queries(int h, int w, double scaleH, double scaleW) {
    return GridPositions.of(GridRope.Kind.ROPE_2D, h, w, scaleH, scaleW, false);
  }

  /**
   * (⌊H/sr⌋·⌊W/sr⌋, 2) coordinates of the sub-sampled keys of an H×W map.
   *
   * @param placement "paper" (window centres) or "code" (the official code's formula)
   */
  public static Tensor keys(int h, int w, int sr, String placement, double scaleH, double scaleW) {
    int hr = h / sr;
    int wr = w / sr;
    double[] p = new double[2 * hr * wr];
    boolean paper = placement.equals("paper");
    if (!paper && !placement.equals("code")) {
      throw new IllegalArgumentException("key placement must be paper or code, got " + placement);
    }
    double centre = (sr - 1) / 2.0;
    double bias = 1.0 - 1.0 / sr;
    for (int m = 0; m < hr; m++) {
      for (int n = 0; n < wr; n++) {
        int f = m * wr + n;
        double y = paper ? sr * m + centre : bias + sr * (double) (f / w);
        double x = paper ? sr * n + centre : bias + sr * (double) (f % w);
        p[2 * f] = y * scaleH;
        p[2 * f + 1] = x * scaleW;
      }
    }
    return Tensor.create(p).view((long) hr * wr, 2);
  }
}
