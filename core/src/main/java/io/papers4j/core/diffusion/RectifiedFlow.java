package io.papers4j.core.diffusion;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Rectified flow (SD3 §2, eq. 3 with a_t = 1 − t, b_t = t): the straight path from data to noise
 *
 * <pre>z_t = (1 − t)·x₀ + t·ε,   v = dz_t/dt = ε − x₀</pre>
 *
 * <p>t = 0 is data, t = 1 is noise, as in SD3 and diffusers' flow-matching schedulers (there σ = t).
 * A network v_θ(z_t, t) is trained by mean-squared error against v; sampling integrates
 * dz/dt = v_θ from t = 1 down to t = 0 ({@link EulerSampler}).
 *
 * <p>As a {@link DiffusionProcess} ({@link #INSTANCE}) the model predicts the velocity and is
 * conditioned on 1000·t (SD3's timestep = σ·1000); x̂₀ = z_t − t·v and ε̂ = z_t + (1 − t)·v.
 */
public final class RectifiedFlow implements DiffusionProcess {
  /** The process for the generic trainer; the static methods are the same formulas. */
  public static final RectifiedFlow INSTANCE = new RectifiedFlow();

  private RectifiedFlow() {}

  @Override
  public String name() {
    return "rf";
  }

  @Override
  public Tensor noised(Tensor x0, Tensor noise, Tensor t) {
    return interpolate(x0, noise, t);
  }

  @Override
  public Tensor target(Tensor x0, Tensor noise, Tensor t) {
    return velocityTarget(x0, noise);
  }

  @Override
  public Tensor modelTime(Tensor t) {
    return t.mul(new Scalar(1000.0)); // (B)
  }

  @Override
  public Tensor toX0(Tensor xt, Tensor output, Tensor t) {
    return predictX0(xt, output, t);
  }

  @Override
  public Tensor toEps(Tensor xt, Tensor output, Tensor t) {
    return xt.add(output.mul(broadcastTime(t, xt).neg().add(new Scalar(1.0)))); // z_t + (1 − t)·v
  }

  @Override
  public Tensor toVelocity(Tensor xt, Tensor output, Tensor t) {
    return output;
  }

  /** z_t for x₀, ε of shape (B, …) and t of shape (B) in [0, 1]. */
  public static Tensor interpolate(Tensor x0, Tensor eps, Tensor t) {
    checkSame(x0, eps, "x0 and noise");
    Tensor tb = broadcastTime(t, x0); // (B, 1, …, 1)
    return x0.mul(tb.neg().add(new Scalar(1.0))).add(eps.mul(tb)); // (B, …)
  }

  /** The velocity target ε − x₀ (independent of t). */
  public static Tensor velocityTarget(Tensor x0, Tensor eps) {
    checkSame(x0, eps, "x0 and noise");
    return eps.sub(x0);
  }

  /** Mean-squared error between a predicted velocity and ε − x₀, averaged over every element. */
  public static Tensor loss(Tensor predicted, Tensor x0, Tensor eps) {
    return predicted.sub(velocityTarget(x0, eps)).pow(new Scalar(2)).mean();
  }

  /** The clean-image estimate x̂₀ = z_t − t·v implied by a velocity prediction. */
  public static Tensor predictX0(Tensor zt, Tensor v, Tensor t) {
    return zt.sub(v.mul(broadcastTime(t, zt)));
  }

  /**
   * The velocity implied by a clean-image prediction x̂₀ (the "x-prediction" head trained under the
   * velocity loss): z_t = (1 − t)·x₀ + t·ε gives ε − x₀ = (z_t − x₀)/t, so v̂ = (z_t − x̂₀)/max(t, minT).
   * The floor keeps the division finite near data, where a small error in x̂₀ would otherwise be
   * multiplied by 1/t; t is taken in float32, whatever the dtype of z_t.
   *
   * @param zt noisy inputs (B, …)
   * @param x0Hat the network's clean-image estimate, shaped like {@code zt} (any floating dtype)
   * @param t flow times (B) in [0, 1]
   * @param minT the floor on t, in (0, 1]
   */
  public static Tensor velocityFromX0(Tensor zt, Tensor x0Hat, Tensor t, double minT) {
    if (!(minT > 0 && minT <= 1)) throw new IllegalArgumentException("minT must be in (0, 1], got " + minT);
    checkSame(zt, x0Hat, "z_t and x̂₀");
    Tensor floored = broadcastTime(t, zt, torch.ScalarType.Float).clamp_min(new Scalar(minT)); // (B, 1, …, 1)
    return zt.sub(x0Hat.to(zt.scalar_type().intern())).div(floored);
  }

  /** t of shape (B) reshaped to (B, 1, …, 1) with the rank of {@code like}, in its dtype. */
  static Tensor broadcastTime(Tensor t, Tensor like) {
    return broadcastTime(t, like, like.scalar_type().intern());
  }

  private static Tensor broadcastTime(Tensor t, Tensor like, torch.ScalarType dtype) {
    if (t.dim() != 1 || t.size(0) != like.size(0)) {
      throw new IllegalArgumentException(
          "t must have shape (B) with B = " + like.size(0) + ", got " + java.util.Arrays.toString(t.shape()));
    }
    long[] shape = new long[(int) like.dim()];
    java.util.Arrays.fill(shape, 1);
    shape[0] = like.size(0);
    return t.to(dtype).reshape(shape);
  }

  private static void checkSame(Tensor a, Tensor b, String names) {
    if (!java.util.Arrays.equals(a.shape(), b.shape())) {
      throw new IllegalArgumentException(
          names + " shapes differ: " + java.util.Arrays.toString(a.shape()) + " vs "
              + java.util.Arrays.toString(b.shape()));
    }
  }

  /** Standard-normal noise shaped like {@code x}. */
  public static Tensor noiseLike(Tensor x) {
    return torch.randn_like(x);
  }
}
