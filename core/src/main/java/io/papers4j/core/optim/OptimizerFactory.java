package io.papers4j.core.optim;

import java.util.Map;

/**
 * How a training run gets its optimizer: the training glue of a model family asks the factory,
 * and only the command layer decides which factory (AdamW, GaLore, LoRA, ...) that is. A factory
 * may change the model before building the optimizer over its parameters (LoRA installs
 * adapters), so it is called once, after the model is built and before training starts.
 *
 * @param <M> the model type the factory knows how to prepare
 */
public interface OptimizerFactory<M> {
  /** Prepares {@code model} if the method needs it and returns the optimizer over its parameters. */
  Optimizer create(M model);

  /** What the run record ({@code papers4j.json}) says about the optimizer. */
  Map<String, Object> describe();

  /**
   * True when the optimizer updates each weight inside backward and frees its gradient, so the
   * training loop can neither clip nor accumulate gradients.
   */
  default boolean updatesInsideBackward() {
    return false;
  }
}
