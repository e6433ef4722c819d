package io.papers4j.vision.tryon;

import io.papers4j.vision.gen.EvalClassifier;
import java.util.List;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The paired metrics of spec §5(e), on images (B, 3, S, S) in [0, 1] against the ground truth:
 *
 * <ul>
 *   <li><b>SSIM</b> (Wang et al. 2004): 11×11 Gaussian window, σ = 1.5, C₁ = 0.01², C₂ = 0.03² (data
 *       range 1), zero padding, per channel; the SSIM map averaged over the masked pixels.
 *   <li><b>LPIPS-proxy</b>: not LPIPS (no AlexNet/VGG, no learned layer weights): the features of
 *       the two convolutions of the garment-texture classifier trained here, each unit-normalised
 *       over channels at every pixel, squared differences summed over channels and averaged over
 *       pixels, summed over the two layers (0 = identical).
 *   <li><b>Texture fidelity</b>: the normalised cross-correlation between the generated and the
 *       true garment pixels (the garment region, each channel centred), per image, averaged; 1 for
 *       an exact (or affinely rescaled) texture, about 0 for a right mean colour with a wrong pattern,
 *       negative for stripes shifted by half a period.
 * </ul>
 */
public final class TryOnMetrics {
  private TryOnMetrics() {}

  /** Mean SSIM over the pixels where mask = 1, per image, then over images. */
  public static double ssim(Tensor x, Tensor y, Tensor mask) {
    double[] per = ssimPerImage(x, y, mask);
    double s = 0;
    for (double v : per) s += v;
    return s / per.length;
  }

  public static double[] ssimPerImage(Tensor x, Tensor y, Tensor mask) {
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor a = x.to(torch.ScalarType.Double), b = y.to(torch.ScalarType.Double);
      long c = a.size(1);
      Tensor w = gaussianWindow(11, 1.5).repeat(c, 1, 1, 1); // (C, 1, 11, 11)
      Tensor mx = blur(a, w, c), my = blur(b, w, c); // (B, C, S, S)
      Tensor sxx = blur(a.mul(a), w, c).sub(mx.mul(mx)), syy = blur(b.mul(b), w, c).sub(my.mul(my));
      Tensor sxy = blur(a.mul(b), w, c).sub(mx.mul(my));
      double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
      Tensor num = mx.mul(my).mul(new Scalar(2)).add(new Scalar(c1)).mul(sxy.mul(new Scalar(2)).add(new Scalar(c2)));
      Tensor den = mx.mul(mx).add(my.mul(my)).add(new Scalar(c1)).mul(sxx.add(syy).add(new Scalar(c2)));
      Tensor map = num.div(den).mean(new long[] {1}, true, new org.bytedeco.pytorch.ScalarTypeOptional()); // (B, 1, S, S)
      return maskedMeans(map, mask.to(torch.ScalarType.Double));
    }
  }

  /** Normalised cross-correlation of the garment pixels (region = 1), per image, averaged over images with a textured truth. */
  public static double textureFidelity(Tensor x, Tensor truth, Tensor region) {
    double[] per = textureFidelityPerImage(x, truth, region);
    double s = 0;
    int n = 0;
    for (double v : per) {
      if (Double.isNaN(v)) continue;
      s += v;
      n++;
    }
    return n == 0 ? Double.NaN : s / n;
  }

  /** NaN for an image whose true garment pixels are all one colour (no texture to match) or fewer than 4. */
  public static double[] textureFidelityPerImage(Tensor x, Tensor truth, Tensor region) {
    long b = x.size(0);
    double[] out = new double[(int) b];
    Tensor xd = x.to(torch.ScalarType.Double).contiguous(), td = truth.to(torch.ScalarType.Double).contiguous();
    Tensor rd = region.to(torch.ScalarType.Double).contiguous();
    int c = (int) x.size(1), px = (int) (x.size(2) * x.size(3));
    double[] xa = new double[(int) (b * c * px)], ta = new double[xa.length], ra = new double[(int) (b * px)];
    xd.data_ptr_double().get(xa);
    td.data_ptr_double().get(ta);
    rd.data_ptr_double().get(ra);
    for (int i = 0; i < b; i++) {
      int count = 0;
      for (int p = 0; p < px; p++) if (ra[i * px + p] > 0.5) count++;
      if (count < 4) {
        out[i] = Double.NaN;
        continue;
      }
      double sxy = 0, sxx = 0, syy = 0;
      for (int ch = 0; ch < c; ch++) {
        double mx = 0, my = 0;
        int base = (i * c + ch) * px;
        for (int p = 0; p < px; p++) {
          if (ra[i * px + p] <= 0.5) continue;
          mx += xa[base + p];
          my += ta[base + p];
        }
        mx /= count;
        my /= count;
        for (int p = 0; p < px; p++) {
          if (ra[i * px + p] <= 0.5) continue;
          double dx = xa[base + p] - mx, dy = ta[base + p] - my;
          sxy += dx * dy;
          sxx += dx * dx;
          syy += dy * dy;
        }
      }
      out[i] = syy < 1e-9 ? Double.NaN : sxx < 1e-12 ? 0.0 : sxy / Math.sqrt(sxx * syy);
    }
    return out;
  }

  /** LPIPS-proxy in the classifier's conv features, averaged over images. */
  public static double perceptualDistance(EvalClassifier net, Tensor x, Tensor y) {
    try (NoGradGuard g = new NoGradGuard()) {
      List<Tensor> fx = net.convFeatures(x), fy = net.convFeatures(y);
      double total = 0;
      for (int k = 0; k < fx.size(); k++) {
        Tensor a = unit(fx.get(k)), b = unit(fy.get(k)); // (B, C, S, S)
        total += a.sub(b).pow(new Scalar(2)).sum(new long[] {1}, false, new org.bytedeco.pytorch.ScalarTypeOptional()).mean().item_double();
      }
      return total;
    }
  }

  private static Tensor unit(Tensor f) {
    Tensor norm = f.pow(new Scalar(2)).sum(new long[] {1}, true, new org.bytedeco.pytorch.ScalarTypeOptional()).sqrt().add(new Scalar(1e-10));
    return f.div(norm);
  }

  static Tensor gaussianWindow(int size, double sigma) {
    double[] g = new double[size];
    double s = 0;
    for (int i = 0; i < size; i++) {
      double d = i - (size - 1) / 2.0;
      g[i] = Math.exp(-d * d / (2 * sigma * sigma));
      s += g[i];
    }
    double[] w = new double[size * size];
    for (int i = 0; i < size; i++) for (int j = 0; j < size; j++) w[i * size + j] = g[i] * g[j] / (s * s);
    return Tensor.create(w, 1, 1, size, size).clone();
  }

  private static Tensor blur(Tensor x, Tensor w, long groups) {
    return torch.conv2d(x, w, new org.bytedeco.pytorch.TensorOptional(), new long[] {1, 1}, new long[] {5, 5}, new long[] {1, 1}, groups);
  }

  private static double[] maskedMeans(Tensor map, Tensor mask) {
    Tensor num = map.mul(mask).sum(new long[] {1, 2, 3}, false, new org.bytedeco.pytorch.ScalarTypeOptional()); // (B)
    Tensor den = mask.sum(new long[] {1, 2, 3}, false, new org.bytedeco.pytorch.ScalarTypeOptional()).clamp_min(new Scalar(1));
    Tensor r = num.div(den).contiguous();
    double[] out = new double[(int) r.size(0)];
    r.data_ptr_double().get(out);
    return out;
  }
}
