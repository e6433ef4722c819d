package io.papers4j.lm.galore;

import io.papers4j.core.optim.OptimizerBase;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * What {@link GaLoreAdamW} and {@link GaLoreAdafactor} keep for every parameter besides its moments:
 * its name and group, the parameter, its projector (null without projection) and its step count.
 * Both write their state in one layout, per parameter in order: its moments (each optimizer's own
 * keys), {@code projector.<name>}, {@code step.<name>}.
 */
abstract class GaLoreSlot {
  final String name;
  final String group;
  final Tensor param;
  final GaLoreProjector projector; // null without projection
  long step;

  GaLoreSlot(String name, String group, Tensor param, GaLoreProjector projector) {
    this.name = name;
    this.group = group;
    this.param = param;
    this.projector = projector;
  }

  /** Puts this parameter's moment tensors into {@code out}. */
  abstract void putMoments(Map<String, Tensor> out);

  /** Restores the moment tensors written by {@link #putMoments}; fails naming a missing key. */
  abstract void loadMoments(Map<String, Tensor> state);

  /** Every slot's moments, projector and step, in slot order. */
  static Map<String, Tensor> stateTensors(Iterable<? extends GaLoreSlot> slots) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (GaLoreSlot s : slots) {
      s.putMoments(out);
      if (s.projector != null) s.projector.putState(s.name, out);
      out.put("step." + s.name, OptimizerBase.stepState(s.step));
    }
    return out;
  }

  /** Restores what {@link #stateTensors} wrote. */
  static void loadStateTensors(Iterable<? extends GaLoreSlot> slots, Map<String, Tensor> state) {
    for (GaLoreSlot s : slots) {
      s.loadMoments(state);
      if (s.projector != null) s.projector.loadState(s.name, state);
      s.step = OptimizerBase.readStep(state, "step." + s.name);
    }
  }
}
