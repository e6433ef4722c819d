package io.papers4j.speech.audio;

/**
 * Waveform from a log-mel spectrogram: the mel power is mapped back to linear-frequency magnitude
 * with the filterbank's pseudo-inverse (negative values clipped), then Griffin and Lim's (1984)
 * iteration alternates inverse STFT (weighted overlap-add) and STFT, keeping the target magnitude
 * and the new phase. This is the vocoder of the speech module: no neural vocoder can be trained
 * well enough on 2 cores, and Griffin-Lim needs none. It is slightly metallic but intelligible.
 */
public final class GriffinLim {
  private GriffinLim() {}

  public static float[] invert(Spectrogram spec, float[][] logMel, int iterations, long seed) {
    double[][] mag = linearMagnitude(spec, logMel);
    int frames = mag.length, nFft = spec.nFft(), hop = spec.hop(), bins = spec.bins();
    int n = (frames - 1) * hop; // samples the frames came from (center = true)
    java.util.Random rnd = new java.util.Random(seed);
    double[][] phRe = new double[frames][bins], phIm = new double[frames][bins];
    for (int t = 0; t < frames; t++) {
      for (int k = 0; k < bins; k++) {
        double a = 2 * Math.PI * rnd.nextDouble();
        phRe[t][k] = Math.cos(a);
        phIm[t][k] = Math.sin(a);
      }
    }
    double[] w = spec.window();
    float[] x = new float[0];
    for (int it = 0; it <= iterations; it++) {
      x = istft(mag, phRe, phIm, w, nFft, hop, n);
      if (it == iterations) break;
      double[] re = new double[nFft], im = new double[nFft];
      int pad = nFft / 2;
      for (int t = 0; t < frames; t++) {
        for (int i = 0; i < nFft; i++) {
          int j = t * hop + i - pad;
          if (j < 0) j = -j;
          if (j >= n) j = Math.max(0, 2 * (n - 1) - j);
          re[i] = (j >= 0 && j < n ? x[j] : 0) * w[i];
          im[i] = 0;
        }
        Fft.transform(re, im);
        for (int k = 0; k < bins; k++) {
          double m = Math.hypot(re[k], im[k]);
          phRe[t][k] = m > 1e-12 ? re[k] / m : 1;
          phIm[t][k] = m > 1e-12 ? im[k] / m : 0;
        }
      }
    }
    return x;
  }

  static float[] istft(double[][] mag, double[][] phRe, double[][] phIm, double[] w, int nFft, int hop, int n) {
    int pad = nFft / 2, bins = nFft / 2 + 1;
    double[] y = new double[n + nFft], norm = new double[n + nFft];
    double[] re = new double[nFft], im = new double[nFft];
    for (int t = 0; t < mag.length; t++) {
      for (int k = 0; k < bins; k++) {
        re[k] = mag[t][k] * phRe[t][k];
        im[k] = mag[t][k] * phIm[t][k];
        if (k > 0 && k < nFft - k) {
          re[nFft - k] = re[k];
          im[nFft - k] = -im[k];
        }
      }
      Fft.transform(re, im, true);
      for (int i = 0; i < nFft; i++) {
        y[t * hop + i] += re[i] * w[i];
        norm[t * hop + i] += w[i] * w[i];
      }
    }
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      double s = norm[i + pad];
      out[i] = (float) (s > 1e-8 ? y[i + pad] / s : 0);
    }
    return out;
  }

  /** sqrt(max(pinv(fb) · exp(logMel), 0)) per frame. */
  static double[][] linearMagnitude(Spectrogram spec, float[][] logMel) {
    double[][] fb = spec.melFilters();
    int m = fb.length, b = fb[0].length;
    // pinv = fbᵀ (fb fbᵀ + λI)⁻¹, a small ridge keeps it stable for empty low bands
    double[][] g = new double[m][m];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < m; j++) {
        double s = 0;
        for (int k = 0; k < b; k++) s += fb[i][k] * fb[j][k];
        g[i][j] = s;
      }
    }
    double tr = 0;
    for (int i = 0; i < m; i++) tr += g[i][i];
    for (int i = 0; i < m; i++) g[i][i] += 1e-4 * tr / m;
    double[][] gi = invert(g);
    double[][] out = new double[logMel.length][b];
    for (int t = 0; t < logMel.length; t++) {
      if (logMel[t].length != m) {
        throw new AudioException("mel frame has " + logMel[t].length + " bands, the filterbank " + m);
      }
      double[] v = new double[m];
      for (int i = 0; i < m; i++) {
        double s = 0;
        for (int j = 0; j < m; j++) s += gi[i][j] * Math.exp(logMel[t][j]);
        v[i] = s;
      }
      for (int k = 0; k < b; k++) {
        double s = 0;
        for (int i = 0; i < m; i++) s += fb[i][k] * v[i];
        out[t][k] = Math.sqrt(Math.max(s, 0));
      }
    }
    return out;
  }

  private static double[][] invert(double[][] a) {
    int n = a.length;
    double[][] m = new double[n][2 * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(a[i], 0, m[i], 0, n);
      m[i][n + i] = 1;
    }
    for (int c = 0; c < n; c++) {
      int p = c;
      for (int r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
      double[] tmp = m[c]; m[c] = m[p]; m[p] = tmp;
      double d = m[c][c];
      for (int j = 0; j < 2 * n; j++) m[c][j] /= d;
      for (int r = 0; r < n; r++) {
        if (r == c || m[r][c] == 0) continue;
        double f = m[r][c];
        for (int j = 0; j < 2 * n; j++) m[r][j] -= f * m[c][j];
      }
    }
    double[][] out = new double[n][n];
    for (int i = 0; i < n; i++) System.arraycopy(m[i], n, out[i], 0, n);
    return out;
  }
}
