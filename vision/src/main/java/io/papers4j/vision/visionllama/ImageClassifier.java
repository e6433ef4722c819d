package io.papers4j.vision.visionllama;

import io.papers4j.core.nn.pos.PositionRule;
import io.papers4j.core.train.Trainable;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * What training, evaluation, checkpoints and the CLI need from a classifier of this package: the
 * plain VisionLLaMA / ViT ({@link VisionModel}) and the pyramid VisionLLaMA ({@link
 * PyramidVisionModel}).
 */
public interface ImageClassifier extends Trainable {
  /** What the two config records ({@link VisionConfig}, {@link PyramidConfig}) share. */
  interface Config {
    /** Training resolution in pixels (square). */
    int imageSize();

    /** ε of the label-smoothed training loss. */
    double labelSmoothing();
  }

  /** images (B, channels, H, W) → logits (B, classes). */
  Tensor forward(Tensor images);

  /** Selects how positions adapt to a new resolution (no effect at the training resolution). */
  ImageClassifier positionRule(PositionRule rule);

  /** "plain", "vit" or "pyramid". */
  String arch();

  /** Training resolution in pixels (square). */
  default int imageSize() {
    return config().imageSize();
  }

  /** The hyperparameter record ({@link VisionConfig} or {@link PyramidConfig}), serialised to config.json. */
  Config config();

  /** Cross-entropy with the config's label smoothing ε, mean over the batch; targets (B) int64. */
  @Override
  default Tensor loss(Tensor images, Tensor targets) {
    return torch.cross_entropy_loss(
        forward(images), targets, new TensorOptional(), 1 /* mean */, -100, config().labelSmoothing());
  }
}
