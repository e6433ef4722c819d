package io.papers4j.vision.flow;

import org.bytedeco.pytorch.Tensor;

/**
 * What the training loss and the samplers need of a network: its config (image size, channels,
 * condition dropout), the prediction for (z_t, network time, condition) and the null condition of
 * classifier-free guidance. {@link FlowModel} is the trained one; tests plug in exact velocity
 * fields of closed-form distributions to check that training, sampler and guidance share one
 * convention.
 */
public interface FlowNet {
  FlowConfig config();

  /** z (B, ch, S, S), network time (B) (1000·σ for rectified flow) → prediction (B, ch, S, S). */
  Tensor forward(Tensor z, Tensor t, Cond cond);

  /** The unconditional input of classifier-free guidance for a batch of b. */
  Cond nullCond(long batch);

  /** {@code cond} with the examples flagged in {@code drop} replaced by the null condition. */
  Cond drop(Cond cond, boolean[] drop);
}
