package io.papers4j.vision.visionllama;

import io.papers4j.core.nn.pos.PositionRule;
import io.papers4j.core.train.Trainable;
import org.bytedeco.pytorch.Tensor;

/**
 * What training, evaluation, checkpoints and the CLI need from a classifier of this package: the
 * plain VisionLLaMA / ViT ({@link VisionModel}) and the pyramid VisionLLaMA ({@link
 * PyramidVisionModel}).
 */
public interface ImageClassifier extends Trainable {
  /** images (B, channels, H, W) → logits (B, classes). */
  Tensor forward(Tensor images);

  /** Selects how positions adapt to a new resolution (no effect at the training resolution). */
  ImageClassifier positionRule(PositionRule rule);

  /** "plain", "vit" or "pyramid". */
  String arch();

  /** Training resolution in pixels (square). */
  int imageSize();

  /** The hyperparameter record ({@link VisionConfig} or {@link PyramidConfig}), serialised to config.json. */
  Object config();
}
