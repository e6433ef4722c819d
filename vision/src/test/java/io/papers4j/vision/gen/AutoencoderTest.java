package io.papers4j.vision.gen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tensor.Precision;
import io.papers4j.core.train.ProgressBar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The latent autoencoder at toy widths: shapes and diffusers names, the KL closed form, training, checkpoints, bad input. */
class AutoencoderTest {
  static final AutoencoderConfig TINY = new AutoencoderConfig(3, new int[] {8, 16}, 1, 4, 4, 32, 1.0);

  @BeforeAll
  static void init() {
    Engine.init(2);
  }

  @Test
  void latents_are_f_times_smaller_and_tensors_carry_diffusers_names() {
    AutoencoderKL ae = new AutoencoderKL(TINY, 1);
    Tensor x = torch.rand(2, 3, 32, 32).mul(new Scalar(2)).sub(new Scalar(1));
    AutoencoderKL.Posterior q = ae.encode(x);
    assertThat(q.mean().shape()).containsExactly(2, 4, 16, 16);
    assertThat(q.logvar().shape()).containsExactly(2, 4, 16, 16);
    assertThat(ae.decode(q.mean()).shape()).containsExactly(2, 3, 32, 32);
    assertThat(ae.namedParameters()).containsKeys(
        "encoder.conv_in.weight", "encoder.down_blocks.0.resnets.0.norm1.weight", "encoder.down_blocks.0.resnets.0.conv1.weight",
        "encoder.down_blocks.0.downsamplers.0.conv.weight", "encoder.down_blocks.1.resnets.0.conv_shortcut.weight",
        "encoder.mid_block.resnets.1.conv2.bias", "encoder.conv_norm_out.weight", "encoder.conv_out.weight", "quant_conv.weight",
        "post_quant_conv.weight", "decoder.conv_in.weight", "decoder.mid_block.resnets.0.conv1.weight", "decoder.up_blocks.0.resnets.1.conv2.weight",
        "decoder.up_blocks.0.upsamplers.0.conv.weight", "decoder.up_blocks.1.resnets.0.conv_shortcut.weight", "decoder.conv_out.bias");
    assertThat(ae.namedParameters()).doesNotContainKey("decoder.up_blocks.1.upsamplers.0.conv.weight");
    assertThat(ae.namedParameters().get("encoder.conv_out.weight").shape()).containsExactly(8, 16, 3, 3);
    assertThat(ae.namedParameters().get("quant_conv.weight").shape()).containsExactly(8, 8, 1, 1);
  }

  @Test
  void kl_is_the_closed_form_of_two_gaussians() {
    // KL(N(μ, σ²) ‖ N(0, 1)) = ½(μ² + σ² − 1 − log σ²) per element; μ = 0.5, log σ² = ln 2 gives ½(0.25 + 2 − 1 − ln 2).
    Tensor mean = torch.full(new long[] {3, 2, 2, 2}, new Scalar(0.5));
    Tensor logvar = torch.full(new long[] {3, 2, 2, 2}, new Scalar(Math.log(2)));
    double expected = 8 * 0.5 * (0.25 + 2 - 1 - Math.log(2));
    Tensor kl = new AutoencoderKL.Posterior(mean, logvar).kl();
    assertThat(kl.shape()).containsExactly(3);
    assertThat(kl.get(2).item_double()).isCloseTo(expected, within(1e-5));
    assertThat(new AutoencoderKL.Posterior(torch.zeros(1, 2, 2, 2), torch.zeros(1, 2, 2, 2)).kl().item_double()).isZero();
    assertThat(AutoencoderTraining.psnr(0.01)).isCloseTo(20.0, within(1e-12));
  }

