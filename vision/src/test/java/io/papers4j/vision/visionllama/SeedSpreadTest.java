package io.papers4j.vision.visionllama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The spread over seeds and the spec's 1B criteria, on hand-computed numbers. */
class SeedSpreadTest {
  @Test
  void mean_sample_std_min_and_max() {
    SeedSpread s = SeedSpread.of(0.5, 0.7, 0.6);
    assertThat(s.mean()).isCloseTo(0.6, within(1e-12));
    assertThat(s.std()).isCloseTo(0.1, within(1e-12)); // sqrt((0.01 + 0.01 + 0) / 2)
    assertThat(s.min()).isEqualTo(0.5);
    assertThat(s.max()).isEqualTo(0.7);
    assertThat(s.n()).isEqualTo(3);
    assertThat(SeedSpread.of(0.42).std()).isZero();
    assertThatThrownBy(SeedSpread::of).hasMessageContaining("no values");
  }

  @Test
  void criteria_are_read_at_twice_the_training_side() {
    assertThat(VisionLlamaReproduction.RESOLUTIONS[VisionLlamaReproduction.AT_2X]).isEqualTo(56);
    assertThat(VisionLlamaReproduction.RESOLUTIONS).contains(64); // 64/28 = 512/224, the paper's column
    Map<String, double[]> arms = Map.of(
        VisionLlamaReproduction.ROPE1D, new double[] {0.80, 0.5, 0.10, 0.1},
        VisionLlamaReproduction.ROPE2D, new double[] {0.80, 0.7, 0.60, 0.5},
        VisionLlamaReproduction.NTK, new double[] {0.80, 0.7, 0.61, 0.5},
        VisionLlamaReproduction.AS2D, new double[] {0.80, 0.79, 0.78, 0.77},
        VisionLlamaReproduction.VIT, new double[] {0.70, 0.69, 0.67, 0.6});
    VisionLlamaReproduction.Verdicts v = VisionLlamaReproduction.Verdicts.of(0.80, 0.70, 0.5, 0.4, arms);
    assertThat(v.claim1a()).isTrue();
    // AS2D 0.78 >= 0.60, 0.61; 2D - 1D = 0.50 >= 0.10; AS2D drops 0.02 < the ViT's 0.03
    assertThat(v.claim1b()).isTrue();
    Map<String, double[]> worse = new java.util.HashMap<>(arms);
    worse.put(VisionLlamaReproduction.VIT, new double[] {0.70, 0.70, 0.69, 0.6}); // the ViT drops 0.01 only
    assertThat(VisionLlamaReproduction.Verdicts.of(0.80, 0.70, 0.5, 0.4, worse).asBeatsVit()).isFalse();
    assertThat(VisionLlamaReproduction.Verdicts.of(0.80, 0.81, 0.5, 0.4, arms).parity()).isFalse();
  }

  @Test
  void a_third_seed_starts_only_when_it_fits_the_budget() {
    VisionLlamaPreset quick = VisionLlamaPreset.named("quick");
    assertThat(quick.startsSeed(0, 0)).isTrue();
    assertThat(quick.startsSeed(1, 1_000)).isTrue(); // two seeds always
    assertThat(quick.startsSeed(2, 2 * 155)).isTrue(); // 310 s + 155 s <= 720 s
    assertThat(quick.startsSeed(2, 2 * 293)).isFalse(); // 586 s + 293 s > 720 s
    assertThat(quick.startsSeed(3, 0)).isFalse(); // at most three
    VisionLlamaPreset smoke = VisionLlamaPreset.named("smoke");
    assertThat(smoke.startsSeed(1, 1e9)).isTrue();
    assertThat(smoke.startsSeed(2, 0)).isFalse();
  }
}
