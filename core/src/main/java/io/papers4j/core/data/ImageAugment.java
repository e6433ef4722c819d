package io.papers4j.core.data;

import java.util.Random;

/**
 * The standard light augmentation for small grayscale images: a random crop of the image padded
 * by {@code pad} zero pixels on each side (i.e. a random shift by −pad … pad in each axis) and a
 * horizontal flip with probability ½. Works on raw bytes so that augmentation costs no tensor ops.
 */
public final class ImageAugment {
  private ImageAugment() {}

  /**
   * Writes into {@code out} (at {@code outOffset}) the augmented copy of the {@code size}×{@code
   * size} image at {@code src[srcOffset …]}.
   */
  public static void cropFlip(
      byte[] src, int srcOffset, byte[] out, int outOffset, int size, int pad, Random rng) {
    int dy = pad == 0 ? 0 : rng.nextInt(2 * pad + 1) - pad;
    int dx = pad == 0 ? 0 : rng.nextInt(2 * pad + 1) - pad;
    boolean flip = rng.nextBoolean();
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int sy = y + dy;
        int sx0 = x + dx;
        int sx = flip ? size - 1 - sx0 : sx0;
        byte v = 0; // zero padding (black, the background of Fashion-MNIST)
        if (sy >= 0 && sy < size && sx0 >= 0 && sx0 < size) v = src[srcOffset + sy * size + sx];
        out[outOffset + y * size + x] = v;
      }
    }
  }
}
