package io.papers4j.core.diffusion;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Training-time distributions over t ∈ (0, 1) (SD3 §3.1). Each is a map of a uniform u (or a normal
 * draw) so the density is known in closed form:
 *
 * <ul>
 *   <li>{@code uniform}: π(t) = 1.
 *   <li>{@code lognorm:m,s} (logit-normal, eq. 19): t = sigmoid(m + s·n), n ~ N(0, 1);
 *       π(t) = 1/(s√(2π)) · 1/(t(1−t)) · exp(−(logit t − m)²/(2s²)).
 *   <li>{@code mode:s} (mode sampling with heavy tails, eq. 20): t = 1 − u − s·(cos²(πu/2) − 1 + u);
 *       s must lie in [−1, 2/(π−2)] so the map is monotone.
 *   <li>{@code cosmap} (eq. 21): t = 1 − 1/(tan(πu/2) + 1).
 * </ul>
 */
public sealed interface TimeSampler {
  /** One draw of t. */
  double sample(SplittableRandom rng);

  /** The name as the CLI writes it ({@code lognorm:0,1}, {@code mode:1.29}, …). */
  String spec();

  default double[] sample(int n, SplittableRandom rng) {
    double[] t = new double[n];
    for (int i = 0; i < n; i++) t[i] = sample(rng);
    return t;
  }

  record Uniform() implements TimeSampler {
    public double sample(SplittableRandom rng) {
      return rng.nextDouble();
    }

    public String spec() {
      return "uniform";
    }
  }

  record LogitNormal(double m, double s) implements TimeSampler {
    public LogitNormal {
      if (!(s > 0) || !Double.isFinite(m)) throw new IllegalArgumentException("lognorm needs a finite m and s > 0, got m=" + m + " s=" + s);
    }

    public double sample(SplittableRandom rng) {
      return sigmoid(m + s * gaussian(rng));
    }

    /** The closed-form density π_ln(t; m, s) of eq. 19. */
    public double density(double t) {
      if (t <= 0 || t >= 1) return 0;
      double z = (Math.log(t / (1 - t)) - m) / s;
      return Math.exp(-0.5 * z * z) / (s * Math.sqrt(2 * Math.PI) * t * (1 - t));
    }

    public String spec() {
      return String.format(Locale.ROOT, "lognorm:%s,%s", fmt(m), fmt(s));
    }
  }

  record Mode(double s) implements TimeSampler {
    public Mode {
      if (s < -1 || s > 2 / (Math.PI - 2)) {
        throw new IllegalArgumentException("mode:s needs -1 <= s <= 2/(pi-2) = 1.752, got " + s);
      }
    }

    public double sample(SplittableRandom rng) {
      return map(rng.nextDouble());
    }

    /** f_mode(u; s) of eq. 20. */
    public double map(double u) {
      double c = Math.cos(Math.PI * u / 2);
      return 1 - u - s * (c * c - 1 + u);
    }

    public String spec() {
      return "mode:" + fmt(s);
    }
  }

  record CosMap() implements TimeSampler {
    public double sample(SplittableRandom rng) {
      return map(rng.nextDouble());
    }

    /** f(u) of eq. 21. */
    public double map(double u) {
      return 1 - 1 / (Math.tan(Math.PI * u / 2) + 1);
    }

    public String spec() {
      return "cosmap";
    }
  }

  /** Parses {@code uniform}, {@code lognorm:m,s}, {@code mode:s} or {@code cosmap}. */
  static TimeSampler parse(String spec) {
    String s = spec.trim().toLowerCase(Locale.ROOT);
    try {
      if (s.equals("uniform")) return new Uniform();
      if (s.equals("cosmap")) return new CosMap();
      if (s.startsWith("lognorm:")) {
        String[] p = s.substring(8).split(",");
        if (p.length != 2) throw new IllegalArgumentException("lognorm needs two numbers, as lognorm:0,1");
        return new LogitNormal(Double.parseDouble(p[0]), Double.parseDouble(p[1]));
      }
      if (s.startsWith("mode:")) return new Mode(Double.parseDouble(s.substring(5)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad number in t-sampler '" + spec + "'");
    }
    throw new IllegalArgumentException(
        "unknown t-sampler '" + spec + "' (expected uniform, lognorm:m,s, mode:s or cosmap)");
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  private static double gaussian(SplittableRandom rng) {
    // Box–Muller: exact and independent of java.util.Random's own Gaussian.
    double u1 = 1.0 - rng.nextDouble(); // (0, 1]
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
