package io.papers4j.vision.iwm;

import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
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

  /**
   * A crop box in pixels and whether the crop is mirrored left-right: step 1 of spec 2(b), applied to
   * the image before either view is made, so both views share it.
   */
  public record Crop(int top, int left, int height, int width, boolean flip) {}

  /** I-JEPA's RandomResizedCrop scale range (0.3, 1.0); torchvision's default aspect range (3/4, 4/3). */
  public static final double CROP_MIN_SCALE = 0.3;

  /**
   * torchvision's {@code RandomResizedCrop.get_params} with scale (minScale, 1) and aspect ratio
   * (3/4, 4/3): ten tries at a box of that area and log-uniform aspect that fits, else the central
   * crop; then a left-right flip with p = 0.5 ({@code RandomHorizontalFlip}).
   */
  public static Crop sampleCrop(int height, int width, double minScale, Random rng) {
    if (!(minScale > 0 && minScale <= 1)) throw new IllegalArgumentException("crop scale must be in (0, 1], got " + minScale);
    double area = (double) height * width, logLo = Math.log(3.0 / 4), logHi = Math.log(4.0 / 3);
    Crop box = null;
    for (int attempt = 0; attempt < 10 && box == null; attempt++) {
      double target = area * (minScale + (1 - minScale) * rng.nextDouble());
      double aspect = Math.exp(logLo + (logHi - logLo) * rng.nextDouble());
      int w = (int) Math.round(Math.sqrt(target * aspect)), h = (int) Math.round(Math.sqrt(target / aspect));
      if (w > 0 && w <= width && h > 0 && h <= height) box = new Crop(rng.nextInt(height - h + 1), rng.nextInt(width - w + 1), h, w, false);
    }
    if (box == null) {
      double inRatio = (double) width / height;
      int w = width, h = height;
      if (inRatio < 3.0 / 4) h = (int) Math.round(w / (3.0 / 4));
      else if (inRatio > 4.0 / 3) w = (int) Math.round(h * (4.0 / 3));
      box = new Crop((height - h) / 2, (width - w) / 2, h, w, false);
    }
    return new Crop(box.top(), box.left(), box.height(), box.width(), rng.nextDouble() < 0.5);
  }

  /**
   * One image (3, H, W) cropped to the box, resized back to (3, H, W) bilinearly (half-pixel
   * centres, no antialiasing: torchvision's {@code resized_crop} on tensors) and flipped if asked.
   */
  public static Tensor resizedCrop(Tensor image, Crop c) {
    long h = image.size(1), w = image.size(2);
    Tensor box = image.narrow(1, c.top(), c.height()).narrow(2, c.left(), c.width()).unsqueeze(0); // (1, 3, h', w')
    Tensor out = torch.upsample_bilinear2d(box, new long[] {h, w}, false).squeeze(0); // (3, H, W)
    return c.flip() ? out.flip(new long[] {2}) : out;
  }

  /** An independent random resized crop and flip per image of (B, 3, H, W). */
  public static Tensor cropAndFlip(Tensor images, double minScale, Random rng) {
    int b = (int) images.size(0), h = (int) images.size(2), w = (int) images.size(3);
    Tensor[] out = new Tensor[b];
    for (int i = 0; i < b; i++) out[i] = resizedCrop(images.select(0, i), sampleCrop(h, w, minScale, rng));
    return torch.stack(new TensorVector(out)); // (B, 3, H, W)
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
