package io.papers4j.vision.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.tensor.Engine;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Smoke test of papers4j autoencoder train|reconstruct at toy size, and its bad-input exits. */
class AutoencoderCommandTest {
  @TempDir Path dir;
  final StringWriter err = new StringWriter();

  int run(String... args) {
    Engine.init(2);
    CommandLine cl = new CommandLine(new AutoencoderCommand());
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  @Test
  void train_then_reconstruct_on_shapes() throws Exception {
    Path model = dir.resolve("ae");
    assertThat(run("train", "--data", "shapes", "--steps", "3", "--batch", "4", "--widths", "8,16", "--norm-groups", "4", "--latent-channels", "8",
        "--train-images", "16", "--test-images", "8", "--out", model.toString())).as(err.toString()).isZero();
    for (String f : new String[] {"config.json", "model.safetensors", "papers4j.json"}) assertThat(model.resolve(f)).exists();
    assertThat(Files.readString(model.resolve("papers4j.json"))).contains("test_psnr_db", "\"data\" : \"shapes\"");
    Path grid = dir.resolve("grid.png");
    assertThat(run("reconstruct", "--model", model.toString(), "--n", "6", "--grid-columns", "3", "--out", grid.toString(), "--each", dir.resolve("each").toString()))
        .as(err.toString()).isZero();
    BufferedImage g = ImageIO.read(grid.toFile());
    assertThat(g.getWidth()).isEqualTo(3 * 34 + 2);
    assertThat(g.getHeight()).isEqualTo(2 * 34 + 2);
    assertThat(dir.resolve("each/reconstruction_0002.png")).exists();
    // bad input: one non-zero exit each, nothing written
    assertThat(run("reconstruct", "--model", dir.resolve("missing").toString())).isNotZero();
    assertThat(run("reconstruct", "--model", model.toString(), "--data", "fashion-mnist", "--n", "4")).isNotZero();
    assertThat(err.toString()).contains("this autoencoder takes 3-channel images");
    assertThat(run("train", "--data", "cifar", "--out", dir.resolve("x").toString())).isNotZero();
    assertThat(dir.resolve("x")).doesNotExist();
  }
}
