package io.papers4j.core.optim;

/**
 * Plain-Java, double-precision Adam updates written from the formulas (PyTorch's AdamW
 * documentation and Hugging Face's {@code AdamW.step}), the naive twin the tensor versions are
 * tested against.
 */
final class AdamReference {
  final double[] p;
  final double[] m;
  final double[] v;
  int t;

  AdamReference(double[] p0) {
    p = p0.clone();
    m = new double[p0.length];
    v = new double[p0.length];
  }

  /** torch.optim.AdamW: decay first, then the bias-corrected Adam step. */
  void torchStep(double[] g, double lr, double b1, double b2, double eps, double wd) {
    t++;
    for (int i = 0; i < p.length; i++) {
      p[i] *= 1 - lr * wd;
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      double mHat = m[i] / (1 - Math.pow(b1, t));
      double vHat = v[i] / (1 - Math.pow(b2, t));
      p[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
    }
  }

  /** transformers AdamW (correct_bias=True): eps on raw sqrt(v), decay after the update. */
  void hfStep(double[] g, double lr, double b1, double b2, double eps, double wd) {
    t++;
    double stepSize = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
    for (int i = 0; i < p.length; i++) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      p[i] -= stepSize * m[i] / (Math.sqrt(v[i]) + eps);
      p[i] -= lr * wd * p[i];
    }
  }
}
