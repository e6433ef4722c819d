package io.papers4j.core.data;

import io.papers4j.core.train.Batch;
import io.papers4j.core.train.TrainData;
import io.papers4j.core.train.Trainable;
import java.util.function.UnaryOperator;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Top-1 accuracy of an image classifier over the validation batches, optionally with the images resized (bilinear). */
public final class Accuracy {
  private Accuracy() {}

  /**
   * @param model switched to evaluation mode for the pass and back to training mode after it
   * @param logits images (B, C, H, W) → logits (B, classes), usually {@code model::forward}
   * @param resolution test side in pixels; images are bilinearly upsampled to it when it differs
   *     from theirs (the spec's resolution-generalisation protocol, no retraining)
   * @return fraction correct in [0, 1]
   */
  public static double of(Trainable model, UnaryOperator<Tensor> logits, TrainData data, int resolution) {
    long correct = 0;
    long total = 0;
    model.train(false);
    try {
      for (int i = 0; i < data.validationBatches(); i++) {
        try (PointerScope scope = new PointerScope();
            NoGradGuard ng = new NoGradGuard()) {
          Batch b = data.validation(i);
          Tensor x = resize(b.inputs(), resolution);
          Tensor pred = logits.apply(x).argmax(new org.bytedeco.pytorch.LongOptional(1), false);
          correct += pred.eq(b.targets()).sum().item_long();
          total += b.items();
        }
      }
    } finally {
      model.train(true);
    }
    return (double) correct / total;
  }

  /** (B, C, H, W) → (B, C, side, side), bilinear (align_corners = false), unchanged if already there. */
  public static Tensor resize(Tensor images, int side) {
    if (images.size(2) == side && images.size(3) == side) return images;
    return torch.upsample_bilinear2d(images, new long[] {side, side}, false);
  }
}
