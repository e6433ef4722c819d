package io.papers4j.core.optim;

import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * The optimizer interface that the training loop drives. Built-in AdamW and hand-written optimizers
 * (GaLore, 8-bit Adam, ...) implement it, so any of them plugs into {@code core.train}.
 */
public interface Optimizer {
  /** Applies one update from the gradients currently held by the parameters. */
  void step();

  /** Clears (or undefines) the gradients of all parameters. */
  void zeroGrad();

  /** Current learning rate of the base group; schedules call {@link #setLearningRate}. */
  double learningRate();

  void setLearningRate(double lr);

  /** Every state tensor under a stable name, for checkpoints (e.g. {@code exp_avg.<param>}). */
  Map<String, Tensor> stateTensors();

  /** Restores state written by {@link #stateTensors()}; fails naming the first missing key. */
  void loadStateTensors(Map<String, Tensor> state);

  /** Exact bytes held by optimizer state (moments, projectors, quantisation scales). */
  long stateBytes();
}
