package io.papers4j.core.diffusion;

import java.util.Locale;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The variance-preserving DDPM process (Ho et al. 2020) on a discrete schedule of N training
 * timesteps, as diffusers' {@code DDPMScheduler}/{@code DDIMScheduler} define it:
 *
 * <pre>ᾱ_i = Π_{j ≤ i} (1 − β_j),   x_t = √ᾱ_i·x₀ + √(1 − ᾱ_i)·ε,   i = min(N − 1, ⌊t·N⌋)</pre>
 *
 * <p>Schedules: {@link #scaledLinear} (LDM / Stable Diffusion: β = linspace(√β₀, √β₁, N)², β₀ =
 * 0.00085, β₁ = 0.012) and {@link #cosine} (Nichol and Dhariwal's {@code squaredcos_cap_v2}: ᾱ(s) =
 * cos²((s + 0.008)/1.008·π/2), β_i = min(1 − ᾱ((i+1)/N)/ᾱ(i/N), 0.999)); either optionally rescaled
 * to zero terminal SNR (Lin et al. 2024, Alg. 1: √ᾱ shifted so √ᾱ_{N−1} = 0 and scaled so √ᾱ_0 is
 * kept).
 *
 * <p>Predictions, with a = √ᾱ_i and s = √(1 − ᾱ_i): {@link Prediction#EPSILON} (target ε; x̂₀ = (x_t
 * − s·ε̂)/a), {@link Prediction#V} (target v = a·ε − s·x₀; x̂₀ = a·x_t − s·v̂, ε̂ = s·x_t + a·v̂) and
 * {@link Prediction#SAMPLE} (target x₀). The network is conditioned on the index i.
 * Zero terminal SNR makes a = 0 at i = N − 1, where ε-prediction cannot give x̂₀; it is therefore
 * refused for ε (Lin et al. use v-prediction).
 */
public final class VariancePreserving implements DiffusionProcess {
  /** What the network outputs. */
  public enum Prediction {
    EPSILON("eps"),
    V("v"),
    SAMPLE("x0");

    private final String tag;

    Prediction(String tag) {
      this.tag = tag;
    }

    public String tag() {
      return tag;
    }
  }

  private final String schedule;
  private final double[] alphasCumprod; // (N) ᾱ_i
  private final Tensor alphasCumprodTensor; // (N) float64
  private final Prediction prediction;

  /** A process on an explicit ᾱ table (each in [0, 1], non-increasing). */
  public VariancePreserving(String schedule, double[] alphasCumprod, Prediction prediction) {
    if (alphasCumprod.length < 2) throw new IllegalArgumentException("a schedule needs at least 2 timesteps");
    for (int i = 0; i < alphasCumprod.length; i++) {
      double a = alphasCumprod[i];
      if (!(a >= 0 && a <= 1) || (i > 0 && a > alphasCumprod[i - 1])) {
        throw new IllegalArgumentException("alphas_cumprod must be non-increasing in [0, 1]; entry " + i + " is " + a);
      }
    }
    if (alphasCumprod[0] == 0) throw new IllegalArgumentException("alphas_cumprod[0] must be > 0");
    if (prediction == Prediction.EPSILON && alphasCumprod[alphasCumprod.length - 1] == 0) {
      throw new IllegalArgumentException(
          "zero terminal SNR needs v- or x0-prediction: epsilon-prediction cannot recover x0 where alphas_cumprod = 0");
    }
    this.schedule = schedule;
    this.alphasCumprod = alphasCumprod.clone();
    this.alphasCumprodTensor = Tensor.create(this.alphasCumprod.clone(), this.alphasCumprod.length).clone();
    this.prediction = prediction;
  }

  /** LDM's schedule: β = linspace(√0.00085, √0.012, N)², as diffusers' {@code beta_schedule="scaled_linear"}. */
  public static VariancePreserving scaledLinear(int trainTimesteps, Prediction prediction, boolean zeroTerminalSnr) {
    return scaledLinear(trainTimesteps, 0.00085, 0.012, prediction, zeroTerminalSnr);
  }

  public static VariancePreserving scaledLinear(
      int trainTimesteps, double betaStart, double betaEnd, Prediction prediction, boolean zeroTerminalSnr) {
    checkN(trainTimesteps);
    if (!(betaStart > 0 && betaEnd >= betaStart && betaEnd < 1)) {
      throw new IllegalArgumentException("need 0 < beta_start <= beta_end < 1, got " + betaStart + ", " + betaEnd);
    }
    double[] betas = new double[trainTimesteps];
    double lo = Math.sqrt(betaStart), hi = Math.sqrt(betaEnd);
    for (int i = 0; i < trainTimesteps; i++) {
      double r = lo + (hi - lo) * i / (trainTimesteps - 1);
      betas[i] = r * r;
    }
    return fromBetas("linear", betas, prediction, zeroTerminalSnr);
  }

  /** The cosine schedule, diffusers' {@code beta_schedule="squaredcos_cap_v2"} (max β 0.999). */
  public static VariancePreserving cosine(int trainTimesteps, Prediction prediction, boolean zeroTerminalSnr) {
    checkN(trainTimesteps);
    double[] betas = new double[trainTimesteps];
    for (int i = 0; i < trainTimesteps; i++) {
      double t1 = (double) i / trainTimesteps, t2 = (double) (i + 1) / trainTimesteps;
      betas[i] = Math.min(1 - cosineAlphaBar(t2) / cosineAlphaBar(t1), 0.999);
    }
    return fromBetas("cos", betas, prediction, zeroTerminalSnr);
  }

  /** Parses {@code eps/linear}, {@code v/cos}, {@code v/linear+zsnr}, … (prediction / schedule [+zsnr]). */
  public static VariancePreserving parse(String spec, int trainTimesteps) {
    String s = spec.trim().toLowerCase(Locale.ROOT);
    boolean zsnr = s.endsWith("+zsnr");
    if (zsnr) s = s.substring(0, s.length() - 5);
    String[] p = s.split("/");
    if (p.length == 2) {
      Prediction pred = switch (p[0]) {
        case "eps" -> Prediction.EPSILON;
        case "v" -> Prediction.V;
        case "x0" -> Prediction.SAMPLE;
        default -> null;
      };
      if (pred != null && p[1].equals("linear")) return scaledLinear(trainTimesteps, pred, zsnr);
      if (pred != null && p[1].equals("cos")) return cosine(trainTimesteps, pred, zsnr);
    }
    throw new IllegalArgumentException(
        "unknown diffusion process '" + spec + "' (expected eps|v|x0 / linear|cos, optionally +zsnr, e.g. eps/linear or v/cos+zsnr)");
  }

  private static double cosineAlphaBar(double t) {
    double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
    return c * c;
  }

  private static VariancePreserving fromBetas(String schedule, double[] betas, Prediction prediction, boolean zsnr) {
    double[] ac = new double[betas.length];
    double prod = 1;
    for (int i = 0; i < betas.length; i++) {
      prod *= 1 - betas[i];
      ac[i] = prod;
    }
    if (zsnr) ac = rescaleZeroTerminalSnr(ac);
    return new VariancePreserving(zsnr ? schedule + "+zsnr" : schedule, ac, prediction);
  }

  /**
   * Lin et al. Algorithm 1 on ᾱ: √ᾱ ← (√ᾱ − √ᾱ_{N−1})·√ᾱ_0/(√ᾱ_0 − √ᾱ_{N−1}), so the last entry is 0 and
   * the first unchanged. (diffusers' {@code rescale_zero_terminal_snr} goes through the betas and back,
   * which gives the same ᾱ.)
   */
  public static double[] rescaleZeroTerminalSnr(double[] alphasCumprod) {
    int n = alphasCumprod.length;
    double first = Math.sqrt(alphasCumprod[0]), last = Math.sqrt(alphasCumprod[n - 1]);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      double r = (Math.sqrt(alphasCumprod[i]) - last) * first / (first - last);
      out[i] = r * r;
    }
    out[n - 1] = 0.0;
    return out;
  }

  public double[] alphasCumprod() {
    return alphasCumprod.clone();
  }

  /** ᾱ_i for one index. */
  public double alphaCumprod(int index) {
    return alphasCumprod[index];
  }

  public int trainTimesteps() {
    return alphasCumprod.length;
  }

  public Prediction prediction() {
    return prediction;
  }

  @Override
  public String name() {
    return prediction.tag() + "/" + schedule;
  }

  /** The discrete index i = min(N − 1, ⌊t·N⌋) for t (B) in [0, 1], int64. */
  public Tensor index(Tensor t) {
    int n = alphasCumprod.length;
    return t.to(torch.ScalarType.Double).mul(new Scalar(n)).floor().clamp(new org.bytedeco.pytorch.ScalarOptional(new Scalar(0)),
        new org.bytedeco.pytorch.ScalarOptional(new Scalar(n - 1))).to(torch.ScalarType.Long); // (B)
  }

  @Override
  public Tensor modelTime(Tensor t) {
    return index(t).to(torch.ScalarType.Float); // (B)
  }

  @Override
  public Tensor noised(Tensor x0, Tensor noise, Tensor t) {
    checkSame(x0, noise);
    Tensor[] as = coefficients(t, x0);
    return x0.mul(as[0]).add(noise.mul(as[1])); // (B, …)
  }

  @Override
  public Tensor target(Tensor x0, Tensor noise, Tensor t) {
    checkSame(x0, noise);
    return switch (prediction) {
      case EPSILON -> noise;
      case SAMPLE -> x0;
      case V -> {
        Tensor[] as = coefficients(t, x0);
        yield noise.mul(as[0]).sub(x0.mul(as[1]));
      }
    };
  }

  @Override
  public Tensor toX0(Tensor xt, Tensor output, Tensor t) {
    return toX0(xt, output, coefficients(t, xt));
  }

  @Override
  public Tensor toEps(Tensor xt, Tensor output, Tensor t) {
    return toEps(xt, output, coefficients(t, xt));
  }

  @Override
  public Tensor toVelocity(Tensor xt, Tensor output, Tensor t) {
    if (prediction == Prediction.V) return output;
    Tensor[] as = coefficients(t, xt);
    return toEps(xt, output, as).mul(as[0]).sub(toX0(xt, output, as).mul(as[1]));
  }

  /**
   * The prediction this process trains (ε̂, v̂ or x̂₀) implied by a clean-image estimate x̂₀ at timestep
   * indices (N, any integer dtype or whole-number floats), for denoisers with an x̂₀ head inside an ε/v
   * scheme: v̂ = (a·x_t − x̂₀)/max(s, minNoise), ε̂ = (x_t − a·x̂₀)/max(s, minNoise). The floor keeps the
   * division finite where s → 0 (zero-terminal-SNR's last step has a = 0, s = 1; the first steps have s ≈ 0.01).
   */
  public Tensor fromX0AtIndices(Tensor xt, Tensor x0, Tensor indices, double minNoise) {
    if (prediction == Prediction.SAMPLE) return x0;
    torch.ScalarType dtype = x0.scalar_type().intern();
    Tensor ac = alphasCumprodTensor.index_select(0, indices.to(torch.ScalarType.Long)); // (N) float64
    long[] shape = new long[(int) xt.dim()];
    java.util.Arrays.fill(shape, 1);
    shape[0] = -1;
    Tensor a = ac.sqrt().to(dtype).view(shape); // (N, 1, …)
    Tensor s = ac.neg().add(new Scalar(1.0)).sqrt().clamp_min(new Scalar(minNoise)).to(dtype).view(shape);
    return prediction == Prediction.V ? xt.mul(a).sub(x0).div(s) : xt.sub(x0.mul(a)).div(s);
  }

  /** x̂₀ at one timestep index (for samplers that step on the discrete grid). */
  public Tensor toX0AtIndex(Tensor xt, Tensor output, int index) {
    return toX0(xt, output, scalarCoefficients(index, xt));
  }

  /** ε̂ at one timestep index. */
  public Tensor toEpsAtIndex(Tensor xt, Tensor output, int index) {
    return toEps(xt, output, scalarCoefficients(index, xt));
  }

  private Tensor toX0(Tensor xt, Tensor out, Tensor[] as) {
    return switch (prediction) {
      case EPSILON -> xt.sub(out.mul(as[1])).div(as[0]); // (x_t − s·ε̂)/a
      case V -> xt.mul(as[0]).sub(out.mul(as[1])); // a·x_t − s·v̂
      case SAMPLE -> out;
    };
  }

  private Tensor toEps(Tensor xt, Tensor out, Tensor[] as) {
    return switch (prediction) {
      case EPSILON -> out;
      case V -> xt.mul(as[1]).add(out.mul(as[0])); // s·x_t + a·v̂
      case SAMPLE -> xt.sub(out.mul(as[0])).div(as[1]); // (x_t − a·x̂₀)/s
    };
  }

  /** {a, s} = {√ᾱ_i, √(1 − ᾱ_i)} as (B, 1, …, 1) in the dtype of {@code like}. */
  private Tensor[] coefficients(Tensor t, Tensor like) {
    Tensor ac = alphasCumprodTensor.index_select(0, index(t)); // (B) float64
    Tensor a = RectifiedFlow.broadcastTime(ac.sqrt(), like);
    Tensor s = RectifiedFlow.broadcastTime(ac.neg().add(new Scalar(1.0)).sqrt(), like);
    return new Tensor[] {a, s};
  }

  /** {a, s} at one index as (1) tensors in the dtype of {@code like} (broadcast over any shape). */
  private Tensor[] scalarCoefficients(int index, Tensor like) {
    if (index < 0 || index >= alphasCumprod.length) {
      throw new IllegalArgumentException("timestep " + index + " outside [0, " + alphasCumprod.length + ")");
    }
    double ac = alphasCumprod[index];
    torch.ScalarType dtype = like.scalar_type().intern();
    Tensor a = Tensor.create(new double[] {Math.sqrt(ac)}, 1).clone().to(dtype);
    Tensor s = Tensor.create(new double[] {Math.sqrt(1 - ac)}, 1).clone().to(dtype);
    return new Tensor[] {a, s};
  }

  private static void checkSame(Tensor a, Tensor b) {
    if (!java.util.Arrays.equals(a.shape(), b.shape())) {
      throw new IllegalArgumentException("x0 and noise shapes differ: " + java.util.Arrays.toString(a.shape()) + " vs "
          + java.util.Arrays.toString(b.shape()));
    }
  }

  private static void checkN(int n) {
    if (n < 2) throw new IllegalArgumentException("need at least 2 training timesteps, got " + n);
  }
}
