package io.papers4j.core.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.diffusion.DdimSampler.Options;
import io.papers4j.core.diffusion.DdimSampler.Spacing;
import io.papers4j.core.diffusion.VariancePreserving.Prediction;
import io.papers4j.core.nn.T;
import java.io.InputStream;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/**
 * The generic trainer's processes and DDIM against tools/reference/ddpm_schedule_golden.py
 * (diffusers' formulas) and against the closed-form flow of a Gaussian data distribution.
 */
class DiffusionProcessTest {
  private static JsonNode golden() throws Exception {
    try (InputStream in = DiffusionProcessTest.class.getResourceAsStream("/diffusion/ddpm_golden.json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  private static double[] doubles(JsonNode a) {
    double[] v = new double[a.size()];
    for (int i = 0; i < v.length; i++) v[i] = a.get(i).asDouble();
    return v;
  }

  private static VariancePreserving schedule(String name, Prediction p) {
    return switch (name) {
      case "scaled_linear" -> VariancePreserving.scaledLinear(1000, p, false);
      case "scaled_linear+zsnr" -> VariancePreserving.scaledLinear(1000, p, true);
      case "squaredcos_cap_v2" -> VariancePreserving.cosine(1000, p, false);
      case "squaredcos_cap_v2+zsnr" -> VariancePreserving.cosine(1000, p, true);
      default -> throw new IllegalArgumentException(name);
    };
  }

  @Test
  void alphas_cumprod_match_the_diffusers_formulas() throws Exception {
    int cases = 0;
    double worst = 0;
    for (var e : golden().get("alphas_cumprod").properties()) {
      double[] want = doubles(e.getValue());
      double[] got = schedule(e.getKey(), Prediction.V).alphasCumprod();
      assertThat(got).hasSize(1000);
      for (int i = 0; i < want.length; i++) {
        worst = Math.max(worst, Math.abs(got[i] - want[i]));
        assertThat(got[i]).as("%s[%d]", e.getKey(), i).isCloseTo(want[i], offset(1e-12));
      }
      cases++;
    }
    System.out.printf("alphas_cumprod: %d schedules, maxdiff %.3g%n", cases, worst);
    assertThat(cases).isEqualTo(4);
    assertThat(schedule("scaled_linear+zsnr", Prediction.V).alphasCumprod()[999]).isZero();
  }

  @Test
  void ddim_timesteps_match_diffusers_spacing() throws Exception {
    int cases = 0;
    for (JsonNode c : golden().get("ddim_timesteps")) {
      Options o = new Options(Spacing.parse(c.get("spacing").asText()), c.get("steps_offset").asInt(), true);
      int[] got = DdimSampler.timesteps(c.get("train").asInt(), c.get("steps").asInt(), o);
      int[] want = c.get("timesteps").valueStream().mapToInt(JsonNode::asInt).toArray();
      assertThat(got).as("%s", c).containsExactly(want);
      cases++;
    }
    assertThat(cases).isEqualTo(10);
    assertThatThrownBy(() -> DdimSampler.timesteps(1000, 0, Options.diffusersDefault())).hasMessageContaining("1 <= steps");
    assertThatThrownBy(() -> Spacing.parse("karras")).hasMessageContaining("unknown timestep spacing");
  }

  @Test
  void one_ddim_step_matches_diffusers_step() throws Exception {
    int cases = 0;
    for (JsonNode c : golden().get("ddim_step")) {
      Prediction p = c.get("prediction").asText().equals("epsilon") ? Prediction.EPSILON : Prediction.V;
      VariancePreserving vp = schedule(c.get("schedule").asText(), p);
      Options o = new Options(Spacing.LEADING, 0, c.get("set_alpha_to_one").asBoolean());
      Tensor x = Tensor.create(doubles(c.get("sample")), 1, 6).clone();
      Tensor out = Tensor.create(doubles(c.get("model_output")), 1, 6).clone();
      Tensor prev = DdimSampler.step(vp, out, x, c.get("timestep").asInt(), c.get("steps").asInt(), o);
      Tensor want = Tensor.create(doubles(c.get("prev_sample")), 1, 6).clone();
      assertThat(T.maxDiff(prev, want)).as("%s", c.get("schedule")).isLessThan(1e-10);
      cases++;
    }
    assertThat(cases).isEqualTo(5);
  }

  @Test
  void a_clipped_ddim_step_matches_diffusers_clip_sample_with_the_clipped_model_output() throws Exception {
    JsonNode g;
    try (InputStream in = DiffusionProcessTest.class.getResourceAsStream("/diffusion/ddim_clip_golden.json")) {
      g = new ObjectMapper().readTree(in); // tools/reference/ddim_clip_golden.py
    }
    double[] ac = doubles(g.get("alphas_cumprod"));
    int cases = 0, clipped = 0;
    for (JsonNode c : g.get("ddim_step_clipped")) {
      Prediction p = c.get("prediction").asText().equals("epsilon") ? Prediction.EPSILON : Prediction.V;
      VariancePreserving vp = new VariancePreserving("ddpm-linear", ac, p);
      Options o = new Options(Spacing.TRAILING, 0, c.get("set_alpha_to_one").asBoolean());
      Tensor x = Tensor.create(doubles(c.get("sample")), 1, 8).clone();
      Tensor out = Tensor.create(doubles(c.get("model_output")), 1, 8).clone();
      int t = c.get("timestep").asInt(), steps = c.get("steps").asInt();
      double r = c.get("clip_range").asDouble();
      Tensor got = DdimSampler.clippedStep(vp, out, x, t, steps, o, r);
      Tensor want = Tensor.create(doubles(c.get("prev_sample")), 1, 8).clone();
      assertThat(T.maxDiff(got, want)).as("t %d", t).isLessThan(1e-10);
      if (vp.toX0AtIndex(x, out, t).abs().max().item_double() > r) clipped++;
      cases++;
    }
    assertThat(cases).isEqualTo(6);
    assertThat(clipped).as("cases whose x̂₀ leaves the range").isGreaterThanOrEqualTo(3);
    // inside the range the clipped step is the plain step
    VariancePreserving vp = new VariancePreserving("ddpm-linear", ac, Prediction.EPSILON);
    Tensor x0 = Tensor.create(new double[] {0.3, -0.7, 0.9, 0.0}, 1, 4).clone(), eps = Tensor.create(new double[] {1.2, -0.4, 0.1, -2.0}, 1, 4).clone();
    Tensor xt = x0.mul(new Scalar(Math.sqrt(ac[999]))).add(eps.mul(new Scalar(Math.sqrt(1 - ac[999]))));
    Options o = Options.trailing();
    assertThat(T.maxDiff(DdimSampler.clippedStep(vp, eps, xt, 999, 10, o, 1.0), DdimSampler.step(vp, eps, xt, 999, 10, o))).isLessThan(1e-12);
    assertThatThrownBy(() -> DdimSampler.clippedStep(vp, eps, xt, 999, 10, o, 0)).hasMessageContaining("clip range");
  }

  /**
   * Data x₀ ~ N(μ, σ_d²) per coordinate. Then x_i ~ N(a_i μ, D_i²) with D_i² = a_i² σ_d² + s_i², the exact
   * predictions are E[ε | x_i] = s_i (x_i − a_i μ)/D_i² and E[x₀ | x_i] = μ + a_i σ_d² (x_i − a_i μ)/D_i², and
   * the probability-flow ODE keeps z = (x − a μ)/D fixed: it ends at a_f μ + D_f z.
   */
  private record Gaussian(Tensor mu, Tensor sd) {
    Tensor exactOutput(VariancePreserving vp, Tensor x, int i) {
      double ac = vp.alphaCumprod(i);
      double a = Math.sqrt(ac), s = Math.sqrt(1 - ac);
      Tensor d2 = sd.pow(new Scalar(2)).mul(new Scalar(ac)).add(new Scalar(1 - ac));
      Tensor centred = x.sub(mu.mul(new Scalar(a)));
      Tensor eps = centred.mul(new Scalar(s)).div(d2);
      Tensor x0 = mu.add(centred.mul(sd.pow(new Scalar(2))).mul(new Scalar(a)).div(d2));
      return switch (vp.prediction()) {
        case EPSILON -> eps;
        case V -> eps.mul(new Scalar(a)).sub(x0.mul(new Scalar(s)));
        case SAMPLE -> x0;
      };
    }

    Tensor exactEnd(Tensor xStart, double acStart, double acEnd) {
      Tensor dStart = sd.pow(new Scalar(2)).mul(new Scalar(acStart)).add(new Scalar(1 - acStart)).sqrt();
      Tensor dEnd = sd.pow(new Scalar(2)).mul(new Scalar(acEnd)).add(new Scalar(1 - acEnd)).sqrt();
      Tensor z = xStart.sub(mu.mul(new Scalar(Math.sqrt(acStart)))).div(dStart);
      return mu.mul(new Scalar(Math.sqrt(acEnd))).add(z.mul(dEnd));
    }
  }

  private static double ddimError(VariancePreserving vp, Gaussian g, Tensor xT, int steps, Options o) {
    int[] ts = DdimSampler.timesteps(vp.trainTimesteps(), steps, o);
    Tensor got = DdimSampler.sample(vp, (x, t) -> g.exactOutput(vp, x, t), xT, steps, o);
    int last = ts[ts.length - 1] - vp.trainTimesteps() / steps;
    double acEnd = last >= 0 ? vp.alphaCumprod(last) : o.setAlphaToOne() ? 1.0 : vp.alphaCumprod(0);
    return T.maxDiff(got, g.exactEnd(xT, vp.alphaCumprod(ts[0]), acEnd));
  }

  @Test
  void ddim_with_the_exact_gaussian_prediction_lands_on_the_exact_flow_and_converges_at_first_order() {
    Gaussian g = new Gaussian(Tensor.create(new double[] {2.0, -1.0, 0.5, 0.0}, 1, 4).clone(),
        Tensor.create(new double[] {0.3, 1.0, 2.0, 0.5}, 1, 4).clone());
    Tensor xT = T.randn(3, ScalarType.Double, 64, 4);
    // The training grids of 1000 timesteps as diffusers uses them: first order while the step is large ...
    for (var c : List.of(
        new Object[] {VariancePreserving.scaledLinear(1000, Prediction.EPSILON, false), Options.diffusersDefault()},
        new Object[] {VariancePreserving.scaledLinear(1000, Prediction.EPSILON, false), Options.stableDiffusion()},
        new Object[] {VariancePreserving.cosine(1000, Prediction.V, true), Options.trailing()},
        new Object[] {VariancePreserving.scaledLinear(1000, Prediction.SAMPLE, false), Options.diffusersDefault()})) {
      VariancePreserving vp = (VariancePreserving) c[0];
      Options o = (Options) c[1];
      double e10 = ddimError(vp, g, xT, 10, o), e40 = ddimError(vp, g, xT, 40, o), e200 = ddimError(vp, g, xT, 200, o);
      System.out.printf("DDIM %s %s: max error vs exact flow at 10/40/200 steps %.3g / %.3g / %.3g%n",
          vp.name(), o.spacing(), e10, e40, e200);
      assertThat(e40).as(vp.name()).isLessThan(e10 / 2.5); // first order: 4x steps, ~4x smaller
      assertThat(e200).as(vp.name()).isLessThan(e40 / 3); // 5x steps
    }
    // ... and on a 100x finer grid of the same continuous schedule (β/100 per step, so the same ∫β) the
    // error keeps falling to the exact probability-flow answer.
    VariancePreserving fine = VariancePreserving.scaledLinear(100_000, 0.00085 / 100, 0.012 / 100, Prediction.EPSILON, false);
    double e200 = ddimError(fine, g, xT, 200, Options.diffusersDefault());
    double e1000 = ddimError(fine, g, xT, 1000, Options.diffusersDefault());
    double e5000 = ddimError(fine, g, xT, 5000, Options.diffusersDefault());
    System.out.printf("DDIM on the 100000-step grid: max error at 200/1000/5000 steps %.3g / %.3g / %.3g%n", e200, e1000, e5000);
    assertThat(e1000).isLessThan(e200 / 3);
    assertThat(e5000).isLessThan(e1000 / 3);
    assertThat(e5000).isLessThan(0.01); // data means 2, -1, 0.5, 0; sds 0.3, 1, 2, 0.5
  }

  @Test
  void guidance_with_w_1_is_the_conditional_model_and_w_0_the_unconditional() {
    VariancePreserving vp = VariancePreserving.scaledLinear(1000, Prediction.EPSILON, false);
    Gaussian cond = new Gaussian(Tensor.create(new double[] {2.0, -1.0}, 1, 2).clone(), Tensor.create(new double[] {0.5, 0.5}, 1, 2).clone());
    Gaussian uncond = new Gaussian(Tensor.create(new double[] {0.0, 0.0}, 1, 2).clone(), Tensor.create(new double[] {1.5, 1.5}, 1, 2).clone());
    DdimSampler.Denoiser c = (x, t) -> cond.exactOutput(vp, x, t), u = (x, t) -> uncond.exactOutput(vp, x, t);
    Tensor xT = T.randn(4, ScalarType.Double, 16, 2);
    Tensor onlyCond = DdimSampler.sample(vp, c, xT, 20, Options.diffusersDefault());
    assertThat(T.maxDiff(DdimSampler.sample(vp, Guidance.guidedDenoiser(c, u, 1.0), xT, 20, Options.diffusersDefault()), onlyCond)).isZero();
    // the formula itself at w = 1 (no short cut): u + 1·(c − u) = c up to rounding
    Tensor a = T.randn(5, ScalarType.Double, 3, 4), b = T.randn(6, ScalarType.Double, 3, 4);
    assertThat(T.maxDiff(a.add(b.sub(a).mul(new Scalar(1.0))), Guidance.combine(a, b, 1.0))).isLessThan(1e-15);
    Tensor onlyUncond = DdimSampler.sample(vp, u, xT, 20, Options.diffusersDefault());
    assertThat(T.maxDiff(DdimSampler.sample(vp, Guidance.guidedDenoiser(c, u, 0.0), xT, 20, Options.diffusersDefault()), onlyUncond)).isLessThan(1e-12);
    // w = 2 extrapolates: the sample mean moves past the conditional one, away from the unconditional
    Tensor w2 = DdimSampler.sample(vp, Guidance.guidedDenoiser(c, u, 2.0), xT, 20, Options.diffusersDefault());
    assertThat(w2.mean(new long[] {0}, false, new org.bytedeco.pytorch.ScalarTypeOptional()).get(0).item_double())
        .isGreaterThan(onlyCond.mean(new long[] {0}, false, new org.bytedeco.pytorch.ScalarTypeOptional()).get(0).item_double());
  }

  @Test
  void every_process_inverts_its_own_target() {
    Tensor x0 = T.randn(1, ScalarType.Double, 3, 2, 4), eps = T.randn(2, ScalarType.Double, 3, 2, 4);
    Tensor t = Tensor.create(new double[] {0.05, 0.5, 0.93}, 3).clone();
    for (DiffusionProcess p : List.of(RectifiedFlow.INSTANCE, VariancePreserving.parse("eps/linear", 1000),
        VariancePreserving.parse("v/cos", 1000), VariancePreserving.parse("x0/linear", 1000),
        VariancePreserving.parse("v/linear+zsnr", 1000))) {
      Tensor xt = p.noised(x0, eps, t);
      Tensor out = p.target(x0, eps, t);
      assertThat(T.maxDiff(p.toX0(xt, out, t), x0)).as(p.name()).isLessThan(1e-10);
      assertThat(T.maxDiff(p.toEps(xt, out, t), eps)).as(p.name()).isLessThan(1e-10);
      assertThat(p.loss(out, x0, eps, t).item_double()).as(p.name()).isZero();
      Tensor velocity = p.toVelocity(xt, out, t);
      if (p instanceof VariancePreserving vp) {
        Tensor i = vp.index(t);
        double[] ac = vp.alphasCumprod();
        for (int b = 0; b < 3; b++) {
          double a = Math.sqrt(ac[(int) i.get(b).item_long()]), s = Math.sqrt(1 - ac[(int) i.get(b).item_long()]);
          assertThat(T.maxDiff(xt.get(b), x0.get(b).mul(new Scalar(a)).add(eps.get(b).mul(new Scalar(s))))).isLessThan(1e-12);
          assertThat(T.maxDiff(velocity.get(b), eps.get(b).mul(new Scalar(a)).sub(x0.get(b).mul(new Scalar(s))))).isLessThan(1e-10);
        }
      } else {
        assertThat(T.maxDiff(velocity, eps.sub(x0))).isLessThan(1e-12);
      }
    }
    assertThat(RectifiedFlow.INSTANCE.modelTime(t).get(1).item_double()).isCloseTo(500.0, offset(1e-9));
    VariancePreserving vp = VariancePreserving.parse("eps/linear", 1000);
    assertThat(vp.name()).isEqualTo("eps/linear");
    Tensor idx = vp.index(Tensor.create(new double[] {0.0, 0.4995, 0.9999, 1.0}, 4).clone());
    assertThat(new long[] {idx.get(0).item_long(), idx.get(1).item_long(), idx.get(2).item_long(), idx.get(3).item_long()})
        .containsExactly(0, 499, 999, 999);
  }

  @Test
  void an_x0_estimate_turns_into_the_process_prediction_that_gives_it_back() {
    Tensor x0 = T.randn(3, ScalarType.Double, 3, 2, 4), xt = T.randn(4, ScalarType.Double, 3, 2, 4);
    Tensor idx = Tensor.create(new long[] {0, 500, 999}).clone();
    Tensor t = Tensor.create(new double[] {0.0005, 0.5005, 0.9995}, 3).clone(); // the same indices as times
    for (String spec : List.of("eps/linear", "v/cos", "v/linear+zsnr", "x0/linear")) {
      VariancePreserving vp = VariancePreserving.parse(spec, 1000);
      Tensor pred = vp.fromX0AtIndices(xt, x0, idx, 0.0);
      assertThat(T.maxDiff(vp.toX0(xt, pred, t), x0)).as(spec).isLessThan(1e-9);
    }
    // the floor: at index 0 of eps/linear s = 0.01 < 0.05, so the ε̂ is (x_t − a·x̂₀)/0.05
    VariancePreserving eps = VariancePreserving.parse("eps/linear", 1000);
    double a0 = Math.sqrt(eps.alphasCumprod()[0]);
    Tensor floored = eps.fromX0AtIndices(xt, x0, idx, 0.05);
    assertThat(T.maxDiff(floored.get(0), xt.get(0).sub(x0.get(0).mul(new Scalar(a0))).div(new Scalar(0.05)))).isLessThan(1e-12);
  }

  @Test
  void bad_process_settings_give_one_message() {
    assertThatThrownBy(() -> VariancePreserving.scaledLinear(1000, Prediction.EPSILON, true)).hasMessageContaining("zero terminal SNR needs v-");
    assertThatThrownBy(() -> VariancePreserving.parse("eps/sigmoid", 1000)).hasMessageContaining("unknown diffusion process");
    assertThatThrownBy(() -> new VariancePreserving("x", new double[] {0.9, 0.95}, Prediction.V)).hasMessageContaining("non-increasing");
  }

  @Test
  void condition_dropout_replaces_exactly_the_masked_examples_at_rate_p() {
    boolean[] drop = {false, true, false, true, true};
    Tensor labels = Tensor.create(new long[] {3, 1, 4, 1, 5}, 5).clone();
    Tensor got = ConditionDropout.labels(labels, 10, drop);
    assertThat(new long[] {got.get(0).item_long(), got.get(1).item_long(), got.get(2).item_long(), got.get(3).item_long(),
        got.get(4).item_long()}).containsExactly(3, 10, 4, 10, 10);
    Tensor text = T.randn(1, ScalarType.Float, 5, 3, 2), nul = T.randn(2, ScalarType.Float, 3, 2);
    Tensor dropped = ConditionDropout.rows(text, nul, drop);
    for (int i = 0; i < 5; i++) {
      assertThat(T.maxDiff(dropped.get(i), drop[i] ? nul : text.get(i))).isZero();
    }
    assertThatThrownBy(() -> ConditionDropout.rows(text, T.randn(2, ScalarType.Float, 4, 2), drop)).hasMessageContaining("shaped like one row");
    boolean[] many = ConditionDropout.mask(20000, 0.1, new SplittableRandom(5));
    int n = 0;
    for (boolean b : many) n += b ? 1 : 0;
    // binomial(20000, 0.1): sd 42.4, so ±5 sd is ±212
    assertThat(n).isBetween(2000 - 212, 2000 + 212);
    assertThat(torch.equal(ConditionDropout.labels(labels, 10, new boolean[5]), labels)).isTrue();
  }
}
