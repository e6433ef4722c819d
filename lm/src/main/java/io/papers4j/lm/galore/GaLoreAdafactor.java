package io.papers4j.lm.galore;

import io.papers4j.core.optim.LongLived;
import io.papers4j.core.optim.OptimizerBase;
import io.papers4j.lm.galore.GaLoreAdamW.Group;
import io.papers4j.lm.galore.GaLoreAdamW.GroupState;
import io.papers4j.lm.galore.GaLoreAdamW.Projection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * GaLore-Adafactor ({@code galore_torch/adafactor.py}): Hugging Face's Adafactor (Shazeer and Stern
 * 2018) applied to the GaLore-projected gradient R of each projected weight, and to the plain
 * gradient elsewhere. Per parameter, step t counted from 1:
 *
 * <pre>
 *   R    = project(G)                            (refresh when t-1 mod T = 0, as in GaLore-AdamW)
 *   U    = R² + ε₁
 *   β₂ₜ  = 1 − t^c                               (c = decay_rate = −0.8)
 *   2-D:  r ← β₂ₜ·r + (1−β₂ₜ)·mean_cols(U)        (one float per row)
 *         c ← β₂ₜ·c + (1−β₂ₜ)·mean_rows(U)        (one float per column)
 *         V̂ = (r / mean(r)) ⊗ c                  (rank-1 estimate of the second moment)
 *   1-D:  v ← β₂ₜ·v + (1−β₂ₜ)·U,  V̂ = v
 *   N    = R / sqrt(V̂)
 *   N   ← N / max(1, RMS(N) / d)                 (update clipping, d = clip_threshold = 1)
 *   N   ← ρₜ·N                                   (ρₜ: the learning rate, see below)
 *   β₁:   M ← β₁·M + (1−β₁)·N,  N = M            (only when β₁ is set; GaLore's scripts leave it off)
 *   W   ← W − η·λ·W   (decay with the scaled learning rate, before the update, as the reference)
 *   W   ← W − projectBack(N)                     (projectBack includes α)
 * </pre>
 *
 * ρₜ = η (the external, scheduled learning rate) unless {@code relativeStep}: then ρₜ = min(10⁻²,
 * 1/√t) (or min(10⁻⁶·t, 1/√t) with {@code warmupInit}); with {@code scaleParameter} it is multiplied
 * by max(ε₂, RMS(W)). GaLore's {@code torchrun_main.py} uses the external learning rate without
 * parameter scaling and without β₁: {@link Config#galoreDefaults}.
 *
 * <p>State: for a projected m × n weight the factored second moment of R takes max(m, n) + r'
 * floats and the projector r'·min(m, n); un-projected 2-D weights take m + n, 1-D ones n; β₁ adds
 * one float per element of R.
 */
public final class GaLoreAdafactor extends OptimizerBase<GaLoreAdafactor.Config> {

  /**
   * Adafactor hyperparameters.
   *
   * @param lr external learning rate η (scheduled by the trainer)
   * @param eps1 ε₁ added to R² (1e-30)
   * @param eps2 ε₂, floor of the parameter scale (1e-3)
   * @param clipThreshold d of the update clipping (1.0)
   * @param decayRate c of β₂ₜ = 1 − t^c (−0.8)
   * @param beta1 β₁ of the optional first moment; NaN = none (GaLore's default)
   * @param weightDecay λ (0)
   * @param scaleParameter multiply the step by max(ε₂, RMS(W)) (false in GaLore's scripts)
   * @param relativeStep time-dependent step min(10⁻², 1/√t) instead of η (false)
   * @param warmupInit with relativeStep: min(10⁻⁶·t, 1/√t) (false)
   */
  public record Config(double lr, double eps1, double eps2, double clipThreshold, double decayRate, double beta1,
      double weightDecay, boolean scaleParameter, boolean relativeStep, boolean warmupInit)
      implements OptimizerBase.Hyperparameters<Config> {
    public Config {
      if (warmupInit && !relativeStep) throw new IllegalArgumentException("warmupInit requires relativeStep");
      if (!Double.isNaN(beta1) && (beta1 < 0 || beta1 >= 1)) {
        throw new IllegalArgumentException("beta1 must be in [0, 1) or NaN (none), got " + beta1);
      }
    }

    /** GaLore's {@code torchrun_main.py}: external lr, no scaling, no β₁, decay λ. */
    public static Config galoreDefaults(double lr, double weightDecay) {
      return new Config(lr, 1e-30, 1e-3, 1.0, -0.8, Double.NaN, weightDecay, false, false, false);
    }

    @Override
    public Config withLr(double v) {
      return new Config(v, eps1, eps2, clipThreshold, decayRate, beta1, weightDecay, scaleParameter, relativeStep,
          warmupInit);
    }

    boolean firstMoment() {
      return !Double.isNaN(beta1);
    }
  }

  /** Per-parameter state. */
  private static final class Slot extends GaLoreSlot {
    final boolean factored;
    final Tensor row; // factored: (a) for R of shape (a, b)
    final Tensor col; // factored: (b)
    final Tensor v; // not factored: R's shape
    final Tensor m; // β₁ set: R's shape, else null

    Slot(String name, String group, Tensor param, GaLoreProjector projector, long[] shape, boolean firstMoment) {
      super(name, group, param, projector);
      this.factored = shape.length >= 2;
      if (factored && shape.length != 2) throw new IllegalArgumentException(name + ": Adafactor here handles up to 2-D");
      this.row = factored ? LongLived.keep(torch.zeros(shape[0])) : null;
      this.col = factored ? LongLived.keep(torch.zeros(shape[1])) : null;
      this.v = factored ? null : LongLived.keep(torch.zeros(shape));
      this.m = firstMoment ? LongLived.keep(torch.zeros(shape)) : null;
    }

    long stateBytes() {
      return (row != null ? row.nbytes() + col.nbytes() : v.nbytes()) + (m != null ? m.nbytes() : 0);
    }

    @Override
    void putMoments(Map<String, Tensor> out) {
      if (factored) {
        out.put("exp_avg_sq_row." + name, row);
        out.put("exp_avg_sq_col." + name, col);
      } else {
        out.put("exp_avg_sq." + name, v);
      }
      if (m != null) out.put("exp_avg." + name, m);
    }

    @Override
    void loadMoments(Map<String, Tensor> state) {
      if (factored) {
        OptimizerBase.copyState(state, "exp_avg_sq_row." + name, row);
        OptimizerBase.copyState(state, "exp_avg_sq_col." + name, col);
      } else {
        OptimizerBase.copyState(state, "exp_avg_sq." + name, v);
      }
      if (m != null) OptimizerBase.copyState(state, "exp_avg." + name, m);
    }
  }

  private final List<Group> groups;
  private final Map<String, Slot> slots = new LinkedHashMap<>();

  /** @param groups disjoint groups; {@code eightBit} is not supported (no 8-bit Adafactor here) */
  public GaLoreAdafactor(Config config, List<Group> groups) {
    super(config);
    this.groups = List.copyOf(groups);
    for (Group g : groups) {
      if (g.eightBit()) throw new IllegalArgumentException("GaLore-Adafactor has no 8-bit variant (group " + g.name() + ")");
      for (Map.Entry<String, Tensor> e : g.params().entrySet()) {
        String name = e.getKey();
        if (slots.containsKey(name)) throw new IllegalArgumentException("parameter " + name + " is in two groups");
        Tensor p = e.getValue();
        long[] shape = p.sizes().vec().get();
        GaLoreProjector proj = null;
        if (g.projection() != null) {
          if (shape.length != 2) {
            throw new IllegalArgumentException(
                "GaLore projects 2-D weights only; parameter " + name + " has " + shape.length + " dimensions");
          }
          Projection pr = g.projection();
          proj = new GaLoreProjector(shape[0], shape[1], pr.rank(), pr.updateProjGap(), pr.scale(), pr.type());
          shape = proj.projectedShape();
        }
        slots.put(name, new Slot(name, g.name(), p, proj, shape, config.firstMoment()));
      }
    }
  }

  @Override
  public void step() {
    for (Slot s : slots.values()) {
      Tensor g = s.param.grad();
      if (g.defined()) update(s, g);
    }
  }

  private static double rms(Tensor t) {
    return t.norm().item_double() / Math.sqrt(t.numel());
  }

  private double stepSize(Slot s) {
    double rel = config.lr();
    if (config.relativeStep()) {
      double minStep = config.warmupInit() ? 1e-6 * s.step : 1e-2;
      rel = Math.min(minStep, 1.0 / Math.sqrt(s.step));
    }
    double paramScale = config.scaleParameter() ? Math.max(config.eps2(), rms(s.param)) : 1.0;
    return paramScale * rel;
  }

  private void update(Slot s, Tensor grad) {
    // one scope per parameter: the temporaries of this update (projected gradient, dequantised
    // moments, bucketize indices) are freed before the next parameter's, instead of piling up until
    // the end of the training step; every state tensor is long-lived and written with copy_
    try (PointerScope scope = new PointerScope();
        NoGradGuard noGrad = new NoGradGuard()) {
      Tensor r = s.projector != null ? s.projector.project(grad, s.step) : grad; // R
      r = r.to(torch.ScalarType.Float);
      s.step++;
      double lr = stepSize(s);
      double beta2t = 1.0 - Math.pow(s.step, config.decayRate());
      Tensor u = r.mul(r).add_(new Scalar(config.eps1())); // R² + ε₁
      Tensor n;
      if (s.factored) {
        s.row.mul_(new Scalar(beta2t)).add_(u.mean(new long[] {-1}), new Scalar(1 - beta2t)); // (a)
        s.col.mul_(new Scalar(beta2t)).add_(u.mean(new long[] {-2}), new Scalar(1 - beta2t)); // (b)
        Tensor rFactor = s.row.div(s.row.mean()).rsqrt().unsqueeze(-1); // (a, 1)
        Tensor cFactor = s.col.unsqueeze(-2).rsqrt(); // (1, b)
        n = rFactor.mul(cFactor).mul_(r); // (a, b)
      } else {
        s.v.mul_(new Scalar(beta2t)).add_(u, new Scalar(1 - beta2t));
        n = s.v.rsqrt().mul_(r);
      }
      double clip = Math.max(1.0, rms(n) / config.clipThreshold());
      n.div_(new Scalar(clip)).mul_(new Scalar(lr));
      if (s.m != null) {
        s.m.mul_(new Scalar(config.beta1())).add_(n, new Scalar(1 - config.beta1()));
        n = s.m;
      }
      Tensor full = s.projector != null ? s.projector.projectBack(n) : n; // (m, n), α included
      if (config.weightDecay() != 0) s.param.add_(s.param, new Scalar(-config.weightDecay() * lr));
      s.param.sub_(full);
    }
  }

  @Override
  protected Iterable<Tensor> trainedParameters() {
    return slots.values().stream().map(s -> s.param).toList();
  }

  /** The projector of {@code name}, or null when the parameter is not projected. */
  public GaLoreProjector projector(String name) {
    return slot(name).projector;
  }

  /** The factored second-moment row and column statistics of {@code name} (null when 1-D). */
  public Tensor[] factors(String name) {
    Slot s = slot(name);
    return s.factored ? new Tensor[] {s.row, s.col} : null;
  }

  private Slot slot(String name) {
    Slot s = slots.get(name);
    if (s == null) throw new IllegalArgumentException("no parameter called " + name);
    return s;
  }

  @Override
  public Map<String, Tensor> stateTensors() {
    return GaLoreSlot.stateTensors(slots.values());
  }

  @Override
  public void loadStateTensors(Map<String, Tensor> state) {
    GaLoreSlot.loadStateTensors(slots.values(), state);
  }

  @Override
  public long stateBytes() {
    long total = 0;
    for (GroupState g : stateBreakdown()) total += g.totalBytes();
    return total;
  }

  /** Optimizer-state bytes per group (second-moment factors and β₁ moments count as moments). */
  public List<GroupState> stateBreakdown() {
    List<GroupState> out = new ArrayList<>();
    for (Group g : groups) {
      long params = 0, moments = 0, projectors = 0;
      for (Slot s : slots.values()) {
        if (!s.group.equals(g.name())) continue;
        params += s.param.numel();
        moments += s.stateBytes();
        if (s.projector != null) projectors += s.projector.bytes();
      }
      out.add(new GroupState(g.name(), params, moments, projectors, 0));
    }
    return out;
  }
}
