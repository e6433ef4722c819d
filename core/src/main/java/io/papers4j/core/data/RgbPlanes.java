package io.papers4j.core.data;

import java.awt.image.BufferedImage;

/**
 * A {@link BufferedImage}'s colour as the (3, H, W) channel planes every image model here reads:
 * red, then green, then blue, each row-major, values {@code byte / 255} in [0, 1]. Alpha is ignored
 * (the pixel's stored colour is taken), so callers that need a background draw onto it first.
 */
public final class RgbPlanes {
  private RgbPlanes() {}

  /** Writes the image's three planes into {@code dst} from {@code offset} (3·H·W values). */
  public static void copy(BufferedImage img, float[] dst, int offset) {
    int w = img.getWidth(), h = img.getHeight(), plane = w * h;
    if (offset < 0 || offset + 3L * plane > dst.length) {
      throw new IllegalArgumentException("a " + w + "x" + h + " image needs " + 3L * plane + " values from offset " + offset + ", but the array holds " + dst.length);
    }
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      img.getRGB(0, y, w, 1, row, 0, w);
      int at = offset + y * w;
      for (int x = 0; x < w; x++) {
        int rgb = row[x];
        dst[at + x] = ((rgb >> 16) & 255) / 255f;
        dst[at + plane + x] = ((rgb >> 8) & 255) / 255f;
        dst[at + 2 * plane + x] = (rgb & 255) / 255f;
      }
    }
  }

  /** The image's three planes in a new array of 3·H·W values. */
  public static float[] of(BufferedImage img) {
    float[] out = new float[3 * img.getWidth() * img.getHeight()];
    copy(img, out, 0);
    return out;
  }
}
