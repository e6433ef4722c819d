package io.papers4j.vision.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.tensor.Engine;
import io.papers4j.vision.gen.CaptionedShapes;
import io.papers4j.vision.gen.SampleGrid;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** papers4j gen classifier|score at toy size: the classifier is cached under the papers4j home and PNG folders are scored. */
class GenCommandTest {
  @TempDir Path dir;
  final StringWriter err = new StringWriter();

  int run(String... args) {
    Engine.init(2);
    System.setProperty("papers4j.home", dir.resolve("home").toString());
    CommandLine cl = new CommandLine(new GenCommand());
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  @AfterEach
  void clear() {
    System.clearProperty("papers4j.home");
  }

  @Test
  void classifier_is_cached_and_png_folders_are_scored() throws Exception {
    String[] clf = {"--data", "shapes", "--steps", "15", "--train-images", "256"};
    assertThat(run(concat(new String[] {"classifier", "--test-images", "32"}, clf))).as(err.toString()).isZero();
    try (var s = Files.list(dir.resolve("home/gen/eval-classifier"))) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("shapes-15-256-0");
    }
    Path real = dir.resolve("real");
    SampleGrid.writeEach(CaptionedShapes.generate(12, 9).images(), real, "sample", false);
    assertThat(run(concat(new String[] {"score", "--images", real.toString(), "--real", "32"}, clf))).as(err.toString()).isZero();
    // bad input: a missing folder, images of the wrong size
    assertThat(run(concat(new String[] {"score", "--images", dir.resolve("none").toString()}, clf))).isNotZero();
    Path small = dir.resolve("small");
    SampleGrid.writeEach(torch.rand(3, 3, 16, 16), small, "sample", false);
    assertThat(run(concat(new String[] {"score", "--images", small.toString(), "--real", "32"}, clf))).isNotZero();
    assertThat(err.toString()).contains("images are 16x16, the Shapes classifier takes 32x32");
  }

  static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
