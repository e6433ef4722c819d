package io.papers4j.multimodal.vlm;

import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.tensor.Precision;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * Trains the small {@link Clip} on (image, caption) batches: AdamW, lr 5e-4, weight decay 0.1, a linear
 * warm-up over the first sixth of the steps, then cosine decay to a tenth (CLIP warms up too).
 *
 * <p>Why the warm-up: at initialisation every image embedding is nearly the same vector (spread
 * ~0.005 per dimension) and so is every caption's, and full-rate steps from there collapse both towers
 * onto one vector, where the loss sits at ln B with vanishing gradients. Measured on 32 fixed pairs of
 * single-object scenes: the loss stayed at ln 32 for 100 steps without warm-up and fell to 0.72 in 150
 * with 50 warm-up steps; on fresh batches, zero-shot colour accuracy after 300 steps rose from 73% to 100%.
 */
public final class ClipTraining {
  /** A batch: images (B, 3, S, S) in [0, 1] and their captions. */
  public record Batch(Tensor images, List<String> captions) {}

  /** Source of the batch of step i. */
  public interface Data {
    Batch batch(int step);
  }

  /** Called after every step. */
  public interface Progress {
    void step(int step, double loss);
  }

  private ClipTraining() {}

  public static double[] train(Clip clip, Data data, int steps, Progress progress) {
    return train(clip, data, steps, progress, Precision.F32);
  }

  /**
   * As above with the forward passes in {@code precision} (bf16 = CPU autocast; float32 weights,
   * gradients, AdamW state and loss).
   */
  public static double[] train(Clip clip, Data data, int steps, Progress progress, Precision precision) {
    return train(clip, data, steps, defaultWarmup(steps), progress, precision);
  }

  /**
   * As above with a warm-up of {@code warmupSteps} (at least 1; above {@code steps} the rate never reaches its
   * peak). A recipe that must not collapse at any length fixes its warm-up in steps rather than as a sixth.
   */
  public static double[] train(Clip clip, Data data, int steps, int warmupSteps, Progress progress, Precision precision) {
    if (steps < 1) throw new IllegalArgumentException("steps must be >= 1");
    if (warmupSteps < 1) throw new IllegalArgumentException("warm-up steps must be >= 1");
    AdamW opt = new AdamW(clip.namedParameters(), new AdamConfig(5e-4, 0.9, 0.98, 1e-6, 0.1),
        name -> !name.equals("logit_scale") && !name.endsWith("bias") && !name.contains("norm"));
    double[] losses = new double[steps];
    for (int s = 0; s < steps; s++) {
      opt.setLearningRate(learningRate(s, steps, warmupSteps));
      try (PointerScope scope = new PointerScope()) {
        Batch b = data.batch(s);
        Tensor loss;
        try (Precision.Region cast = precision.autocast()) {
          loss = clip.loss(b.images(), clip.encodeText(b.captions()));
        }
        opt.zeroGrad();
        precision.backward(loss);
        opt.step();
        losses[s] = loss.item_double();
      }
      if (progress != null) progress.step(s + 1, losses[s]);
    }
    return losses;
  }

  /** The default warm-up: the first sixth of the steps. */
  public static int defaultWarmup(int steps) {
    return Math.max(1, steps / 6);
  }

  /** The learning rate of step {@code s} of {@code steps}: linear warm-up over the first sixth, then cosine from 5e-4 to 5e-5. */
  static double learningRate(int s, int steps) {
    return learningRate(s, steps, defaultWarmup(steps));
  }

  /** As above with a warm-up of {@code warm} steps: 5e-4 · min(1, (s + 1) / warm) · (0.1 + 0.9 · ½ (1 + cos(π s / steps))). */
  static double learningRate(int s, int steps, int warm) {
    double cosine = 0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * s / steps));
    return 5e-4 * Math.min(1.0, (s + 1.0) / warm) * cosine;
  }
}