  @Test
  void training_lowers_the_reconstruction_error_and_the_checkpoint_round_trips(@TempDir Path dir) throws Exception {
    LabelledImages data = LabelledImages.shapes(64, 4);
    AutoencoderKL untrained = new AutoencoderKL(TINY, 5);
    double before = AutoencoderTraining.evaluate(untrained, data.images()).mse();
    AutoencoderTraining.Run run = AutoencoderTraining.train(TINY, data, new AutoencoderTraining.Recipe(40, 16, 3e-3, 1e-6, 5), ProgressBar.Mode.OFF);
    AutoencoderTraining.Metrics after = AutoencoderTraining.evaluate(run.model(), data.images());
    List<Double> l = run.losses();
    System.out.printf("MSE untrained %.4f, after 40 steps %.4f (PSNR %.2f dB); loss %.4f -> %.4f; scaling factor %.3f%n",
        before, after.mse(), after.psnr(), l.get(0), l.get(l.size() - 1), run.model().config().scalingFactor());
    assertThat(after.mse()).isLessThan(before / 2);
    assertThat(run.model().config().scalingFactor()).isPositive().isNotEqualTo(1.0);

    Path ckpt = dir.resolve("ae");
    AutoencoderCheckpoint.save(ckpt, run.model(), Map.of("data", "shapes"));
    AutoencoderKL back = AutoencoderCheckpoint.load(ckpt);
    assertThat(back.config()).isEqualTo(run.model().config());
    Tensor x = data.images().narrow(0, 0, 4);
    try (NoGradGuard g = new NoGradGuard()) {
      assertThat(AutoencoderTraining.reconstruct(back, x).sub(AutoencoderTraining.reconstruct(run.model(), x)).abs().max().item_double()).isZero();
    }
    assertThat(Files.readString(ckpt.resolve("config.json"))).contains("\"_class_name\" : \"AutoencoderKL\"", "\"latent_channels\" : 4");
  }

  @Test
  void bad_checkpoints_and_images_give_one_clear_message(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> AutoencoderCheckpoint.load(dir.resolve("missing"))).hasMessageContaining("no such checkpoint directory");
    Path other = dir.resolve("other");
    Files.createDirectories(other);
    Files.writeString(other.resolve("config.json"), "{\"_class_name\": \"SD3Transformer2DModel\"}");
    assertThatThrownBy(() -> AutoencoderCheckpoint.load(other)).hasMessageContaining("_class_name is 'SD3Transformer2DModel', expected AutoencoderKL");
    Path wrongShape = dir.resolve("wrong");
    AutoencoderCheckpoint.save(wrongShape, new AutoencoderKL(TINY, 1), new HashMap<>());
    String cfg = Files.readString(wrongShape.resolve("config.json")).replace("\"latent_channels\" : 4", "\"latent_channels\" : 16");
    Files.writeString(wrongShape.resolve("config.json"), cfg);
    assertThatThrownBy(() -> AutoencoderCheckpoint.load(wrongShape)).hasMessageContaining("encoder.conv_out.weight"); // the first tensor whose shape depends on latent_channels
    AutoencoderKL ae = new AutoencoderKL(TINY, 1);
    assertThatThrownBy(() -> ae.encode(torch.rand(1, 1, 32, 32))).hasMessageContaining("takes images (B, 3, H, W)");
    assertThatThrownBy(() -> ae.encode(torch.rand(1, 3, 31, 31))).hasMessageContaining("multiples of 2");
    assertThatThrownBy(() -> new AutoencoderConfig(3, new int[] {8, 12}, 1, 4, 8, 32, 1.0)).hasMessageContaining("multiple of norm_num_groups");
  }

  /**
   * bf16 autocast: the first loss comes from the same weights and batch as in float32, so only
   * bfloat16 rounding (8 significant bits) separates them; the weights stay float32.
   */
  @Test
  void bf16TrainingTracksFloat32() {
    LabelledImages data = LabelledImages.shapes(32, 4);
    AutoencoderTraining.Recipe recipe = new AutoencoderTraining.Recipe(3, 8, 3e-3, 1e-6, 5);
    org.bytedeco.pytorch.global.torch.manual_seed(21); // the same noise draws in both runs
    AutoencoderTraining.Run f32 = AutoencoderTraining.train(TINY, data, recipe, ProgressBar.Mode.OFF, Precision.F32);
    org.bytedeco.pytorch.global.torch.manual_seed(21); // the same noise draws in both runs
    AutoencoderTraining.Run bf16 = AutoencoderTraining.train(TINY, data, recipe, ProgressBar.Mode.OFF, Precision.BF16);
    assertThat(bf16.losses()).allMatch(Double::isFinite);
    assertThat(bf16.losses().get(0)).isNotEqualTo(f32.losses().get(0)).isCloseTo(f32.losses().get(0), withinPercentage(3));
    bf16.model().namedParameters().forEach((k, v) -> assertThat(v.scalar_type().intern()).as(k).isEqualTo(org.bytedeco.pytorch.global.torch.ScalarType.Float));
  }
}
