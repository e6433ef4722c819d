package io.papers4j.core.nn.vision;

import java.util.Arrays;
import org.bytedeco.pytorch.Tensor;

/** The input checks every image model makes, with one wording for their messages. */
public final class ImageShapes {
  private ImageShapes() {}

  /** Fails unless {@code images} is (B, channels, H, W). */
  public static void requireImages(Tensor images, int channels) {
    if (images.dim() != 4 || images.size(1) != channels) {
      throw new IllegalArgumentException(
          "images must be (B, " + channels + ", H, W), got " + Arrays.toString(images.shape()));
    }
  }

  /**
   * Fails unless {@code images} is (B, channels, H, W) with H and W multiples of {@code patch};
   * returns the token grid {H/p, W/p}.
   */
  public static int[] patchGrid(Tensor images, int channels, int patch) {
    requireImages(images, channels);
    long h = images.size(2);
    long w = images.size(3);
    if (h % patch != 0 || w % patch != 0) {
      throw new IllegalArgumentException("image size " + h + "×" + w + " is not a multiple of the patch size " + patch);
    }
    return new int[] {(int) (h / patch), (int) (w / patch)};
  }
}
