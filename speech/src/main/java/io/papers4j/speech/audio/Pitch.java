package io.papers4j.speech.audio;

/**
 * F0 and voicing per frame with YIN (de Cheveigné and Kawahara 2002): the difference function
 * d(τ) = Σ (x[j] − x[j+τ])², its cumulative-mean normalisation d'(τ) = d(τ)·τ / Σ_{k≤τ} d(k), the
 * first τ where d' dips below {@code threshold} (then down to its local minimum), and parabolic
 * interpolation of τ. A frame is voiced when such a dip exists and the frame's RMS exceeds
 * {@code silenceRms}; unvoiced frames get F0 = 0.
 *
 * <p>Frames are centred like {@link Spectrogram} ({@code 1 + n / hop} frames, frame t centred on
 * sample t·hop, zero padding), so F0 frames line up with mel frames.
 *
 * @param sampleRate Hz
 * @param hop frame step in samples
 * @param window analysis window in samples (must hold two periods of fMin)
 * @param fMin lowest F0 searched, Hz
 * @param fMax highest F0 searched, Hz
 * @param threshold YIN absolute threshold (0.1 in the paper; 0.15 here, tolerant of formant speech)
 * @param silenceRms frames quieter than this are unvoiced
 */
public record Pitch(int sampleRate, int hop, int window, double fMin, double fMax, double threshold, double silenceRms) {
  public static Pitch codec16k() {
    return new Pitch(16000, 200, 800, 60, 500, 0.15, 0.01);
  }

  public Pitch {
    if (fMin <= 0 || fMax <= fMin || fMax >= sampleRate / 2.0) {
      throw new IllegalArgumentException("pitch range must satisfy 0 < fMin < fMax < rate/2, got " + fMin + ".." + fMax);
    }
    if (window < 2 * sampleRate / fMin) {
      throw new IllegalArgumentException(
          "pitch window " + window + " is shorter than two periods of fMin " + fMin + " Hz");
    }
  }

  /** F0 in Hz per frame (0 = unvoiced). */
  public double[] track(float[] x) {
    int frames = 1 + x.length / hop;
    double[] f0 = new double[frames];
    int tauMin = (int) Math.floor(sampleRate / fMax), tauMax = (int) Math.ceil(sampleRate / fMin);
    int w = window - tauMax; // integration window
    double[] d = new double[tauMax + 2];
    for (int t = 0; t < frames; t++) {
      int start = t * hop - window / 2;
      double energy = 0;
      for (int j = 0; j < window; j++) {
        double v = at(x, start + j);
        energy += v * v;
      }
      if (Math.sqrt(energy / window) < silenceRms) continue;
      for (int tau = 1; tau <= tauMax + 1; tau++) {
        double s = 0;
        for (int j = 0; j < w; j++) {
          double diff = at(x, start + j) - at(x, start + j + tau);
          s += diff * diff;
        }
        d[tau] = s;
      }
      double running = 0;
      double[] dn = new double[tauMax + 2];
      dn[0] = 1;
      for (int tau = 1; tau <= tauMax + 1; tau++) {
        running += d[tau];
        dn[tau] = running == 0 ? 1 : d[tau] * tau / running;
      }
      int best = -1;
      for (int tau = tauMin; tau <= tauMax; tau++) {
        if (dn[tau] < threshold) {
          while (tau + 1 <= tauMax && dn[tau + 1] < dn[tau]) tau++;
          best = tau;
          break;
        }
      }
      if (best < 0) continue;
      double a = dn[best - 1], b = dn[best], c = dn[best + 1];
      double denom = a - 2 * b + c;
      double shift = denom == 0 ? 0 : 0.5 * (a - c) / denom;
      f0[t] = sampleRate / (best + Math.max(-1, Math.min(1, shift)));
    }
    return f0;
  }

  private static double at(float[] x, int i) {
    return i < 0 || i >= x.length ? 0 : x[i];
  }

  /**
   * The paper's prosody target: log F0 z-scored over the voiced frames of the utterance (unvoiced
   * frames 0), plus the voiced flag.
   */
  public static float[][] normalisedLogF0(double[] f0) {
    double sum = 0, sq = 0;
    int n = 0;
    for (double f : f0) {
      if (f > 0) {
        double l = Math.log(f);
        sum += l;
        sq += l * l;
        n++;
      }
    }
    double mean = n == 0 ? 0 : sum / n;
    double std = n < 2 ? 1 : Math.sqrt(Math.max(sq / n - mean * mean, 1e-8));
    float[][] out = new float[2][f0.length];
    for (int t = 0; t < f0.length; t++) {
      if (f0[t] > 0) {
        out[0][t] = (float) ((Math.log(f0[t]) - mean) / Math.max(std, 1e-3));
        out[1][t] = 1;
      }
    }
    return out;
  }
}
