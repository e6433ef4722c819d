package io.papers4j.core.optim;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A sorted 8-bit code book: the values in [-1, 1] that a block-normalised number may take.
 *
 * <p><b>Dynamic</b> (the default, after Dettmers et al. 2022, "8-bit optimizers via block-wise
 * quantization"): the magnitude axis is cut into seven decades [10^-7, 10^-6], ..., [0.1, 1]; decade
 * k (counted from the smallest, k = 0..6) holds 2^k evenly spaced points (signed map, mirrored for
 * negative numbers) or 2^(k+1) points (unsigned map). Small numbers keep their relative precision,
 * which matters for Adam's second moment: its entries span many orders of magnitude inside a block,
 * and a linear map rounds the small ones to 0, so sqrt(v) + eps collapses and the update explodes.
 * Largest rounding error: half the spacing of the top decade, 0.9/64/2 = 0.70% (signed) and
 * 0.9/128/2 = 0.35% (unsigned) of the block's absmax.
 *
 * <p><b>Linear</b>: k/127 for k = -127..127 (absmax int8), largest error 1/254 = 0.39% of absmax,
 * but relative error unbounded for small entries. Kept for the ablation in the tests and docs.
 *
 * <p>The construction is our own; bitsandbytes' {@code create_dynamic_map} builds a similar tree.
 */
public enum QuantMap {
  DYNAMIC_SIGNED,
  DYNAMIC_UNSIGNED,
  LINEAR_SIGNED;

  private static final int DECADES = 7;

  /** The code values in ascending order (at most 256 of them). */
  public float[] codes() {
    return switch (this) {
      case DYNAMIC_SIGNED -> dynamic(true);
      case DYNAMIC_UNSIGNED -> dynamic(false);
      case LINEAR_SIGNED -> linear();
    };
  }

  /** The code book as a float32 tensor (K). */
  public Tensor tensor() {
    float[] v = codes();
    Tensor t = torch.empty(v.length);
    t.data_ptr_float().put(v);
    return t;
  }

  /** Largest |x - dequant(quant(x))| for |x| ≤ 1, i.e. as a fraction of the block absmax. */
  public double maxRoundingError() {
    float[] v = codes();
    double worst = 0;
    for (int i = 1; i < v.length; i++) worst = Math.max(worst, (v[i] - v[i - 1]) / 2.0);
    worst = Math.max(worst, 1.0 - v[v.length - 1]); // x = +1 rounds down to the top code
    if (v[0] < 0) worst = Math.max(worst, 1.0 + v[0]); // x = -1 rounds up to the bottom code
    return worst;
  }

  private static float[] dynamic(boolean signed) {
    java.util.List<Float> codes = new java.util.ArrayList<>();
    codes.add(0f);
    codes.add(1f);
    for (int k = 0; k < DECADES; k++) {
      int points = signed ? 1 << k : 1 << (k + 1);
      double decade = Math.pow(10, k - (DECADES - 1)); // 1e-6 .. 1
      for (int j = 0; j < points; j++) {
        // midpoints of `points` equal cells spanning [0.1, 1] of this decade
        double frac = 0.1 + 0.9 * (j + 0.5) / points;
        codes.add((float) (decade * frac));
        if (signed) codes.add((float) (-decade * frac));
      }
    }
    float[] out = new float[codes.size()];
    for (int i = 0; i < out.length; i++) out[i] = codes.get(i);
    java.util.Arrays.sort(out);
    return out;
  }

  private static float[] linear() {
    float[] out = new float[255];
    for (int k = -127; k <= 127; k++) out[k + 127] = k / 127f;
    return out;
  }
}
