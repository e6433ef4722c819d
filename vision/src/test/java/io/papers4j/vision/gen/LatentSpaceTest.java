package io.papers4j.vision.gen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.papers4j.core.tensor.Engine;
import io.papers4j.core.train.ProgressBar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The latent space of a trained toy autoencoder: the measured shift and scale give the training
 * latents mean 0 and standard deviation 1 (SD3's convention), decode ∘ encode is the autoencoder's
 * own reconstruction, chunking changes nothing, and the statistics survive the checkpoint.
 */
class LatentSpaceTest {
  static LabelledImages shapes;
  static AutoencoderKL trained;

  @BeforeAll
  static void train() {
    Engine.init(2);
    shapes = LabelledImages.shapes(96, 5);
    trained = AutoencoderTraining.train(AutoencoderTest.TINY, shapes, new AutoencoderTraining.Recipe(15, 16, 2e-3, 1e-6, 3), ProgressBar.Mode.OFF).model();
  }

  static Tensor signed(Tensor x) {
    return x.mul(new Scalar(2.0)).sub(new Scalar(1.0));
  }

  @Test
  void shifted_and_scaled_training_latents_have_mean_0_and_std_1() {
    AutoencoderConfig c = trained.config();
    LatentSpace space = new LatentSpace(null, trained);
    Tensor z = space.encode(signed(shapes.images())); // (96, 4, 16, 16)
    Tensor raw;
    try (NoGradGuard g = new NoGradGuard()) {
      raw = trained.encode(signed(shapes.images())).mean();
    }
    System.out.printf("shift %.5f scale %.5f; raw latents mean %.5f std %.5f; space mean %.6f std %.6f%n", c.shiftFactor(), c.scalingFactor(),
        raw.mean().item_double(), raw.std().item_double(), z.mean().item_double(), z.std().item_double());
    assertThat(z.shape()).containsExactly(96, 4, 16, 16);
    assertThat(c.shiftFactor()).isCloseTo(raw.mean().item_double(), within(1e-4));
    assertThat(c.scalingFactor()).isCloseTo(1.0 / raw.std().item_double(), within(1e-3 / raw.std().item_double()));
    assertThat(z.mean().item_double()).isCloseTo(0.0, within(1e-4));
    assertThat(z.std().item_double()).isCloseTo(1.0, within(1e-3));
    // the measurement is the one a checkpoint carries: the shift is not trivially zero here
    assertThat(Math.abs(c.shiftFactor())).isGreaterThan(1e-6);
  }

  @Test
  void decode_of_encode_is_the_autoencoders_reconstruction_in_any_chunking() {
    LatentSpace space = new LatentSpace(null, trained);
    Tensor x = signed(LabelledImages.shapes(300, 9).images()); // more than one chunk of 256
    Tensor back = space.decode(space.encode(x));
    Tensor direct;
    try (NoGradGuard g = new NoGradGuard()) {
      direct = trained.reconstruct(x.narrow(0, 260, 40)).clamp(new org.bytedeco.pytorch.ScalarOptional(new Scalar(-1)),
          new org.bytedeco.pytorch.ScalarOptional(new Scalar(1)));
    }
    assertThat(back.shape()).containsExactly(300, 3, 32, 32);
    assertThat(back.narrow(0, 260, 40).sub(direct).abs().max().item_double()).isLessThan(1e-4);
    assertThat(space.shape(32)).containsExactly(4, 16);
    assertThatThrownBy(() -> space.shape(31)).hasMessageContaining("multiple of the autoencoder's factor 2");
    assertThatThrownBy(() -> space.decode(torch.zeros(1, 3, 16, 16))).hasMessageContaining("latents must be (B, 4, h, w)");
  }

  @Test
  void latent_statistics_round_trip_and_old_checkpoints_read_shift_0(@TempDir Path dir) throws Exception {
    AutoencoderCheckpoint.save(dir.resolve("ae"), trained, Map.of());
    LatentSpace back = LatentSpace.load(dir.resolve("ae"));
    assertThat(back.shift()).isEqualTo(trained.config().shiftFactor());
    assertThat(back.scale()).isEqualTo(trained.config().scalingFactor());
    assertThat(back.dir()).isEqualTo(dir.resolve("ae"));
    Path cfg = dir.resolve("ae/config.json");
    Files.writeString(cfg, Files.readString(cfg).replaceAll("\"shift_factor\" : [^,\\n]+,?", "\"shift_factor\" : null,"));
    assertThat(LatentSpace.load(dir.resolve("ae")).shift()).isZero();
  }
}
