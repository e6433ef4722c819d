package io.papers4j.speech.audio;

/**
 * Short-time Fourier transform and mel spectrogram with the conventions of {@code torchaudio} /
 * {@code librosa}: periodic Hann window of {@code winLength} zero-padded to {@code nFft} at the
 * centre, {@code center = true} (the signal is padded by {@code nFft / 2} on both sides; reflect
 * padding as torchaudio's default, constant zeros as librosa ≥ 0.10's default), frame {@code t}
 * starting at {@code t · hop} of the padded signal, {@code 1 + n / hop} frames, one-sided bins
 * {@code 0..nFft/2}. Magnitudes are not normalised; power = |X|².
 *
 * <p>The mel filterbank is librosa's default (Slaney's Auditory Toolbox): the Slaney mel scale
 * (linear below 1 kHz with 3 mel/66.67 Hz, logarithmic above, step ln(6.4)/27), triangular filters
 * between {@code nMels + 2} mel-spaced edges, weights computed from the distances to the edge
 * frequencies in Hz, and area normalisation {@code 2 / (f[m+2] − f[m])} ("norm='slaney'").
 *
 * @param sampleRate Hz
 * @param nFft FFT size (any; powers of two use a radix-2 FFT)
 * @param hop frame step in samples
 * @param winLength Hann window length (≤ nFft)
 * @param nMels mel bands
 * @param fMin lowest mel edge, Hz
 * @param fMax highest mel edge, Hz (≤ sampleRate / 2)
 * @param reflect reflect padding (torchaudio) instead of zeros (librosa ≥ 0.10)
 */
public record Spectrogram(
    int sampleRate, int nFft, int hop, int winLength, int nMels, double fMin, double fMax, boolean reflect) {

  /** FACodec V2's prosody mel (n_fft 1024, hop 200, window 800) with 80 bands up to 8 kHz, at 16 kHz. */
  public static Spectrogram codec16k() {
    return new Spectrogram(16000, 1024, 200, 800, 80, 0, 8000, true);
  }

  public Spectrogram {
    if (sampleRate <= 0 || nFft < 2 || hop < 1 || winLength < 1 || winLength > nFft || nMels < 1) {
      throw new IllegalArgumentException(
          "bad spectrogram settings: rate " + sampleRate + ", n_fft " + nFft + ", hop " + hop + ", window "
              + winLength + ", mels " + nMels);
    }
    if (!(fMin >= 0 && fMin < fMax && fMax <= sampleRate / 2.0)) {
      throw new IllegalArgumentException("mel range must satisfy 0 <= fMin < fMax <= rate/2, got " + fMin + ".." + fMax);
    }
  }

  public int bins() {
    return nFft / 2 + 1;
  }

  /** Number of frames for {@code n} samples: {@code 1 + n / hop}. */
  public int frames(int n) {
    return 1 + n / hop;
  }

  /** Periodic Hann window of winLength, centred in nFft zeros. */
  public double[] window() {
    double[] w = new double[nFft];
    int off = (nFft - winLength) / 2;
    for (int i = 0; i < winLength; i++) w[off + i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / winLength);
    return w;
  }

  /** Power spectrogram |X|², shape [frames][bins]. */
  public double[][] power(float[] x) {
    int pad = nFft / 2;
    if (reflect && x.length <= pad) {
      throw new AudioException(
          "audio of " + x.length + " samples is shorter than half an analysis frame (" + (pad + 1) + " samples)");
    }
    if (x.length == 0) throw new AudioException("empty audio");
    double[] padded = new double[x.length + 2 * pad];
    for (int i = 0; i < padded.length; i++) {
      int j = i - pad;
      if (j < 0 || j >= x.length) {
        if (!reflect) continue;
        j = j < 0 ? -j : 2 * (x.length - 1) - j;
      }
      padded[i] = x[j];
    }
    double[] w = window();
    int frames = frames(x.length);
    double[][] out = new double[frames][bins()];
    double[] re = new double[nFft], im = new double[nFft];
    for (int t = 0; t < frames; t++) {
      for (int i = 0; i < nFft; i++) {
        re[i] = padded[t * hop + i] * w[i];
        im[i] = 0;
      }
      Fft.transform(re, im);
      for (int k = 0; k < bins(); k++) out[t][k] = re[k] * re[k] + im[k] * im[k];
    }
    return out;
  }

  /** Slaney mel filterbank, shape [nMels][bins] (librosa.filters.mel(htk=False, norm='slaney')). */
  public double[][] melFilters() {
    int nb = bins();
    double[] fftFreqs = new double[nb];
    for (int k = 0; k < nb; k++) fftFreqs[k] = k * (double) sampleRate / nFft;
    double mMin = hzToMel(fMin), mMax = hzToMel(fMax);
    double[] edges = new double[nMels + 2];
    for (int i = 0; i < edges.length; i++) edges[i] = melToHz(mMin + (mMax - mMin) * i / (nMels + 1));
    double[][] fb = new double[nMels][nb];
    for (int m = 0; m < nMels; m++) {
      double lo = edges[m], mid = edges[m + 1], hi = edges[m + 2];
      double norm = 2.0 / (hi - lo);
      for (int k = 0; k < nb; k++) {
        double lower = (fftFreqs[k] - lo) / (mid - lo);
        double upper = (hi - fftFreqs[k]) / (hi - mid);
        fb[m][k] = Math.max(0, Math.min(lower, upper)) * norm;
      }
    }
    return fb;
  }

  /** Mel power spectrogram, shape [frames][nMels]. */
  public double[][] melPower(float[] x) {
    double[][] p = power(x);
    double[][] fb = melFilters();
    double[][] out = new double[p.length][nMels];
    for (int t = 0; t < p.length; t++) {
      for (int m = 0; m < nMels; m++) {
        double s = 0;
        for (int k = 0; k < p[t].length; k++) s += fb[m][k] * p[t][k];
        out[t][m] = s;
      }
    }
    return out;
  }

  /** log(max(melPower, 1e-5)), the usual codec/vocoder target; shape [frames][nMels]. */
  public float[][] logMel(float[] x) {
    double[][] m = melPower(x);
    float[][] out = new float[m.length][nMels];
    for (int t = 0; t < m.length; t++) {
      for (int j = 0; j < nMels; j++) out[t][j] = (float) Math.log(Math.max(m[t][j], 1e-5));
    }
    return out;
  }

  /** Slaney mel scale (librosa hz_to_mel with htk=False). */
  public static double hzToMel(double f) {
    double fSp = 200.0 / 3;
    double minLogHz = 1000, minLogMel = minLogHz / fSp, logStep = Math.log(6.4) / 27;
    return f >= minLogHz ? minLogMel + Math.log(f / minLogHz) / logStep : f / fSp;
  }

  public static double melToHz(double m) {
    double fSp = 200.0 / 3;
    double minLogHz = 1000, minLogMel = minLogHz / fSp, logStep = Math.log(6.4) / 27;
    return m >= minLogMel ? minLogHz * Math.exp(logStep * (m - minLogMel)) : fSp * m;
  }
}
