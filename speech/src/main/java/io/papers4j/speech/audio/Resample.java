package io.papers4j.speech.audio;

/**
 * Band-limited resampling by windowed-sinc interpolation (Kaiser window, β = 8.6, 32 zero
 * crossings each side), the classic Smith/Gossett scheme that {@code resampy} and
 * {@code torchaudio.functional.resample} (sinc_interp_kaiser) also follow. When down-sampling the
 * sinc cut-off is lowered to 0.95 × the new Nyquist frequency so that nothing aliases.
 *
 * <p>Output length is {@code ceil(n · to / from)}; sample k lies at input time {@code k · from /
 * to}. Samples beyond the ends are treated as zero.
 */
public final class Resample {
  static final int ZEROS = 32;
  static final double BETA = 8.6;
  static final double ROLLOFF = 0.95;
  /** Rates outside this range are refused (a typo such as 160 or 1600000 Hz). */
  public static final int MIN_RATE = 1000, MAX_RATE = 384_000;

  private Resample() {}

  public static Wav.Audio to(Wav.Audio in, int rate) {
    return new Wav.Audio(rate, resample(in.samples(), in.sampleRate(), rate));
  }

  public static float[] resample(float[] x, int from, int to) {
    checkRate(from);
    checkRate(to);
    if (from == to) return x.clone();
    int n = (int) Math.ceil(x.length * (double) to / from);
    float[] y = new float[n];
    double cutoff = Math.min(1.0, (double) to / from) * (to < from ? ROLLOFF : 1.0); // of input Nyquist
    double halfWidth = ZEROS / cutoff; // in input samples
    double i0Beta = besselI0(BETA);
    int g = gcd(from, to);
    int phases = to / g, stride = from / g; // output k sits at input (k·stride)/phases
    int taps = 2 * (int) Math.ceil(halfWidth) + 2;
    boolean table = phases <= 4096;
    double[][] kernel = table ? new double[phases][] : null;
    for (int k = 0; k < n; k++) {
      long num = (long) k * stride;
      int base = (int) (num / phases), phase = (int) (num % phases);
      double frac = phase / (double) phases; // t = base + frac
      int lo = base - taps / 2 + 1;
      double[] w = table ? kernel[phase] : null;
      if (w == null) {
        w = new double[taps];
        for (int j = 0; j < taps; j++) {
          double d = (lo - base + j) - frac;
          double u = d / halfWidth;
          w[j] = Math.abs(u) > 1 ? 0 : cutoff * sinc(cutoff * d) * besselI0(BETA * Math.sqrt(1 - u * u)) / i0Beta;
        }
        if (table) kernel[phase] = w;
      }
      double acc = 0;
      for (int j = Math.max(0, -lo); j < taps && lo + j < x.length; j++) acc += x[lo + j] * w[j];
      y[k] = (float) acc;
    }
    return y;
  }

  static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  static void checkRate(int r) {
    if (r < MIN_RATE || r > MAX_RATE) {
      throw new AudioException("sample rate " + r + " Hz is outside " + MIN_RATE + ".." + MAX_RATE + " Hz");
    }
  }

  static double sinc(double x) {
    if (x == 0) return 1;
    double px = Math.PI * x;
    return Math.sin(px) / px;
  }

  /** Modified Bessel function of the first kind, order 0 (power series). */
  static double besselI0(double x) {
    double sum = 1, term = 1, q = x * x / 4;
    for (int k = 1; k < 60; k++) {
      term *= q / ((double) k * k);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return sum;
  }
}
