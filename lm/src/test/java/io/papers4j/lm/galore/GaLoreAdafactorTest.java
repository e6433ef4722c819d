package io.papers4j.lm.galore;

import static io.papers4j.lm.galore.TensorData.floats;
import static io.papers4j.lm.galore.TensorData.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.lm.galore.GaLoreAdafactor.Config;
import io.papers4j.lm.galore.GaLoreAdamW.Group;
import io.papers4j.lm.galore.GaLoreAdamW.GroupState;
import io.papers4j.lm.galore.GaLoreAdamW.Projection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class GaLoreAdafactorTest {

  /**
   * Hugging Face's Adafactor step written out element by element in double precision for a
   * (rows × cols) matrix (factored) or a vector (rows = 1, cols = n, not factored): the reference.
   */
  private static final class ReferenceAdafactor {
    final double[] w, row, col, v, m;
    final int rows, cols;
    final boolean factored;
    final Config c;
    int t;

    ReferenceAdafactor(float[] w0, int rows, int cols, boolean factored, Config c) {
      this.rows = rows;
      this.cols = cols;
      this.factored = factored;
      this.c = c;
      w = new double[w0.length];
      for (int i = 0; i < w0.length; i++) w[i] = w0[i];
      row = new double[rows];
      col = new double[cols];
      v = new double[w.length];
      m = new double[w.length];
    }

    static double rms(double[] x) {
      double s = 0;
      for (double d : x) s += d * d;
      return Math.sqrt(s / x.length);
    }

    void step(float[] g, double lr) {
      t++;
      double rho = lr;
      if (c.relativeStep()) rho = Math.min(c.warmupInit() ? 1e-6 * t : 1e-2, 1 / Math.sqrt(t));
      if (c.scaleParameter()) rho *= Math.max(c.eps2(), rms(w));
      double b2 = 1 - Math.pow(t, c.decayRate());
      double[] n = new double[w.length];
      if (factored) {
        for (int i = 0; i < rows; i++) {
          double s = 0;
          for (int j = 0; j < cols; j++) s += g[i * cols + j] * (double) g[i * cols + j] + c.eps1();
          row[i] = b2 * row[i] + (1 - b2) * s / cols;
        }
        for (int j = 0; j < cols; j++) {
          double s = 0;
          for (int i = 0; i < rows; i++) s += g[i * cols + j] * (double) g[i * cols + j] + c.eps1();
          col[j] = b2 * col[j] + (1 - b2) * s / rows;
        }
        double rowMean = 0;
        for (double r : row) rowMean += r / rows;
        for (int i = 0; i < rows; i++) {
          for (int j = 0; j < cols; j++) {
            double vHat = row[i] / rowMean * col[j];
            n[i * cols + j] = g[i * cols + j] / Math.sqrt(vHat);
          }
        }
      } else {
        for (int i = 0; i < w.length; i++) {
          v[i] = b2 * v[i] + (1 - b2) * (g[i] * (double) g[i] + c.eps1());
          n[i] = g[i] / Math.sqrt(v[i]);
        }
      }
      double clip = Math.max(1, rms(n) / c.clipThreshold());
      for (int i = 0; i < n.length; i++) n[i] = n[i] / clip * rho;
      if (c.firstMoment()) {
        for (int i = 0; i < n.length; i++) {
          m[i] = c.beta1() * m[i] + (1 - c.beta1()) * n[i];
          n[i] = m[i];
        }
      }
      for (int i = 0; i < w.length; i++) {
        w[i] -= c.weightDecay() * rho * w[i];
        w[i] -= n[i];
      }
    }
  }

  private static void setGrad(Tensor p, Tensor g) {
    p.mutable_grad().reset();
    p.mutable_grad().put(g.clone());
  }

  /** float32 rounding of a stored weight over six updates: half an ulp per step plus the start. */
  private static double roundoff(double w) {
    return 4 * Math.ulp((float) w);
  }

  private static void checkAgainstReference(Config c, double tol, double minMove) {
    torch.manual_seed(21);
    Tensor mat = torch.randn(5, 3).requires_grad_(true);
    Tensor vec = torch.randn(4).requires_grad_(true);
    Map<String, Tensor> ps = new LinkedHashMap<>();
    ps.put("mat", mat);
    ps.put("vec", vec);
    GaLoreAdafactor opt = new GaLoreAdafactor(c, List.of(new Group("adafactor", ps, null, false)));
    float[] initial = floats(mat);
    ReferenceAdafactor rm = new ReferenceAdafactor(initial, 5, 3, true, c);
    ReferenceAdafactor rv = new ReferenceAdafactor(floats(vec), 1, 4, false, c);
    for (int step = 0; step < 6; step++) {
      double lr = c.lr() * (1 + step) / 6.0; // a schedule, as the trainer sets it
      opt.setLearningRate(lr);
      Tensor gm = torch.randn(5, 3).mul(new org.bytedeco.pytorch.Scalar(step % 2 == 0 ? 1.0 : 0.01));
      Tensor gv = torch.randn(4);
      setGrad(mat, gm);
      setGrad(vec, gv);
      rm.step(floats(gm), lr);
      rv.step(floats(gv), lr);
      opt.step();
    }
    float[] gotM = floats(mat), gotV = floats(vec);
    for (int j = 0; j < gotM.length; j++) assertThat(Math.abs(gotM[j] - rm.w[j])).as("mat %d", j).isLessThan(tol + roundoff(rm.w[j]));
    for (int j = 0; j < gotV.length; j++) assertThat(Math.abs(gotV[j] - rv.w[j])).as("vec %d", j).isLessThan(tol + roundoff(rv.w[j]));
    // the weights really moved (a no-op optimizer must not pass by comparing two unchanged arrays)
    double moved = 0;
    for (int j = 0; j < gotM.length; j++) moved = Math.max(moved, Math.abs(gotM[j] - initial[j]));
    assertThat(moved).isGreaterThan(minMove);
  }

  /** GaLore's own settings: external lr, no β₁, no parameter scaling; with weight decay. */
  @Test
  void adafactor_equals_the_reference_with_galore_settings() {
    checkAgainstReference(Config.galoreDefaults(0.05, 0.1), 1e-6, 1e-2);
  }

  /** β₁ moment, parameter scaling and the relative step (with warm-up init) too. */
  @Test
  void adafactor_equals_the_reference_with_beta1_scaling_and_relative_step() {
    checkAgainstReference(new Config(0.0, 1e-30, 1e-3, 1.0, -0.8, 0.9, 0.0, true, true, false), 1e-6, 1e-3);
    // warm-up init: steps of 1e-6·t·RMS(W), so the agreement (float32 rounding of W) must be
    // tighter than the movement
    checkAgainstReference(new Config(0.0, 1e-30, 1e-3, 0.5, -0.8, Double.NaN, 0.01, true, true, true), 1e-9, 5e-6);
  }

  /** Identity projection at full rank (α = 1) reduces GaLore-Adafactor to plain Adafactor. */
  @Test
  void identity_projection_at_full_rank_equals_adafactor() {
    torch.manual_seed(22);
    Tensor a = torch.randn(6, 4).requires_grad_(true);
    Tensor b = a.detach().clone().requires_grad_(true);
    Config c = Config.galoreDefaults(0.02, 0.0);
    GaLoreAdafactor projected = new GaLoreAdafactor(c, List.of(new Group("galore", Map.of("a", a),
        new Projection(64, 2, 1.0, GaLoreProjector.Type.IDENTITY), false)));
    GaLoreAdafactor plain = new GaLoreAdafactor(c, List.of(new Group("adafactor", Map.of("b", b), null, false)));
    for (int step = 0; step < 5; step++) {
      Tensor g = torch.randn(6, 4);
      setGrad(a, g);
      setGrad(b, g);
      projected.step();
      plain.step();
    }
    assertThat(maxAbsDiff(a, b)).isLessThan(1e-6);
  }

  /**
   * With the SVD projector the factored second moment lives in R's shape: for a wide 6 × 20 weight
   * at r = 2, R is 2 × 20, so row/col statistics are 2 + 20 floats, plus the 6 × 2 projector.
   */
  @Test
  void svd_projection_keeps_factored_state_of_the_projected_gradient() {
    torch.manual_seed(23);
    Tensor w = torch.randn(6, 20).requires_grad_(true);
    Tensor bias = torch.randn(6).requires_grad_(true);
    GaLoreAdafactor opt = new GaLoreAdafactor(Config.galoreDefaults(0.01, 0.0), List.of(
        new Group("galore", Map.of("w", w), Projection.svd(2, 3, 0.25), false),
        new Group("adafactor", Map.of("bias", bias), null, false)));
    Tensor before = null;
    for (int step = 0; step < 4; step++) {
      if (step == 3) before = w.detach().clone();
      setGrad(w, torch.randn(6, 20));
      setGrad(bias, torch.randn(6));
      opt.step();
    }
    Tensor[] f = opt.factors("w");
    assertThat(f[0].shape()).containsExactly(2);
    assertThat(f[1].shape()).containsExactly(20);
    assertThat(opt.projector("w").refreshes()).isEqualTo(2); // steps 0 and 3
    List<GroupState> b = opt.stateBreakdown();
    assertThat(b.get(0).momentBytes()).isEqualTo(4L * (2 + 20));
    assertThat(b.get(0).projectorBytes()).isEqualTo(4L * 6 * 2);
    assertThat(b.get(1).momentBytes()).isEqualTo(4L * 6); // 1-D: not factored
    assertThat(opt.stateBytes()).isEqualTo(4L * (22 + 12 + 6));
    // wide weight: left projector P (6 × 2) and every update α·P·N lies in P's column space. The
    // projector was refreshed at step 3, so check the last step's update alone
    Tensor p = opt.projector("w").matrix(); // (6, 2)
    Tensor delta = w.detach().sub(before);
    Tensor outside = delta.sub(p.mm(p.t()).mm(delta));
    assertThat(outside.abs().max().item_double()).isLessThan(1e-6);
    assertThat(delta.abs().max().item_double()).isGreaterThan(1e-4);
    assertThatThrownBy(() -> new GaLoreAdafactor(Config.galoreDefaults(0.01, 0), List.of(
        new Group("g", Map.of("x", torch.randn(3, 3)), null, true)))).hasMessageContaining("8-bit");
  }

  @Test
  void checkpoint_state_round_trip_continues_identically() {
    torch.manual_seed(24);
    Tensor w = torch.randn(7, 5).requires_grad_(true);
    Tensor w2 = w.detach().clone().requires_grad_(true);
    Config c = new Config(0.01, 1e-30, 1e-3, 1.0, -0.8, 0.9, 0.0, false, false, false);
    GaLoreAdafactor a = new GaLoreAdafactor(c, List.of(new Group("galore", Map.of("w", w), Projection.svd(2, 4, 0.25), false)));
    Tensor[] grads = new Tensor[6];
    for (int i = 0; i < 6; i++) grads[i] = torch.randn(7, 5);
    for (int i = 0; i < 3; i++) {
      setGrad(w, grads[i]);
      a.step();
    }
    Map<String, Tensor> state = new LinkedHashMap<>();
    a.stateTensors().forEach((k, v) -> state.put(k, v.clone()));
    try (var g = new org.bytedeco.pytorch.NoGradGuard()) {
      w2.copy_(w);
    }
    GaLoreAdafactor b = new GaLoreAdafactor(c, List.of(new Group("galore", Map.of("w", w2), Projection.svd(2, 4, 0.25), false)));
    b.loadStateTensors(state);
    for (int i = 3; i < 6; i++) {
      setGrad(w, grads[i]);
      a.step();
      setGrad(w2, grads[i]);
      b.step();
    }
    assertThat(maxAbsDiff(w, w2)).isEqualTo(0.0);
    state.remove("exp_avg.w");
    assertThatThrownBy(() -> b.loadStateTensors(state)).hasMessageContaining("exp_avg.w");
  }
}
