package io.papers4j.vision.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.tensor.Engine;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.vision.flow.FlowCheckpoint;
import io.papers4j.vision.flow.FlowConfig;
import io.papers4j.vision.flow.FlowData;
import io.papers4j.vision.gen.AutoencoderCheckpoint;
import io.papers4j.vision.gen.AutoencoderConfig;
import io.papers4j.vision.gen.AutoencoderTraining;
import io.papers4j.vision.gen.LabelledImages;
import io.papers4j.vision.gen.LatentSpace;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * papers4j flow train --latent at smoke size: a toy autoencoder's latent space (4 channels, f = 2),
 * a flow model on its 16×16 latents, the autoencoder saved with it, samples decoded to 32-px RGB,
 * eval in pixel space; bad input gives one message each.
 */
class FlowLatentCommandTest {
  @TempDir static Path dir;
  static Path ae;

  @BeforeAll
  static void autoencoder() {
    Engine.init(1);
    AutoencoderConfig tiny = new AutoencoderConfig(3, new int[] {8, 16}, 1, 4, 4, 32, 1.0);
    var run = AutoencoderTraining.train(tiny, LabelledImages.shapes(32, 1), new AutoencoderTraining.Recipe(3, 8, 1e-3, 1e-6, 0), ProgressBar.Mode.OFF);
    ae = dir.resolve("ae");
    AutoencoderCheckpoint.save(ae, run.model(), Map.of());
  }

  @Test
  void aLatentModelTrainsSamplesThroughTheDecoderAndEvaluatesInPixels() throws Exception {
    Path ck = dir.resolve("latent-ck");
    assertThat(FlowCommandTest.run("train", "--data", "shapes", "--arch", "dit", "--latent", ae.toString(), "--patch", "4", "--steps", "2",
        "--batch", "4", "--train-images", "8", "--threads", "1", "--out", ck.toString())).isZero();
    FlowConfig c = FlowCheckpoint.readConfig(ck);
    assertThat(c.channels()).isEqualTo(4);
    assertThat(c.imageSize()).isEqualTo(16);
    assertThat(ck.resolve("vae/model.safetensors")).exists();
    assertThat(ck.resolve("non_ema/model.safetensors")).exists();
    LatentSpace space = FlowCheckpoint.latentSpace(ck);
    assertThat(space.scale()).isEqualTo(LatentSpace.load(ae).scale());
    assertThat(space.shift()).isEqualTo(LatentSpace.load(ae).shift());

    // the training data the model saw are the shifted, scaled latents of the images
    FlowData px = FlowData.shapes(8, 4, 4, 0);
    FlowData lat = px.inLatentSpace(space);
    Tensor expected = space.encode(px.testImages());
    assertThat(lat.testImages().shape()).containsExactly(4, 4, 16, 16);
    assertThat(lat.testImages().sub(expected).abs().max().item_double()).isZero();

    Path grid = dir.resolve("latent.png");
    assertThat(FlowCommandTest.run("sample", "--model", ck.toString(), "--prompt", "large red circle centre", "--steps", "2", "--n", "2",
        "--out", grid.toString())).isZero();
    BufferedImage one = ImageIO.read(dir.resolve("latent").resolve("sample_0000.png").toFile());
    assertThat(one.getWidth()).isEqualTo(32); // decoded to pixels, not a 16-px latent
    assertThat(FlowCommandTest.run("eval", "--model", ck.toString(), "--samples", "4", "--steps", "2", "--classifier-steps", "2",
        "--classifier-images", "64", "--threads", "1")).isZero();
  }

  @Test
  void badLatentInputGivesOneMessage() {
    Path out = dir.resolve("never");
    assertThatThrownBy(() -> FlowCommandTest.run("train", "--data", "shapes", "--latent", dir.resolve("missing").toString(), "--out", out.toString()))
        .hasMessageContaining("no such checkpoint directory");
    assertThatThrownBy(() -> FlowCommandTest.run("train", "--data", "fashion-mnist", "--latent", ae.toString(), "--out", out.toString()))
        .hasMessageContaining("the autoencoder takes 3-channel images, fashion-mnist has 1");
    assertThatThrownBy(() -> FlowCommandTest.run("train", "--data", "shapes", "--latent", ae.toString(), "--image-size", "32", "--out", out.toString()))
        .hasMessageContaining("--image-size cannot be combined with --latent");
    assertThat(out).doesNotExist();
  }
}
