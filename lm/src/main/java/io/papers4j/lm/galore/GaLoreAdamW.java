package io.papers4j.lm.galore;

import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamMoments;
import io.papers4j.core.optim.BlockwiseInt8;
import io.papers4j.core.optim.LongLived;
import io.papers4j.core.optim.OptimizerBase;
import io.papers4j.core.optim.QuantMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * GaLore-AdamW: the Hugging Face-style AdamW of the GaLore code, with optional gradient low-rank
 * projection per parameter group and optional block-wise int8 moments. One code path covers four of
 * the paper's optimizers: full-rank AdamW (no projection), 8-bit Adam (int8 moments), GaLore
 * (projection) and 8-bit GaLore (both).
 *
 * <p>Per parameter W with gradient G and step t (counted from 1):
 *
 * <pre>
 *   R   = project(G)                 (= G without projection; the projector refreshes when t-1 mod T = 0)
 *   M  ← β1·M + (1−β1)·R
 *   V  ← β2·V + (1−β2)·R²
 *   N   = M / (sqrt(V) + ε)          (ε not bias-corrected)
 *   η_t = η·sqrt(1−β2^t)/(1−β1^t)    (bias correction folded into the step size)
 *   W  ← W − η_t·projectBack(N)      (projectBack includes the scale α)
 *   W  ← W − η·λ·W                   (decoupled decay after the update, not scaled by α)
 * </pre>
 *
 * Moments stay in the projected space and are <b>not</b> reset when the projector is refreshed,
 * exactly as the official code. Int8 moments use the dynamic code books of {@link QuantMap} (signed
 * for M, unsigned for V) with per-block absmax; moments with fewer than {@code min8bitSize} elements
 * stay float32, as bitsandbytes does.
 */
public final class GaLoreAdamW extends OptimizerBase<AdamConfig> {

  /**
   * GaLore settings of a group.
   *
   * @param rank r (128 for the 60M model, d/4)
   * @param updateProjGap T, steps between SVD refreshes (200)
   * @param scale α, multiplies the back-projected update (0.25; not divided by r)
   * @param type SVD (the paper) or IDENTITY (tests)
   */
  public record Projection(int rank, int updateProjGap, double scale, GaLoreProjector.Type type) {
    public Projection {
      if (rank <= 0) throw new IllegalArgumentException("--rank must be > 0, got " + rank);
      if (updateProjGap <= 0) {
        throw new IllegalArgumentException("--update-gap must be > 0, got " + updateProjGap);
      }
    }

    public static Projection svd(int rank, int updateProjGap, double scale) {
      return new Projection(rank, updateProjGap, scale, GaLoreProjector.Type.SVD);
    }
  }

  /** A named group of parameters sharing one treatment; {@code projection} null = plain AdamW. */
  public record Group(
      String name, Map<String, Tensor> params, Projection projection, boolean eightBit) {}

  /**
   * Optimizer-state bytes of one group.
   *
   * @param group group name
   * @param parameters number of parameter elements in the group
   * @param momentBytes exp_avg + exp_avg_sq (int8 codes for 8-bit moments)
   * @param projectorBytes GaLore projectors
   * @param scaleBytes per-block absmax scales of int8 moments
   */
  public record GroupState(
      String group, long parameters, long momentBytes, long projectorBytes, long scaleBytes) {
    public long totalBytes() {
      return momentBytes + projectorBytes + scaleBytes;
    }
  }

  /** Per-parameter state. */
  private static final class Slot extends GaLoreSlot {
    final Moment expAvg;
    final Moment expAvgSq;

    Slot(String name, String group, Tensor param, GaLoreProjector projector, Moment m, Moment v) {
      super(name, group, param, projector);
      this.expAvg = m;
      this.expAvgSq = v;
    }

    @Override
    void putMoments(Map<String, Tensor> out) {
      expAvg.putState("exp_avg." + name, out);
      expAvgSq.putState("exp_avg_sq." + name, out);
    }

