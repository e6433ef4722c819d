package io.papers4j.vision.iwm;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * The photometric transforms of IWM (spec 2(b), 2(e)) with torchvision's tensor definitions
 * ({@code torchvision.transforms.functional_tensor}), batched with one parameter per image.
 * Images are float (B, 3, H, W) in [0, 1]; parameters are float (B) tensors.
 *
 * <pre>blend(a, b, r)   = clamp(r·a + (1 − r)·b, 0, 1)
 * gray(x)          = 0.2989·R + 0.587·G + 0.114·B            (torchvision's weights)
 * brightness(x, f) = blend(x, 0, f)
 * contrast(x, f)   = blend(x, mean(gray(x)), f)              (mean over the whole image)
 * saturation(x, f) = blend(x, gray(x), f)
 * hue(x, h)        = hsv→rgb((H + h) mod 1, S, V)            (h ∈ [−0.5, 0.5])
 * grayscale(x)     = gray(x) repeated on 3 channels
 * blur(x, σ)       = separable Gaussian, kernel k, reflect padding k/2
 * solarize(x, t)   = x ≥ t ? 1 − x : x</pre>
 */
public final class Photometric {
  /** torchvision's luma weights in {@code rgb_to_grayscale}. */
  public static final double[] LUMA = {0.2989, 0.587, 0.114};

  private Photometric() {}

  private static Tensor per(Tensor f) {
    return f.view(-1, 1, 1, 1); // (B, 1, 1, 1)
  }

  private static Tensor blend(Tensor a, Tensor b, Tensor ratio) {
    Tensor r = per(ratio);
    return torch.clamp(a.mul(r).add(b.mul(r.neg().add(new Scalar(1.0)))), new org.bytedeco.pytorch.ScalarOptional(new Scalar(0.0)),
        new org.bytedeco.pytorch.ScalarOptional(new Scalar(1.0)));
  }

  /** (B, 3, H, W) → (B, 1, H, W) luma. */
  public static Tensor gray(Tensor x) {
    Tensor r = x.select(1, 0), g = x.select(1, 1), b = x.select(1, 2);
    return r.mul(new Scalar(LUMA[0])).add(g.mul(new Scalar(LUMA[1]))).add(b.mul(new Scalar(LUMA[2]))).unsqueeze(1);
  }

  public static Tensor brightness(Tensor x, Tensor factor) {
    return blend(x, torch.zeros_like(x), factor);
  }

  public static Tensor contrast(Tensor x, Tensor factor) {
    Tensor mean = gray(x).mean(new long[] {1, 2, 3}, true, new org.bytedeco.pytorch.ScalarTypeOptional()); // (B, 1, 1, 1)
    return blend(x, mean, factor);
  }

  public static Tensor saturation(Tensor x, Tensor factor) {
    return blend(x, gray(x), factor);
  }

  public static Tensor grayscale(Tensor x) {
    return gray(x).expand(x.sizes().vec().get()).contiguous();
  }

  /** Grayscale where {@code flag} (B) is 1, unchanged where it is 0. */
  public static Tensor grayscaleWhere(Tensor x, Tensor flag) {
    Tensor f = per(flag);
    return grayscale(x).mul(f).add(x.mul(f.neg().add(new Scalar(1.0))));
  }

  public static Tensor solarize(Tensor x, double threshold) {
    return torch.where(x.ge(new Scalar(threshold)), x.neg().add(new Scalar(1.0)), x);
  }

  /** Solarised where {@code flag} (B) is 1. */
  public static Tensor solarizeWhere(Tensor x, Tensor flag, double threshold) {
    Tensor f = per(flag);
    return solarize(x, threshold).mul(f).add(x.mul(f.neg().add(new Scalar(1.0))));
  }

  /** Hue rotation by {@code factor} (B) turns, torchvision's {@code adjust_hue} on float images. */
  public static Tensor hue(Tensor x, Tensor factor) {
    Tensor[] hsv = rgbToHsv(x);
    Tensor h = torch.remainder(hsv[0].add(per(factor).squeeze(1)), new Scalar(1.0)); // (B, H, W)
    return hsvToRgb(h, hsv[1], hsv[2]);
  }

  /** (B, 3, H, W) → {H, S, V}, each (B, H, W); torchvision's {@code _rgb2hsv}. */
  static Tensor[] rgbToHsv(Tensor x) {
    Tensor r = x.select(1, 0), g = x.select(1, 1), b = x.select(1, 2);
    Tensor maxc = x.amax(new long[] {1}, false);
    Tensor minc = x.amin(new long[] {1}, false);
    Tensor eqc = maxc.eq(minc);
    Tensor cr = maxc.sub(minc);
    Tensor ones = torch.ones_like(maxc);
    Tensor s = cr.div(torch.where(eqc, ones, maxc));
    Tensor crd = torch.where(eqc, ones, cr);
    Tensor rc = maxc.sub(r).div(crd);
    Tensor gc = maxc.sub(g).div(crd);
    Tensor bc = maxc.sub(b).div(crd);
    Tensor isR = maxc.eq(r);
    Tensor isG = maxc.eq(g).logical_and(isR.logical_not());
    Tensor isB = maxc.ne(g).logical_and(isR.logical_not());
    Tensor hr = isR.to(x.scalar_type()).mul(bc.sub(gc));
    Tensor hg = isG.to(x.scalar_type()).mul(rc.sub(bc).add(new Scalar(2.0)));
    Tensor hb = isB.to(x.scalar_type()).mul(gc.sub(rc).add(new Scalar(4.0)));
    Tensor h = torch.fmod(hr.add(hg).add(hb).div(new Scalar(6.0)).add(new Scalar(1.0)), new Scalar(1.0));
    return new Tensor[] {h, s, maxc};
  }

  /** H, S, V (B, H, W) → (B, 3, H, W); torchvision's {@code _hsv2rgb}. */
  static Tensor hsvToRgb(Tensor h, Tensor s, Tensor v) {
    Tensor h6 = h.mul(new Scalar(6.0));
    Tensor i = torch.floor(h6);
    Tensor f = h6.sub(i);
    Scalar zero = new Scalar(0.0), one = new Scalar(1.0);
    var lo = new org.bytedeco.pytorch.ScalarOptional(zero);
    var hi = new org.bytedeco.pytorch.ScalarOptional(one);
    Tensor p = torch.clamp(v.mul(s.neg().add(one)), lo, hi);
    Tensor q = torch.clamp(v.mul(s.mul(f).neg().add(one)), lo, hi);
    Tensor t = torch.clamp(v.mul(s.mul(f.neg().add(one)).neg().add(one)), lo, hi);
    Tensor sector = torch.remainder(i, new Scalar(6.0)); // (B, H, W) in {0..5}
    Tensor[][] rgb = {{v, q, p, p, t, v}, {t, v, v, q, p, p}, {p, p, t, v, v, q}};
    Tensor[] out = new Tensor[3];
    for (int c = 0; c < 3; c++) {
      Tensor acc = torch.zeros_like(v);
      for (int k = 0; k < 6; k++) {
        acc = torch.where(sector.eq(new Scalar((double) k)), rgb[c][k], acc);
      }
      out[c] = acc;
    }
    return torch.stack(new org.bytedeco.pytorch.TensorVector(out[0], out[1], out[2]), 1);
  }

  /** torchvision's 1D kernel: exp(−x²/2σ²) on x = −(k−1)/2 … (k−1)/2, normalised; (B, k) for σ (B). */
  public static Tensor gaussianKernel1d(Tensor sigma, int k) {
    Tensor xs = torch.linspace(new Scalar(-(k - 1) / 2.0), new Scalar((k - 1) / 2.0), k,
        new org.bytedeco.pytorch.TensorOptions().dtype(new org.bytedeco.pytorch.ScalarTypeOptional(sigma.scalar_type())));
    Tensor z = xs.unsqueeze(0).div(sigma.view(-1, 1)); // (B, k)
    Tensor pdf = torch.exp(z.pow(new Scalar(2.0)).mul(new Scalar(-0.5)));
    return pdf.div(pdf.sum(new long[] {1}, true, new org.bytedeco.pytorch.ScalarTypeOptional()));
  }

  /**
   * Gaussian blur with σ (B) per image, odd kernel {@code k}, reflect padding k/2 (torchvision's
   * {@code gaussian_blur}); a σ ≤ 0 leaves the image unchanged.
   */
  public static Tensor blur(Tensor x, Tensor sigma, int k) {
    if (k < 1 || k % 2 == 0) throw new IllegalArgumentException("blur kernel size must be odd and positive, got " + k);
    long b = x.size(0), c = x.size(1), hh = x.size(2), ww = x.size(3);
    Tensor safe = torch.clamp_min(sigma, new Scalar(1e-6));
    Tensor k1 = gaussianKernel1d(safe, k); // (B, k)
    Tensor kernel2d = k1.unsqueeze(2).mul(k1.unsqueeze(1)); // (B, k, k): outer(ky, kx)
    Tensor weight = kernel2d.unsqueeze(1).repeat_interleave(c, new org.bytedeco.pytorch.LongOptional(0), new org.bytedeco.pytorch.LongOptional()); // (B·C, 1, k, k)
    int pad = k / 2;
    Tensor padded = torch.reflection_pad2d(x.reshape(1, b * c, hh, ww), new long[] {pad, pad, pad, pad});
    Tensor out = torch.conv2d(padded, weight, new TensorOptional(), new long[] {1, 1}, new long[] {0, 0},
        new long[] {1, 1}, b * c).view(b, c, hh, ww);
    Tensor apply = per(sigma.gt(new Scalar(0.0)).to(x.scalar_type()));
    return out.mul(apply).add(x.mul(apply.neg().add(new Scalar(1.0))));
  }
}
