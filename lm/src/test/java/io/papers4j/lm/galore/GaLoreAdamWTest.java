package io.papers4j.lm.galore;

import static io.papers4j.lm.galore.TensorData.floats;
import static io.papers4j.lm.galore.TensorData.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.lm.galore.GaLoreAdamW.Group;
import io.papers4j.lm.galore.GaLoreAdamW.GroupState;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.HfAdamW;
import io.papers4j.lm.galore.GaLoreAdamW.Projection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class GaLoreAdamWTest {

  /** HF AdamW written out element by element in double precision: the independent reference. */
  private static final class ReferenceAdamW {
    final double[] w, m, v;
    final AdamConfig h;
    int t;

    ReferenceAdamW(float[] w0, AdamConfig h) {
      w = new double[w0.length];
      for (int i = 0; i < w0.length; i++) w[i] = w0[i];
      m = new double[w.length];
      v = new double[w.length];
      this.h = h;
    }

    void step(float[] g, double lr) {
      t++;
      double stepSize = lr * Math.sqrt(1 - Math.pow(h.beta2(), t)) / (1 - Math.pow(h.beta1(), t));
      for (int i = 0; i < w.length; i++) {
        m[i] = h.beta1() * m[i] + (1 - h.beta1()) * g[i];
        v[i] = h.beta2() * v[i] + (1 - h.beta2()) * g[i] * g[i];
        w[i] -= stepSize * m[i] / (Math.sqrt(v[i]) + h.eps());
        w[i] -= lr * h.weightDecay() * w[i]; // decoupled decay after the update
      }
    }
  }

  private static Map<String, Tensor> params(String name, Tensor t) {
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put(name, t);
    return m;
  }

  private static void setGrad(Tensor p, Tensor g) {
    p.mutable_grad().reset();
    p.mutable_grad().put(g.clone());
  }

  /**
   * GaLore with r = full rank and the identity projection (α = 1) equals HF AdamW to 1e-6, for a
   * projected (tall and wide) and an unprojected group, with weight decay and a changing lr.
   */
  @Test
  void galore_with_identity_full_rank_projection_equals_adamw() {
    torch.manual_seed(11);
    AdamConfig h = new AdamConfig(0.01, 0.9, 0.999, 1e-6, 0.1);
    Tensor tall = torch.randn(6, 4).requires_grad_(true);
    Tensor wide = torch.randn(3, 7).requires_grad_(true);
    Tensor bias = torch.randn(5).requires_grad_(true);
    Map<String, Tensor> projected = new LinkedHashMap<>();
    projected.put("tall", tall);
    projected.put("wide", wide);
    Projection identity = new Projection(64, 2, 1.0, GaLoreProjector.Type.IDENTITY);
    GaLoreAdamW opt = new GaLoreAdamW(h, List.of(
        new Group("galore", projected, identity, false), new Group("adamw", params("bias", bias), null, false)), 2048, 4096);
    Tensor[] ps = {tall, wide, bias};
    // the same parameters under core.optim.HfAdamW, the project's HF-style AdamW
    Map<String, Tensor> copies = new LinkedHashMap<>();
    for (int i = 0; i < 3; i++) copies.put("p" + i, ps[i].detach().clone().requires_grad_(true));
    HfAdamW hf = new HfAdamW(copies, h);
    ReferenceAdamW[] refs = new ReferenceAdamW[3];
    for (int i = 0; i < 3; i++) refs[i] = new ReferenceAdamW(floats(ps[i]), h);
    for (int step = 0; step < 6; step++) {
      double lr = 0.01 * (1 + step) / 6.0;
      opt.setLearningRate(lr);
      for (int i = 0; i < 3; i++) {
        Tensor g = torch.randn(ps[i].sizes());
        setGrad(ps[i], g);
        setGrad(copies.get("p" + i), g);
        refs[i].step(floats(g), lr);
      }
      opt.step();
      hf.setLearningRate(lr);
      hf.step();
    }
    for (int i = 0; i < 3; i++) {
      float[] got = floats(ps[i]);
      for (int j = 0; j < got.length; j++) {
        assertThat(Math.abs(got[j] - refs[i].w[j])).as("param %d elem %d", i, j).isLessThan(1e-6);
      }
      assertThat(maxAbsDiff(ps[i], copies.get("p" + i))).as("vs HfAdamW, param %d", i).isLessThan(1e-6);
    }
  }

  /** (iii) The SVD refreshes exactly at steps 0, T, 2T, … and the moments persist across refreshes. */
  @Test
  void projector_refreshes_every_t_steps_and_moments_carry_over() {
    torch.manual_seed(12);
    int gap = 3;
    AdamConfig h = AdamConfig.hfDefaults(0.01);
    Tensor w = torch.randn(8, 5).requires_grad_(true);
    GaLoreAdamW opt = new GaLoreAdamW(h, List.of(new Group("galore", params("w", w),
        Projection.svd(2, gap, 0.25), false)), 2048, 4096);
    GaLoreProjector proj = opt.projector("w");
    Tensor prevM = null;
    for (int step = 0; step < 8; step++) {
      Tensor g = torch.randn(8, 5);
      setGrad(w, g);
      opt.step();
      int expectedRefreshes = step / gap + 1; // at steps 0, 3, 6
      assertThat(proj.refreshes()).as("refreshes after step %d", step).isEqualTo(expectedRefreshes);
      assertThat(proj.lastRefreshStep()).isEqualTo((long) (step / gap) * gap);
      // M = β1·M_prev + (1−β1)·R with R projected by the projector in force at this step:
      // at a refresh the old moment is kept in the new coordinates, not reset
      Tensor r = g.mm(proj.matrix().t()); // right side: R = G·Qᵀ (8, 2)
      Tensor expected = prevM == null ? r.mul(new Scalar(0.1))
          : prevM.mul(new Scalar(0.9)).add(r.mul(new Scalar(0.1)));
      assertThat(maxAbsDiff(opt.expAvg("w"), expected)).as("exp_avg at step %d", step).isLessThan(1e-6);
      prevM = opt.expAvg("w").clone();
    }
    assertThat(opt.steps("w")).isEqualTo(8);
  }

  /** (iv) State floats = Σ(min(m,n)·r + 2·max(m,n)·r) over projected matrices + 2× unprojected sizes. */
  @Test
  void state_bytes_follow_the_galore_memory_formula() {
    Map<String, Tensor> projected = new LinkedHashMap<>();
    projected.put("q", torch.zeros(32, 32).requires_grad_(true)); // square → right
    projected.put("up", torch.zeros(88, 32).requires_grad_(true)); // tall → right
    projected.put("down", torch.zeros(32, 88).requires_grad_(true)); // wide → left
    Map<String, Tensor> plain = new LinkedHashMap<>();
    plain.put("embed", torch.zeros(100, 32).requires_grad_(true));
    plain.put("norm", torch.zeros(32).requires_grad_(true));
    int r = 8;
    GaLoreAdamW opt = new GaLoreAdamW(AdamConfig.hfDefaults(0.01), List.of(
        new Group("galore", projected, Projection.svd(r, 200, 0.25), false),
        new Group("adamw", plain, null, false)), 2048, 4096);
    long floats = (32 * r + 2 * 32 * r) + (32 * r + 2 * 88 * r) + (32 * r + 2 * 88 * r) + 2 * (100 * 32 + 32);
    assertThat(opt.stateBytes()).isEqualTo(4 * floats);
    List<GroupState> groups = opt.stateBreakdown();
    assertThat(groups.get(0).projectorBytes()).isEqualTo(4L * 3 * 32 * r);
    assertThat(groups.get(0).momentBytes()).isEqualTo(4L * 2 * r * (32 + 88 + 88));
    assertThat(groups.get(0).parameters()).isEqualTo(32 * 32 + 2 * 88 * 32);
    assertThat(groups.get(1).momentBytes()).isEqualTo(4L * 2 * (100 * 32 + 32));
    assertThat(groups.get(1).projectorBytes()).isZero();
  }

  @Test
  void eight_bit_states_take_one_byte_per_element_plus_block_scales() {
    Map<String, Tensor> big = params("w", torch.zeros(64, 128).requires_grad_(true)); // 8192 ≥ 4096
    Map<String, Tensor> small = params("b", torch.zeros(100).requires_grad_(true)); // stays fp32
    GaLoreAdamW opt = new GaLoreAdamW(AdamConfig.hfDefaults(1e-3), List.of(
        new Group("w", big, null, true), new Group("b", small, null, true)), 2048, 4096);
    List<GroupState> g = opt.stateBreakdown();
    assertThat(g.get(0).momentBytes()).isEqualTo(2L * 8192);
    assertThat(g.get(0).scaleBytes()).isEqualTo(2L * 4 * 4); // 4 blocks of 2,048 per moment
    assertThat(g.get(1).momentBytes()).isEqualTo(2L * 4 * 100);
    assertThat(opt.codebookBytes()).isEqualTo(2L * 256 * 4);
    assertThat(opt.stateBytes()).isEqualTo(2L * 8192 + 32 + 800 + 2048);
  }

  /** 8-bit Adam tracks 32-bit Adam closely on a least-squares problem and stays finite. */
  @Test
  void eight_bit_adam_tracks_fp32_adam() {
    torch.manual_seed(13);
    Tensor x = torch.randn(256, 64);
    Tensor target = x.mm(torch.randn(64, 96));
    Tensor init = torch.randn(64, 96).mul(new Scalar(0.1));
    double[] losses = new double[2];
    Tensor[] finals = new Tensor[2];
    for (int k = 0; k < 2; k++) {
      Tensor w = init.clone().requires_grad_(true);
      GaLoreAdamW opt = new GaLoreAdamW(AdamConfig.hfDefaults(0.01), List.of(
          new Group("w", params("w", w), null, k == 1)), 2048, 4096);
      double first = 0, last = 0;
      for (int step = 0; step < 60; step++) {
        opt.zeroGrad();
        Tensor loss = x.mm(w).sub(target).pow(new Scalar(2)).mean();
        loss.backward();
        if (step == 0) first = loss.item_double();
        last = loss.item_double();
        opt.step();
      }
      assertThat(last).isLessThan(0.5 * first);
      losses[k] = last;
      finals[k] = w.detach();
    }
    for (float f : floats(finals[1])) assertThat(Float.isFinite(f)).isTrue();
    assertThat(Math.abs(losses[1] - losses[0]) / losses[0]).isLessThan(0.01);
    // the int8 trajectory differs from the fp32 one by a few percent of the distance travelled
    double drift = finals[1].sub(finals[0]).norm().item_double() / finals[0].sub(init).norm().item_double();
    assertThat(drift).isLessThan(0.08);
  }

  /** A checkpoint of the state restores the exact trajectory, projector included (mid-interval). */
  @Test
  void state_tensors_round_trip() {
    torch.manual_seed(14);
    Tensor w = torch.randn(40, 120).requires_grad_(true);
    Projection pr = Projection.svd(4, 5, 0.25);
    GaLoreAdamW a = new GaLoreAdamW(AdamConfig.hfDefaults(0.01), List.of(new Group("g", params("w", w), pr, true)), 256, 64);
    for (int i = 0; i < 3; i++) {
      setGrad(w, torch.randn(40, 120));
      a.step();
    }
    Tensor w2 = w.detach().clone().requires_grad_(true);
    GaLoreAdamW b = new GaLoreAdamW(AdamConfig.hfDefaults(0.01), List.of(new Group("g", params("w", w2), pr, true)), 256, 64);
    Map<String, Tensor> state = new LinkedHashMap<>();
    a.stateTensors().forEach((k, v) -> state.put(k, v.clone()));
    assertThat(state).containsKeys("exp_avg.w.codes", "exp_avg.w.absmax", "exp_avg_sq.w.codes", "projector.w", "step.w");
    b.loadStateTensors(state);
    Tensor g = torch.randn(40, 120);
    setGrad(w, g);
    setGrad(w2, g);
    a.step();
    b.step();
    assertThat(maxAbsDiff(w, w2)).isZero();
    state.remove("projector.w");
    assertThatThrownBy(() -> b.loadStateTensors(state)).hasMessageContaining("projector.w");
  }

  @Test
  void projection_of_a_non_matrix_fails_naming_the_parameter() {
    assertThatThrownBy(() -> new GaLoreAdamW(AdamConfig.hfDefaults(0.01), List.of(new Group("g",
        params("model.norm.weight", torch.zeros(8).requires_grad_(true)), Projection.svd(2, 10, 0.25), false)), 2048, 4096))
        .hasMessageContaining("model.norm.weight");
  }
}
