package io.papers4j.vision.iwm;

import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * IWM's views and actions (spec 2(b) steps 2-5). From one image I: target y = Jitter_y(I), source
 * x = Destroy(Jitter_x(I)), and the action
 *
 * <pre>a = [b_y − b_x, c_y − c_x, s_y − s_x, h_y − h_x, grayscale_x, blur_x, solarize_x]   (7 scalars)</pre>
 *
 * Jitter (p = 0.8; identity parameters 1, 1, 1, 0 otherwise): brightness, contrast ∈ [0.6, 1.4],
 * saturation ∈ [0.8, 1.2], hue ∈ [−0.1, 0.1], applied in this fixed order (torchvision permutes
 * the order at random; a fixed order keeps the action well defined). Destructive (source only):
 * grayscale p 0.2, blur p 0.2 with σ ∈ [0.1, 2] (kernel 9), solarize p 0.2 at 0.5.
 */
public final class Actions {
  public static final int DIM = 7;
  public static final int BLUR_KERNEL = 9;

  /** One batch of views: source x (B, 3, H, W), target y (B, 3, H, W), action (B, 7). */
  public record Views(Tensor source, Tensor target, Tensor action) {}

  private Actions() {}

  /** Jitter parameters (B, 4): brightness, contrast, saturation, hue. */
  public static float[][] sampleJitter(int b, Random rng, double p) {
    float[][] j = new float[b][4];
    for (int i = 0; i < b; i++) {
      if (rng.nextDouble() < p) {
        j[i][0] = (float) (0.6 + 0.8 * rng.nextDouble());
        j[i][1] = (float) (0.6 + 0.8 * rng.nextDouble());
        j[i][2] = (float) (0.8 + 0.4 * rng.nextDouble());
        j[i][3] = (float) (-0.1 + 0.2 * rng.nextDouble());
      } else {
        j[i] = new float[] {1, 1, 1, 0};
      }
    }
    return j;
  }

  /** Applies jitter parameters (B, 4) in the order brightness, contrast, saturation, hue. */
  public static Tensor jitter(Tensor x, float[][] j) {
    x = Photometric.brightness(x, column(j, 0));
    x = Photometric.contrast(x, column(j, 1));
    x = Photometric.saturation(x, column(j, 2));
    return Photometric.hue(x, column(j, 3));
  }

  /** Destructive flags and blur σ (B, 4): grayscale, blur, solarize flags and σ. */
  public static float[][] sampleDestroy(int b, Random rng, boolean destructive) {
    float[][] d = new float[b][4];
    if (!destructive) return d;
    for (int i = 0; i < b; i++) {
      d[i][0] = rng.nextDouble() < 0.2 ? 1 : 0;
      d[i][1] = rng.nextDouble() < 0.2 ? 1 : 0;
      d[i][2] = rng.nextDouble() < 0.2 ? 1 : 0;
      d[i][3] = d[i][1] > 0 ? (float) (0.1 + 1.9 * rng.nextDouble()) : 0f;
    }
    return d;
  }

  public static Tensor destroy(Tensor x, float[][] d) {
    x = Photometric.grayscaleWhere(x, column(d, 0));
    x = Photometric.blur(x, column(d, 3), BLUR_KERNEL);
    return Photometric.solarizeWhere(x, column(d, 2), 0.5);
  }

  /** The action vectors (B, 7) for target jitter jy, source jitter jx and destructive flags d. */
  public static Tensor action(float[][] jy, float[][] jx, float[][] d) {
    int b = jy.length;
    float[] a = new float[b * DIM];
    for (int i = 0; i < b; i++) {
      for (int k = 0; k < 4; k++) a[i * DIM + k] = jy[i][k] - jx[i][k];
      for (int k = 0; k < 3; k++) a[i * DIM + 4 + k] = d[i][k];
    }
    return torch.tensor(a).view(b, DIM);
  }

  /** Samples source, target and action for a batch of clean images (B, 3, H, W). */
  public static Views sample(Tensor images, Random rng, boolean destructive) {
    int b = (int) images.size(0);
    float[][] jy = sampleJitter(b, rng, 0.8), jx = sampleJitter(b, rng, 0.8);
    float[][] d = sampleDestroy(b, rng, destructive);
    return new Views(destroy(jitter(images, jx), d), jitter(images, jy), action(jy, jx, d));
  }

  static Tensor column(float[][] m, int c) {
    float[] v = new float[m.length];
    for (int i = 0; i < m.length; i++) v[i] = m[i][c];
    return torch.tensor(v);
  }
}