    @Override
    void loadMoments(Map<String, Tensor> state) {
      expAvg.loadState("exp_avg." + name, state);
      expAvgSq.loadState("exp_avg_sq." + name, state);
    }
  }

  private final List<Group> groups;
  private final Map<String, Slot> slots = new LinkedHashMap<>();
  private final Tensor signedCodes; // shared code books, null if no int8 moment exists
  private final Tensor unsignedCodes;

  /**
   * @param config AdamW hyperparameters ({@link AdamConfig#hfDefaults}: GaLore's β (0.9, 0.999), ε
   *     1e-6, no decay; GaLore uses lr 0.01 with α = 0.25, full-rank AdamW ≤ 0.001)
   * @param groups disjoint parameter groups
   * @param blockSize int8 block size ({@link BlockwiseInt8#DEFAULT_BLOCK})
   * @param min8bitSize moments with fewer elements stay float32 (4,096 in bitsandbytes)
   */
  public GaLoreAdamW(AdamConfig config, List<Group> groups, int blockSize, int min8bitSize) {
    super(config);
    this.groups = List.copyOf(groups);
    boolean anyInt8 = false;
    for (Group g : groups) {
      for (Map.Entry<String, Tensor> e : g.params().entrySet()) {
        long[] shape = e.getValue().sizes().vec().get();
        long[] momentShape = shape;
        if (g.projection() != null) {
          if (shape.length != 2) {
            throw new IllegalArgumentException(
                "GaLore projects 2-D weights only; parameter " + e.getKey() + " has "
                    + shape.length + " dimensions");
          }
          momentShape = GaLoreProjector.projectedShape(shape[0], shape[1], g.projection().rank());
        }
        if (g.eightBit() && numel(momentShape) >= min8bitSize) anyInt8 = true;
      }
    }
    signedCodes = anyInt8 ? LongLived.keep(QuantMap.DYNAMIC_SIGNED.tensor()) : null;
    unsignedCodes = anyInt8 ? LongLived.keep(QuantMap.DYNAMIC_UNSIGNED.tensor()) : null;
    for (Group g : groups) {
      for (Map.Entry<String, Tensor> e : g.params().entrySet()) {
        String name = e.getKey();
        if (slots.containsKey(name)) {
          throw new IllegalArgumentException("parameter " + name + " is in two groups");
        }
        Tensor p = e.getValue();
        long[] shape = p.sizes().vec().get();
        GaLoreProjector proj = null;
        long[] momentShape = shape;
        if (g.projection() != null) {
          Projection pr = g.projection();
          proj = new GaLoreProjector(shape[0], shape[1], pr.rank(), pr.updateProjGap(), pr.scale(),
              pr.type());
          momentShape = proj.projectedShape();
        }
        boolean int8 = g.eightBit() && numel(momentShape) >= min8bitSize;
        Moment m = int8 ? Moment.int8(momentShape, blockSize, signedCodes) : Moment.fp32(momentShape);
        Moment v =
            int8 ? Moment.int8(momentShape, blockSize, unsignedCodes) : Moment.fp32(momentShape);
        slots.put(name, new Slot(name, g.name(), p, proj, m, v));
      }
    }
  }

  private static long numel(long[] shape) {
    long n = 1;
    for (long d : shape) n *= d;
    return n;
  }

  /** Names of the parameters this optimizer updates, in order. */
  public List<String> parameterNames() {
    return new ArrayList<>(slots.keySet());
  }

  /** The live parameter tensor called {@code name}. */
  public Tensor parameter(String name) {
    return slot(name).param;
  }

  /** The projector of {@code name}, or null when the parameter is not projected. */
  public GaLoreProjector projector(String name) {
    return slot(name).projector;
  }

  /** Optimizer steps taken by {@code name}. */
  public long steps(String name) {
    return slot(name).step;
  }

