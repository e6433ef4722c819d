package io.papers4j.speech.audio;

/** In-place discrete Fourier transform: radix-2 for powers of two, a direct O(n²) sum otherwise. */
final class Fft {
  private Fft() {}

  /** X[k] = Σ x[n] e^{-2πikn/N}; {@code inverse} uses e^{+…} and divides by N. */
  static void transform(double[] re, double[] im, boolean inverse) {
    int n = re.length;
    if (Integer.bitCount(n) != 1) {
      direct(re, im, inverse);
      return;
    }
    for (int i = 1, j = 0; i < n; i++) { // bit reversal
      int bit = n >> 1;
      for (; (j & bit) != 0; bit >>= 1) j ^= bit;
      j ^= bit;
      if (i < j) {
        double t = re[i]; re[i] = re[j]; re[j] = t;
        t = im[i]; im[i] = im[j]; im[j] = t;
      }
    }
    double sign = inverse ? 1 : -1;
    for (int len = 2; len <= n; len <<= 1) {
      double ang = sign * 2 * Math.PI / len;
      for (int i = 0; i < n; i += len) {
        for (int k = 0; k < len / 2; k++) {
          double wr = Math.cos(ang * k), wi = Math.sin(ang * k);
          int a = i + k, b = a + len / 2;
          double xr = re[b] * wr - im[b] * wi, xi = re[b] * wi + im[b] * wr;
          re[b] = re[a] - xr; im[b] = im[a] - xi;
          re[a] += xr; im[a] += xi;
        }
      }
    }
    if (inverse) for (int i = 0; i < n; i++) { re[i] /= n; im[i] /= n; }
  }

  static void transform(double[] re, double[] im) {
    transform(re, im, false);
  }

  private static void direct(double[] re, double[] im, boolean inverse) {
    int n = re.length;
    double[] or = new double[n], oi = new double[n];
    double sign = inverse ? 1 : -1;
    for (int k = 0; k < n; k++) {
      for (int t = 0; t < n; t++) {
        double a = sign * 2 * Math.PI * ((long) k * t % n) / n;
        or[k] += re[t] * Math.cos(a) - im[t] * Math.sin(a);
        oi[k] += re[t] * Math.sin(a) + im[t] * Math.cos(a);
      }
    }
    for (int k = 0; k < n; k++) {
      re[k] = inverse ? or[k] / n : or[k];
      im[k] = inverse ? oi[k] / n : oi[k];
    }
  }
}
