package io.papers4j.core.optim;

import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * What every hand-written optimizer here shares: its hyperparameter record (whose learning rate the
 * schedule moves), the learning-rate accessors and clearing the gradients of the parameters it
 * updates. {@link AdamBase} and GaLore's optimizers build on it.
 *
 * @param <C> the hyperparameter record
 */
public abstract class OptimizerBase<C extends OptimizerBase.Hyperparameters<C>> implements Optimizer {
  /** A hyperparameter record with a learning rate that a schedule can replace. */
  public interface Hyperparameters<C> {
    double lr();

    /** The same hyperparameters with learning rate {@code lr}. */
    C withLr(double lr);
  }

  protected C config;

  protected OptimizerBase(C config) {
    if (config == null) throw new IllegalArgumentException("optimizer got no hyperparameters");
    this.config = config;
  }

  /** The live parameters this optimizer updates (their gradients are cleared by {@link #zeroGrad}). */
  protected abstract Iterable<Tensor> trainedParameters();

  @Override
  public void zeroGrad() {
    for (Tensor p : trainedParameters()) {
      // Undefine rather than zero: the next backward writes fresh gradients and skips an add.
      if (p.grad().defined()) p.mutable_grad().reset();
    }
  }

  @Override
  public double learningRate() {
    return config.lr();
  }

  @Override
  public void setLearningRate(double lr) {
    config = config.withLr(lr);
  }

  /** The current hyperparameters (learning rate as last set by the schedule). */
  public C config() {
    return config;
  }

  // ---------------------------------------------------------------- state tensors

  /** A step counter as a state tensor (shape [1]). */
  public static Tensor stepState(long step) {
    return torch.full(new long[] {1}, new Scalar(step));
  }

  /** The step counter under {@code key}; fails naming the key when it is missing. */
  public static long readStep(Map<String, Tensor> state, String key) {
    Tensor step = state.get(key);
    if (step == null) throw new IllegalArgumentException("optimizer state is missing key " + key);
    return (long) step.item_double();
  }

  /**
   * Copies the state tensor under {@code key} into {@code into} (same element count, reshaped);
   * fails naming the key when it is missing or has another size.
   */
  public static void copyState(Map<String, Tensor> state, String key, Tensor into) {
    Tensor t = state.get(key);
    if (t == null) throw new IllegalArgumentException("optimizer state is missing key " + key);
    if (t.numel() != into.numel()) {
      throw new IllegalArgumentException("optimizer state " + key + " has " + t.numel() + " elements, expected "
          + into.numel());
    }
    try (NoGradGuard g = new NoGradGuard()) {
      into.copy_(t.reshape(into.sizes()));
    }
  }
}
