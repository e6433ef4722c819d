package io.papers4j.vision.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.tensor.Engine;
import io.papers4j.vision.gen.AutoencoderCheckpoint;
import io.papers4j.vision.gen.AutoencoderConfig;
import io.papers4j.vision.gen.AutoencoderKL;
import io.papers4j.vision.pixart.PixArtCheckpoint;
import io.papers4j.vision.pixart.PixArtConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The weak-to-strong "new autoencoder" step: a pixel model continues in an AutoencoderKL latent space, then samples through the decoder. */
class PixArtLatentCommandTest {
  @TempDir Path dir;

  @BeforeAll
  static void init() {
    Engine.init(1);
  }

  @Test
  void aPixelModelMovesToALatentSpaceAndSamplesThroughTheDecoder() throws Exception {
    Path ae = dir.resolve("ae");
    // an untrained 1 → 4-channel autoencoder with f = 2: 28×28 images become 4×14×14 latents
    AutoencoderCheckpoint.save(ae, new AutoencoderKL(new AutoencoderConfig(1, new int[] {8, 16}, 1, 4, 4, 28, 1.0), 0),
        Checkpoint.runInfo(Map.of(), 0, "none", 0));
    Path weak = dir.resolve("weak");
    assertThat(PixArtCommandTest.run("train", "--steps", "1", "--batch", "2", "--train-images", "4", "--width", "16", "--depth", "2",
        "--heads", "2", "--threads", "1", "--out", weak.toString())).isZero();
    Path latent = dir.resolve("latent");
    assertThat(PixArtCommandTest.run("train", "--init-from", weak.toString(), "--latent", ae.toString(), "--steps", "1", "--batch", "2",
        "--train-images", "4", "--threads", "1", "--out", latent.toString())).isZero();
    PixArtConfig c = PixArtCheckpoint.readConfig(latent);
    assertThat(c.channels()).isEqualTo(4);
    assertThat(c.imageSize()).isEqualTo(14);
    assertThat(c.grid()).isEqualTo(7); // odd grid
    assertThat(c.baseSize()).isEqualTo(14); // positions interpolated over the weak model's 14×14 range
    String info = Files.readString(latent.resolve("papers4j.json"));
    assertThat(info).contains("autoencoder", "x_embedder.proj.weight", "final_layer.linear.weight"); // re-initialised: 4 channels, not 1
    Path grid = dir.resolve("g.png");
    assertThat(PixArtCommandTest.run("sample", "--model", latent.toString(), "--class", "bag", "--steps", "2", "--n", "2", "--out", grid.toString())).isZero();
    assertThat(grid).exists();
  }
}
