package io.papers4j.core.optim;

import org.bytedeco.pytorch.Tensor;

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
}
