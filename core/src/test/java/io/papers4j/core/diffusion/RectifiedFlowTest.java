package io.papers4j.core.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.papers4j.core.nn.T;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

class RectifiedFlowTest {
  @Test
  void interpolant_hits_data_and_noise_and_its_time_derivative_is_the_target() {
    Tensor x0 = T.randn(1, ScalarType.Double, 3, 2, 4, 4);
    Tensor eps = T.randn(2, ScalarType.Double, 3, 2, 4, 4);
    Tensor zeros = torch.zeros(3).to(ScalarType.Double), ones = torch.ones(3).to(ScalarType.Double);
    assertThat(T.maxDiff(RectifiedFlow.interpolate(x0, eps, zeros), x0)).isLessThan(1e-15);
    assertThat(T.maxDiff(RectifiedFlow.interpolate(x0, eps, ones), eps)).isLessThan(1e-15);
    // Central finite difference in t of z_t against ε − x₀, at three different t per example.
    Tensor t = Tensor.create(new double[] {0.1, 0.5, 0.87}, 3);
    double h = 1e-6;
    Tensor fd = RectifiedFlow.interpolate(x0, eps, t.add(new org.bytedeco.pytorch.Scalar(h)))
        .sub(RectifiedFlow.interpolate(x0, eps, t.sub(new org.bytedeco.pytorch.Scalar(h))))
        .div(new org.bytedeco.pytorch.Scalar(2 * h));
    assertThat(T.maxDiff(fd, RectifiedFlow.velocityTarget(x0, eps))).isLessThan(1e-8);
    // x̂₀ = z_t − t·v recovers x₀ from the exact velocity.
    Tensor zt = RectifiedFlow.interpolate(x0, eps, t);
    assertThat(T.maxDiff(RectifiedFlow.predictX0(zt, eps.sub(x0), t), x0)).isLessThan(1e-12);
    // The loss of the exact target is zero; a shifted prediction costs its squared shift.
    assertThat(RectifiedFlow.loss(eps.sub(x0), x0, eps).item_double()).isCloseTo(0.0, offset(1e-20));
    assertThat(RectifiedFlow.loss(eps.sub(x0).add(new org.bytedeco.pytorch.Scalar(0.5)), x0, eps).item_double())
        .isCloseTo(0.25, offset(1e-12));
  }

  @Test
  void velocity_from_a_clean_image_estimate_gives_that_estimate_back_above_the_floor() {
    Tensor x0 = T.randn(3, ScalarType.Float, 3, 2, 4, 4);
    Tensor eps = T.randn(4, ScalarType.Float, 3, 2, 4, 4);
    Tensor t = Tensor.create(new float[] {0.02f, 0.3f, 0.9f}, 3);
    Tensor zt = RectifiedFlow.interpolate(x0, eps, t);
    Tensor v = RectifiedFlow.velocityFromX0(zt, x0, t, 0.05);
    // Above the floor the exact x₀ gives the exact velocity ε − x₀; below it the division uses 0.05.
    Tensor exact = eps.sub(x0);
    assertThat(T.maxDiff(v.narrow(0, 1, 2), exact.narrow(0, 1, 2))).isLessThan(1e-5);
    Tensor floored = zt.narrow(0, 0, 1).sub(x0.narrow(0, 0, 1)).div(new org.bytedeco.pytorch.Scalar(0.05));
    assertThat(T.maxDiff(v.narrow(0, 0, 1), floored)).isLessThan(1e-6);
    assertThat(T.maxDiff(RectifiedFlow.predictX0(zt, v, t).narrow(0, 1, 2), x0.narrow(0, 1, 2))).isLessThan(1e-5);
    assertThatThrownBy(() -> RectifiedFlow.velocityFromX0(zt, x0, t, 0.0)).hasMessageContaining("minT");
    assertThatThrownBy(() -> RectifiedFlow.velocityFromX0(zt, torch.zeros(3, 2, 4), t, 0.05))
        .hasMessageContaining("z_t and x̂₀ shapes differ");
  }

  @Test
  void bad_shapes_are_named() {
    Tensor x0 = torch.zeros(2, 3);
    assertThatThrownBy(() -> RectifiedFlow.interpolate(x0, torch.zeros(2, 4), torch.zeros(2)))
        .hasMessageContaining("shapes differ");
    assertThatThrownBy(() -> RectifiedFlow.interpolate(x0, torch.zeros(2, 3), torch.zeros(3)))
        .hasMessageContaining("t must have shape (B)");
  }

