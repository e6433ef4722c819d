package io.papers4j.vision.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.papers4j.core.data.FashionMnist;
import io.papers4j.core.tensor.Engine;
import io.papers4j.vision.visionllama.VisionCheckpoint;
import io.papers4j.vision.visionllama.VisionConfig;
import io.papers4j.vision.visionllama.VisionModel;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** papers4j visionllama eval and classify on a tiny untrained checkpoint, in float32 and under bf16 autocast. */
class VisionLlamaCommandTest {
  @TempDir Path dir;

  @BeforeAll
  static void init() {
    assumeTrue(Files.exists(FashionMnist.DEFAULT_DIR.resolve("t10k-images-idx3-ubyte.gz")), "needs Debian dataset-fashion-mnist");
    Engine.init(1);
  }

  static String run(String... args) throws Exception {
    return CliOutput.capture(() -> new CommandLine(new VisionLlamaCommand()).execute(args));
  }

  @Test
  void evalAndClassifyRunInBf16() throws Exception {
    Path ck = dir.resolve("ck");
    VisionCheckpoint.save(ck, new VisionModel(VisionConfig.plain().withSize(16, 1, 2, 32).withLayerScale(0), 3), Map.of("step", 0));

    Pattern top1 = Pattern.compile("top-1 ([0-9.]+) on 32 ");
    double[] acc = new double[2];
    String[] precisions = {"f32", "bf16"};
    for (int i = 0; i < 2; i++) {
      String out = run("eval", "--model", ck.toString(), "--test-images", "32", "--threads", "1", "--precision", precisions[i]);
      assertThat(out).contains(precisions[i]);
      Matcher m = top1.matcher(out);
      assertThat(m.find()).as(out).isTrue();
      acc[i] = Double.parseDouble(m.group(1));
      assertThat(acc[i]).isBetween(0.0, 1.0);
    }

    BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
    img.getGraphics().fillRect(8, 4, 12, 20);
    Path png = dir.resolve("shirt.png");
    ImageIO.write(img, "png", png.toFile());
    String out = run("classify", "--model", ck.toString(), png.toString(), "--precision", "bf16");
    // one "name p" line per class, probabilities finite and summing to 1 (softmax read back in float32)
    Matcher p = Pattern.compile("(?m)^\\s+\\S.*?\\s+([0-9.]+)$").matcher(out);
    double sum = 0;
    int lines = 0;
    while (p.find()) {
      sum += Double.parseDouble(p.group(1));
      lines++;
    }
    assertThat(lines).as(out).isEqualTo(FashionMnist.CLASSES.length);
    assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.01));
  }
}
