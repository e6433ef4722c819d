package io.papers4j.design2code;

import java.awt.image.BufferedImage;

/**
 * Pillow's {@code Image.resize} for RGB images with the LANCZOS (a = 3) and BICUBIC (a = −0.5)
 * filters: separable convolution, horizontal pass then vertical pass, each rounded back to 8 bits.
 * On downscaling the kernel is stretched by the scale factor (support·scale), which is what makes
 * Pillow's result anti-aliased (unlike OpenCV's INTER_LANCZOS4). For output pixel i along an axis:
 * center = (i + 0.5)·scale, weights k(x) = filter((x − center + 0.5)/max(scale, 1)) normalised to 1.
 */
public final class PilResize {
  private PilResize() {}

  public enum Filter {
    LANCZOS(3.0),
    BICUBIC(2.0);
    final double support;

    Filter(double support) {
      this.support = support;
    }

    double apply(double x) {
      if (this == LANCZOS) {
        if (x > -3.0 && x < 3.0) return sinc(x) * sinc(x / 3.0);
        return 0.0;
      }
      double a = -0.5;
      x = Math.abs(x);
      if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
      if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
      return 0.0;
    }

    private static double sinc(double x) {
      if (x == 0.0) return 1.0;
      x *= Math.PI;
      return Math.sin(x) / x;
    }
  }

  public static BufferedImage resize(BufferedImage src, int outW, int outH, Filter f) {
    int w = src.getWidth(), h = src.getHeight();
    int[][] rgb = new int[3][w * h];
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      src.getRGB(0, y, w, 1, row, 0, w);
      for (int x = 0; x < w; x++) {
        rgb[0][y * w + x] = row[x] >> 16 & 255;
        rgb[1][y * w + x] = row[x] >> 8 & 255;
        rgb[2][y * w + x] = row[x] & 255;
      }
    }
    int curW = w, curH = h;
    if (outW != w) {
      for (int c = 0; c < 3; c++) rgb[c] = pass(rgb[c], curW, curH, outW, f, true);
      curW = outW;
    }
    if (outH != h) {
      for (int c = 0; c < 3; c++) rgb[c] = pass(rgb[c], curW, curH, outH, f, false);
      curH = outH;
    }
    BufferedImage out = new BufferedImage(outW, outH, BufferedImage.TYPE_INT_RGB);
    int[] line = new int[outW];
    for (int y = 0; y < outH; y++) {
      for (int x = 0; x < outW; x++) {
        int i = y * outW + x;
        line[x] = rgb[0][i] << 16 | rgb[1][i] << 8 | rgb[2][i];
      }
      out.setRGB(0, y, outW, 1, line, 0, outW);
    }
    return out;
  }

  /** One axis: horizontal (along x) or vertical (along y). */
  private static int[] pass(int[] in, int w, int h, int outSize, Filter f, boolean horizontal) {
    int inSize = horizontal ? w : h;
    double scale = (double) inSize / outSize;
    double filterScale = Math.max(scale, 1.0);
    double support = f.support * filterScale;
    int[] out = horizontal ? new int[outSize * h] : new int[w * outSize];
    for (int o = 0; o < outSize; o++) {
      double center = (o + 0.5) * scale;
      int xmin = Math.max((int) (center - support + 0.5), 0);
      int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
      double[] k = new double[xmax];
      double ww = 0;
      for (int x = 0; x < xmax; x++) {
        k[x] = f.apply((x + xmin - center + 0.5) / filterScale);
        ww += k[x];
      }
      if (ww != 0) for (int x = 0; x < xmax; x++) k[x] /= ww;
      int lines = horizontal ? h : w;
      for (int l = 0; l < lines; l++) {
        double s = 0;
        for (int x = 0; x < xmax; x++) {
          int idx = horizontal ? l * w + (xmin + x) : (xmin + x) * w + l;
          s += in[idx] * k[x];
        }
        int v = (int) Math.round(s);
        v = v < 0 ? 0 : Math.min(v, 255);
        if (horizontal) out[l * outSize + o] = v;
        else out[o * w + l] = v;
      }
    }
    return out;
  }
}
