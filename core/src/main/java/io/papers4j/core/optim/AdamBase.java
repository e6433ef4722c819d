package io.papers4j.core.optim;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * What {@link AdamW} and {@link HfAdamW} share: named parameters, the weight-decay split, the
 * per-parameter {@link AdamMoments}, and checkpointing of that state.
 *
 * <p>State tensors are named {@code exp_avg.<param>}, {@code exp_avg_sq.<param>} and {@code
 * step.<param>} (an int64 scalar), so a checkpoint round-trips exactly. Moments are created at a
 * parameter's first update, shaped like the tensor handed to the Adam arithmetic (the gradient
 * itself, or its low-rank projection in GaLore).
 */
public abstract class AdamBase extends OptimizerBase<AdamConfig> {
  protected final Map<String, Tensor> params;
  protected final Predicate<String> decays;
  protected final Map<String, AdamMoments> moments = new LinkedHashMap<>();

  /**
   * @param params live parameters by name (e.g. {@code model.namedParameters()})
   * @param config hyperparameters; {@code config.lr()} is the starting learning rate
   * @param decays which parameter names get weight decay (e.g. {@link
   *     WeightDecay#EXCLUDE_NORMS_BIASES_EMBEDDINGS})
   */
  protected AdamBase(Map<String, Tensor> params, AdamConfig config, Predicate<String> decays) {
    super(config);
    if (params.isEmpty()) throw new IllegalArgumentException("optimizer got no parameters");
    this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    this.decays = decays;
  }

  /** Updates one parameter from its gradient (called without autograd recording). */
  protected abstract void update(String name, Tensor param, Tensor grad, boolean decay);

  @Override
  public void step() {
    try (NoGradGuard noGrad = new NoGradGuard()) {
      for (Map.Entry<String, Tensor> e : params.entrySet()) {
        Tensor g = e.getValue().grad();
        if (!g.defined()) continue; // no gradient reached this parameter (e.g. unused)
        update(e.getKey(), e.getValue(), g, decays.test(e.getKey()));
      }
    }
  }

  /** The moments of {@code key}, created (zero, shaped like {@code like}) on first use. */
  protected AdamMoments moments(String key, Tensor like) {
    return moments.computeIfAbsent(key, k -> new AdamMoments(like));
  }

  @Override
  protected Iterable<Tensor> trainedParameters() {
    return params.values();
  }

  public Map<String, Tensor> parameters() {
    return params;
  }

  @Override
  public Map<String, Tensor> stateTensors() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, AdamMoments> e : moments.entrySet()) {
      AdamMoments m = e.getValue();
      out.put("exp_avg." + e.getKey(), m.expAvg);
      out.put("exp_avg_sq." + e.getKey(), m.expAvgSq);
      out.put("step." + e.getKey(), Tensor.create(new long[] {m.step}, new long[0]));
    }
    return out;
  }

  @Override
  public void loadStateTensors(Map<String, Tensor> state) {
    Map<String, AdamMoments> loaded = new LinkedHashMap<>();
    for (String key : state.keySet()) {
      int dot = key.indexOf('.');
      String kind = dot < 0 ? key : key.substring(0, dot);
      if (!List.of("exp_avg", "exp_avg_sq", "step").contains(kind)) continue; // a subclass's key
      String name = key.substring(dot + 1);
      if (!params.containsKey(name)) {
        throw new IllegalArgumentException(
            "optimizer state key '" + key + "' names no parameter of this model");
      }
      if (loaded.containsKey(name)) continue;
      Tensor m = require(state, "exp_avg." + name);
      Tensor v = require(state, "exp_avg_sq." + name);
      Tensor t = require(state, "step." + name);
      if (!Arrays.equals(m.shape(), v.shape())) {
        throw new IllegalArgumentException(
            "optimizer state of '" + name + "': exp_avg and exp_avg_sq have different shapes");
      }
      checkMomentShape(name, m);
      if (t.numel() != 1) {
        throw new IllegalArgumentException("optimizer state 'step." + name + "' must hold one value");
      }
      Tensor p = params.get(name);
      loaded.put(
          name,
          new AdamMoments(
              m.to(p.scalar_type()).clone(), v.to(p.scalar_type()).clone(), t.item_long()));
      // clone(): the loaded tensors may view a memory-mapped file (DESIGN.md trap 8).
    }
    moments.clear();
    moments.putAll(loaded);
  }

  /** Checks a loaded moment's shape; by default it must equal the parameter's. */
  protected void checkMomentShape(String name, Tensor moment) {
    long[] want = params.get(name).shape();
    long[] got = moment.shape();
    if (!Arrays.equals(want, got)) {
      throw new IllegalArgumentException(
          "optimizer state 'exp_avg." + name + "' has shape " + Arrays.toString(got)
              + " but the parameter has " + Arrays.toString(want));
    }
  }

  private static Tensor require(Map<String, Tensor> state, String key) {
    Tensor t = state.get(key);
    if (t == null) throw new IllegalArgumentException("optimizer state is missing '" + key + "'");
    return t;
  }

  @Override
  public long stateBytes() {
    long b = 0;
    for (AdamMoments m : moments.values()) b += m.bytes();
    return b;
  }
}
