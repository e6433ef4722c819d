package io.papers4j.core.train;

import io.papers4j.core.nn.Parameterized;
import org.bytedeco.pytorch.Tensor;

/** A model the training loop can fit: a differentiable scalar loss for a batch. */
public interface Trainable extends Parameterized {
  /**
   * Mean loss over the batch. For a language model {@code inputs} are token ids (B, T) and
   * {@code targets} the next ids (B, T); for a classifier, images and labels.
   */
  Tensor loss(Tensor inputs, Tensor targets);

  /** Switches dropout and similar layers; models without such layers ignore it. */
  default void train(boolean on) {}
}
