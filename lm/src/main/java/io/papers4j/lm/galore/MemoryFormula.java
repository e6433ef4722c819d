package io.papers4j.lm.galore;

import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * Optimizer-state bytes predicted from parameter shapes alone (paper §4.2, Table 1), to check the
 * measured {@link GaLoreAdamW#stateBytes()} against:
 *
 * <ul>
 *   <li>Adam on an m × n weight: 2mn floats (two moments).
 *   <li>GaLore: r'·min(m, n) (projector) + 2·r'·max(m, n) (moments in the projected space), r' =
 *       min(r, m, n); the paper writes mr + 2nr for m ≤ n.
 *   <li>8-bit moments (≥ 4,096 elements): 1 byte per element + 4 bytes per block of 2,048; smaller
 *       ones stay float32; plus 2 × 256 float32 code-book entries once.
 *   <li>Adafactor (GaLore's settings, no β₁): a factored second moment of a × b floats' worth of
 *       statistics a + b for 2-D tensors (R's shape a × b under GaLore), n for 1-D ones.
 * </ul>
 */
public final class MemoryFormula {
  private MemoryFormula() {}

  /** Predicted optimizer-state bytes of {@code optimizer} (a name of {@link Optimizers#NAMES}). */
  public static long stateBytes(String optimizer, Map<String, Tensor> params, Optimizers.Options o) {
    String n = Optimizers.check(optimizer);
    boolean projected = Optimizers.isProjectedMethod(n);
    boolean adafactor = Optimizers.isAdafactor(n);
    boolean eightBit = n.equals("adam8bit") || n.equals("galore8bit");
    long bytes = 0;
    boolean anyInt8 = false;
    for (Map.Entry<String, Tensor> e : params.entrySet()) {
      Tensor p = e.getValue();
      if (!p.requires_grad()) continue;
      long momentNumel = p.numel();
      long[] momentShape = p.sizes().vec().get();
      if (projected && Optimizers.isProjected(e.getKey(), p.dim())) {
        long m = p.size(0), c = p.size(1);
        int rank = Optimizers.projectionRank(n, o.rank());
        long r = Math.min(rank, Math.min(m, c));
        bytes += 4 * r * Math.min(m, c); // projector
        momentNumel = r * Math.max(m, c);
        momentShape = GaLoreProjector.projectedShape(m, c, rank);
      }
      if (adafactor) {
        // factored rows + columns for 2-D, the full second moment for 1-D
        bytes += 4 * (momentShape.length == 2 ? momentShape[0] + momentShape[1] : momentNumel);
      } else if (eightBit && momentNumel >= o.min8bitSize()) {
        anyInt8 = true;
        long blocks = (momentNumel + o.blockSize() - 1) / o.blockSize();
        bytes += 2 * (momentNumel + 4 * blocks);
      } else {
        bytes += 2 * 4 * momentNumel;
      }
    }
    return bytes + (anyInt8 ? 2 * 256 * 4 : 0);
  }

  /** Σ 2mn over the weights GaLore projects: their Adam moments in full rank, in floats. */
  public static long fullRankMomentFloats(Map<String, Tensor> params) {
    long f = 0;
    for (Map.Entry<String, Tensor> e : params.entrySet()) {
      if (Optimizers.isProjected(e.getKey(), e.getValue().dim())) f += 2 * e.getValue().numel();
    }
    return f;
  }

  /** Σ (r'·min(m,n) + 2·r'·max(m,n)) over the same weights, in floats. */
  public static long galoreFloats(Map<String, Tensor> params, int rank) {
    long f = 0;
    for (Map.Entry<String, Tensor> e : params.entrySet()) {
      Tensor p = e.getValue();
      if (!Optimizers.isProjected(e.getKey(), p.dim())) continue;
      long m = p.size(0), n = p.size(1);
      long r = Math.min(rank, Math.min(m, n));
      f += r * Math.min(m, n) + 2 * r * Math.max(m, n);
    }
    return f;
  }
}