  /**
   * Two Gaussians: x₀ ~ N(μ, s²), ε ~ N(0, 1). z_t is Gaussian with mean m(t) = (1−t)μ and std
   * σ(t) = √((1−t)²s² + t²), and the marginal rectified-flow ODE moves quantiles:
   * v(z, t) = m'(t) + σ'(t)(z − m(t))/σ(t). Starting from ξ at t = 1 the exact end point is μ + sξ;
   * Euler's error must halve when the step count doubles.
   */
  @Test
  void euler_between_two_gaussians_converges_at_first_order() {
    double mu = 1.5, s = 0.4;
    EulerSampler.VelocityField exact = (z, t) -> {
      double m = (1 - t) * mu, dm = -mu;
      double sig = Math.sqrt((1 - t) * (1 - t) * s * s + t * t);
      double dsig = (-(1 - t) * s * s + t) / sig;
      return z.sub(new org.bytedeco.pytorch.Scalar(m)).mul(new org.bytedeco.pytorch.Scalar(dsig / sig))
          .add(new org.bytedeco.pytorch.Scalar(dm));
    };
    Tensor xi = Tensor.create(new double[] {-2.0, -0.7, 0.0, 0.3, 1.1, 2.5}, 6);
    Tensor target = xi.mul(new org.bytedeco.pytorch.Scalar(s)).add(new org.bytedeco.pytorch.Scalar(mu));
    double[] err = new double[5];
    int[] steps = {8, 16, 32, 64, 128};
    for (int i = 0; i < steps.length; i++) {
      Tensor z0 = EulerSampler.sample(exact, xi, FlowSchedule.sigmas(steps[i], 1.0));
      err[i] = T.maxDiff(z0, target);
    }
    for (int i = 1; i < steps.length; i++) {
      double order = Math.log(err[i - 1] / err[i]) / Math.log(2);
      assertThat(order).as("observed order between %d and %d steps (errors %s)", steps[i - 1], steps[i],
          java.util.Arrays.toString(err)).isBetween(0.85, 1.15);
    }
    assertThat(err[4]).isLessThan(err[0] / 12);
  }

  @Test
  void cfg_with_w_one_is_the_conditional_model_and_w_zero_the_unconditional() {
    Tensor z = T.randn(3, ScalarType.Double, 2, 5);
    Tensor a = T.randn(4, ScalarType.Double, 2, 5), b = T.randn(5, ScalarType.Double, 2, 5);
    EulerSampler.VelocityField cond = (x, t) -> x.mul(a).add(new org.bytedeco.pytorch.Scalar(t));
    EulerSampler.VelocityField uncond = (x, t) -> x.mul(b);
    double[] grid = FlowSchedule.sigmas(6, 3.0);
    Tensor c = EulerSampler.sample(cond, z, grid);
    assertThat(T.maxDiff(EulerSampler.sample(Guidance.guided(cond, uncond, 1.0), z, grid), c)).isLessThan(1e-15);
    // w = 1 must not even evaluate the unconditional branch.
    EulerSampler.VelocityField fails = (x, t) -> { throw new AssertionError("unconditional branch evaluated"); };
    assertThat(T.maxDiff(EulerSampler.sample(Guidance.guided(cond, fails, 1.0), z, grid), c)).isLessThan(1e-15);
    assertThat(T.maxDiff(EulerSampler.sample(Guidance.guided(cond, uncond, 0.0), z, grid),
        EulerSampler.sample(uncond, z, grid))).isLessThan(1e-12);
    // w = 2: 2·cond − uncond, by hand.
    Tensor u = uncond.velocity(z, 0.3), v = cond.velocity(z, 0.3);
    assertThat(T.maxDiff(Guidance.guided(cond, uncond, 2.0).velocity(z, 0.3), v.mul(new org.bytedeco.pytorch.Scalar(2)).sub(u)))
        .isLessThan(1e-12);
  }

  @Test
  void condition_dropout_rate_matches_p() {
    boolean[] m = Guidance.dropMask(100_000, 0.1, new SplittableRandom(3));
    int k = 0;
    for (boolean b : m) if (b) k++;
    assertThat(k / 100_000.0).isCloseTo(0.1, offset(0.003)); // 3.2 binomial std
    assertThatThrownBy(() -> Guidance.dropMask(3, 1.5, new SplittableRandom(1))).hasMessageContaining("[0, 1]");
  }

  @Test
  void ema_follows_its_recursion() {
    Tensor p = Tensor.create(new double[] {1.0, -2.0}, 2);
    var params = new java.util.LinkedHashMap<String, Tensor>();
    params.put("w", p);
    Ema ema = new Ema(params, 0.9);
    try (var g = new org.bytedeco.pytorch.NoGradGuard()) {
      p.copy_(Tensor.create(new double[] {3.0, 0.0}, 2));
    }
    ema.update(); // 0.9·(1, −2) + 0.1·(3, 0) = (1.2, −1.8)
    ema.update(); // 0.9·(1.2, −1.8) + 0.1·(3, 0) = (1.38, −1.62)
    Tensor s = ema.averaged().get("w");
    assertThat(s.get(0).item_double()).isCloseTo(1.38, offset(1e-12));
    assertThat(s.get(1).item_double()).isCloseTo(-1.62, offset(1e-12));
    ema.copyTo(params);
    assertThat(p.get(0).item_double()).isCloseTo(1.38, offset(1e-12));
  }
}
