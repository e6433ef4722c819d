package io.papers4j.design2code;

/**
 * The substitute image encoder, <b>not CLIP</b>: a fixed, training-free descriptor of the CLIP-
 * preprocessed image. The 224×224 input is cut into the 7×7 grid of 32-pixel patches that
 * ViT-B/32 uses; each patch contributes its per-channel mean and standard deviation (colour and
 * "ink density" of that region), 7·7·3·2 = 294 numbers. Cosine similarity of these vectors is
 * high for pages with the same coarse layout and colours and drops when regions change.
 * It carries no semantics; visual scores under it are not comparable to the paper's CLIP scores.
 */
public final class PatchStatsEncoder implements ImageEncoder {
  public static final String NAME = "patch-stats-7x7 (substitute for CLIP ViT-B/32)";
  static final int SIDE = 224, GRID = 7, PATCH = SIDE / GRID;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public float[] embed(float[] chw) {
    if (chw.length != 3 * SIDE * SIDE) throw new IllegalArgumentException("expected a (3, 224, 224) image, got " + chw.length + " values");
    float[] out = new float[GRID * GRID * 3 * 2];
    int o = 0;
    for (int gy = 0; gy < GRID; gy++) {
      for (int gx = 0; gx < GRID; gx++) {
        for (int c = 0; c < 3; c++) {
          double s = 0, s2 = 0;
          for (int y = gy * PATCH; y < (gy + 1) * PATCH; y++) {
            for (int x = gx * PATCH; x < (gx + 1) * PATCH; x++) {
              double v = chw[c * SIDE * SIDE + y * SIDE + x];
              s += v;
              s2 += v * v;
            }
          }
          int n = PATCH * PATCH;
          double mean = s / n;
          out[o++] = (float) mean;
          out[o++] = (float) Math.sqrt(Math.max(0, s2 / n - mean * mean));
        }
      }
    }
    return out;
  }
}