  /** exp_avg of {@code name} as float32 (dequantised copy for int8 moments). */
  public Tensor expAvg(String name) {
    return slot(name).expAvg.read();
  }

  /** exp_avg_sq of {@code name} as float32 (dequantised copy for int8 moments). */
  public Tensor expAvgSq(String name) {
    return slot(name).expAvgSq.read();
  }

  private Slot slot(String name) {
    Slot s = slots.get(name);
    if (s == null) throw new IllegalArgumentException("no parameter called " + name);
    return s;
  }

  @Override
  public void step() {
    for (Slot s : slots.values()) {
      Tensor g = s.param.grad();
      if (g.defined()) update(s, g);
    }
  }

  /**
   * Updates one parameter from {@code grad}; the reusable unit that {@link PerLayerUpdates} calls
   * from inside the backward pass.
   */
  public void update(String name, Tensor grad) {
    update(slot(name), grad);
  }

  private void update(Slot s, Tensor grad) {
    // one scope per parameter: the temporaries of this update (projected gradient, dequantised
    // moments, bucketize indices) are freed before the next parameter's, instead of piling up until
    // the end of the training step; every state tensor is long-lived and written with copy_
    try (PointerScope scope = new PointerScope();
        NoGradGuard noGrad = new NoGradGuard()) {
      Tensor r = s.projector != null ? s.projector.project(grad, s.step) : grad; // projected R
      s.step++;
      Tensor m = s.expAvg.read();
      Tensor v = s.expAvgSq.read();
      Tensor n = AdamMoments.normalised(m, v, r, config); // N = M / (sqrt(V) + ε), in the projected space
      s.expAvg.write(m);
      s.expAvgSq.write(v);
      double lr = config.lr();
      double stepSize = AdamMoments.hfStepSize(lr, config, s.step);
      Tensor update = s.projector != null ? s.projector.projectBack(n) : n; // (m, n)
      s.param.add_(update, new Scalar(-stepSize));
      if (config.weightDecay() > 0) s.param.add_(s.param, new Scalar(-lr * config.weightDecay()));
    }
  }

  @Override
  protected Iterable<Tensor> trainedParameters() {
    return slots.values().stream().map(s -> s.param).toList();
  }

  public List<Group> groups() {
    return groups;
  }

  @Override
  public Map<String, Tensor> stateTensors() {
    return GaLoreSlot.stateTensors(slots.values());
  }

  @Override
  public void loadStateTensors(Map<String, Tensor> state) {
    GaLoreSlot.loadStateTensors(slots.values(), state);
  }

  /** Exact bytes of moments, projectors, int8 scales and the shared code books. */
  @Override
  public long stateBytes() {
    long total = 0;
    for (GroupState g : stateBreakdown()) total += g.totalBytes();
    return total + codebookBytes();
  }

  /** Bytes of the two shared int8 code books (0 without int8 moments). */
  public long codebookBytes() {
    return (signedCodes == null ? 0 : signedCodes.nbytes())
        + (unsignedCodes == null ? 0 : unsignedCodes.nbytes());
  }

  /** Optimizer-state bytes per group, in group order. */
  public List<GroupState> stateBreakdown() {
    List<GroupState> out = new ArrayList<>();
    for (Group g : groups) {
      long params = 0, moments = 0, projectors = 0, scales = 0;
      for (Slot s : slots.values()) {
        if (!s.group.equals(g.name())) continue;
        params += s.param.numel();
        moments += s.expAvg.bytes() - s.expAvg.scaleBytes() + s.expAvgSq.bytes()
            - s.expAvgSq.scaleBytes();
        scales += s.expAvg.scaleBytes() + s.expAvgSq.scaleBytes();
        if (s.projector != null) projectors += s.projector.bytes();
      }
      out.add(new GroupState(g.name(), params, moments, projectors, scales));
    }
    return out;
  }
}
