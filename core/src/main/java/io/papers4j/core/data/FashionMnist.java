package io.papers4j.core.data;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Fashion-MNIST (Xiao et al. 2017): 60k training and 10k test images, 28×28 grayscale, 10 garment
 * classes, read from Debian's {@code dataset-fashion-mnist} package (IDX files under {@code
 * /usr/share/datasets/fashion-mnist}). Images stay as bytes in memory (47 MB for the training set);
 * {@link #images} turns a selection into a normalised float tensor.
 */
public final class FashionMnist {
  public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
  public static final String DEBIAN_PACKAGE = "dataset-fashion-mnist";
  public static final String[] CLASSES = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"
  };
  /** Mean and standard deviation of the training pixels in [0, 1] (the usual normalisation). */
  public static final double MEAN = 0.2860;
  public static final double STD = 0.3530;
  public static final int SIZE = 28;

  /** One split: {@code pixels} (N·28·28 bytes) and {@code labels} (N). */
  public record Split(byte[] pixels, byte[] labels, int count) {
    public int label(int i) {
      return labels[i] & 0xff;
    }
  }

  private FashionMnist() {}

  /** {@code split} is "train" or "t10k" (test). */
  public static Split load(String split) {
    return load(DEFAULT_DIR, split);
  }

  public static Split load(Path dir, String split) {
    if (!split.equals("train") && !split.equals("t10k")) {
      throw new IllegalArgumentException("Fashion-MNIST split must be train or t10k, got " + split);
    }
    Path images = dir.resolve(split + "-images-idx3-ubyte.gz");
    Path labels = dir.resolve(split + "-labels-idx1-ubyte.gz");
    if (!Files.isRegularFile(images) || !Files.isRegularFile(labels)) {
      throw new IllegalStateException(
          "Fashion-MNIST not found at " + images + "; install the Debian package " + DEBIAN_PACKAGE
              + " (scripts/setup --reproduce, or apt-get install " + DEBIAN_PACKAGE + ")");
    }
    IdxReader.IdxArray img = IdxReader.read(images);
    IdxReader.IdxArray lab = IdxReader.read(labels);
    if (img.dims().length != 3 || img.dims()[1] != SIZE || img.dims()[2] != SIZE) {
      throw new IllegalArgumentException(images + ": expected N×28×28 images");
    }
    if (lab.dims().length != 1 || lab.count() != img.count()) {
      throw new IllegalArgumentException(labels + ": " + lab.count() + " labels for " + img.count() + " images");
    }
    return new Split(img.data(), lab.data(), img.count());
  }

  /** Normalised images (B, 1, 28, 28) float32 from B·28·28 raw bytes. */
  public static Tensor images(byte[] pixels, int count) {
    float[] f = new float[count * SIZE * SIZE];
    for (int i = 0; i < f.length; i++) f[i] = (float) (((pixels[i] & 0xff) / 255.0 - MEAN) / STD);
    return Tensor.create(f).view(count, 1, SIZE, SIZE);
  }

  /** Labels (B) int64. */
  public static Tensor labels(int[] labels) {
    long[] l = new long[labels.length];
    for (int i = 0; i < l.length; i++) l[i] = labels[i];
    return Tensor.create(l).to(ScalarType.Long);
  }
}
