package io.papers4j.multimodal.vlm;

import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.tensor.Precision;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/** Trains the small {@link Clip} on (image, caption) batches: AdamW, lr 5e-4, weight decay 0.1, cosine decay. */
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
    if (steps < 1) throw new IllegalArgumentException("steps must be >= 1");
    AdamW opt = new AdamW(clip.namedParameters(), new AdamConfig(5e-4, 0.9, 0.98, 1e-6, 0.1),
        name -> !name.equals("logit_scale") && !name.endsWith("bias") && !name.contains("norm"));
    double[] losses = new double[steps];
    for (int s = 0; s < steps; s++) {
      opt.setLearningRate(5e-4 * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * s / steps))));
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
}
