package io.papers4j.vision.pixart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.report.Result;
import io.papers4j.core.tensor.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reproduction end to end at smoke size: every arm, curve, verdict, plot and file; a part alone. */
class PixArtReproductionSmokeTest {
  @TempDir Path dir;

  @BeforeAll
  static void init() {
    Engine.init(1);
  }

  @Test
  @SuppressWarnings("unchecked")
  void smokeReproductionWritesTheFullReport() throws Exception {
    Result r = new PixArtReproduction().run("smoke", dir);
    for (String f : new String[] {"result.json", "README.md", "fd_per_arm.png", "block_forward_ms.png", "weak_to_strong_captions.png",
        "samples_base_cfg3.png", "samples_ii_deep_conv_cfg3.png", "w2s_resolution_fd.png", "w2s_vae_fd.png"}) {
      assertThat(dir.resolve(f)).as(f).exists();
    }
    Map<String, Object> m = r.metrics();
    assertThat(m).containsKeys("base", "zero_shot_deep_conv", "finetuned", "block_forward_ms", "weak_to_strong",
        "weak_to_strong_long_captions_val_loss", "verdicts").doesNotContainKey("parts");
    assertThat(m.get("pretrain_steps")).isEqualTo(3L);
    assertThat((Map<String, Object>) m.get("finetuned")).containsOnlyKeys(PixArtReproduction.ARMS);
    Map<String, Object> w2s = (Map<String, Object>) m.get("weak_to_strong");
    assertThat(w2s).containsOnlyKeys("resolution", "vae");
    Map<String, Object> res = (Map<String, Object>) w2s.get("resolution");
    // smoke: 2 steps scored every step; the adapted model also at step 0
    assertThat((List<?>) res.get("adapted")).hasSize(3);
    assertThat((List<?>) res.get("scratch")).hasSize(2);
    assertThat(res).containsKeys("scratch_final_fd", "adapted_steps_to_scratch_final_fd", "fd_gap_adapted_minus_scratch");
    assertThat(res.get("weak_tokens")).isEqualTo(49);
    assertThat(res.get("strong_tokens")).isEqualTo(196);
    assertThat(((Map<String, Object>) w2s.get("vae")).get("latent_shape")).isEqualTo(List.of(4, 7, 7));
    Map<String, Object> v = (Map<String, Object>) m.get("verdicts");
    assertThat(v).hasSize(7).containsKeys("w2s_resolution_adapted_reaches_scratch_final_fd_in_fewer_steps",
        "w2s_vae_adapted_reaches_scratch_final_fd_in_fewer_steps");
    assertThat(Files.readString(dir.resolve("README.md"))).contains("Pass criteria", "FD-FashionMNIST", "8.532", "PE interpolation",
        "Steps for the adapted model to reach", "w2s_vae_fd.png", "about 2K steps");
  }

  @Test
  @SuppressWarnings("unchecked")
  void partW2sRunsAloneAndRemovesAnEarlierRunsPlots() throws Exception {
    Files.writeString(dir.resolve("fd_per_arm.png"), "stale");
    Result r = new PixArtReproduction().run("smoke", List.of("W2S"), dir);
    assertThat(dir.resolve("fd_per_arm.png")).doesNotExist();
    assertThat(dir.resolve("w2s_resolution_fd.png")).exists();
    Map<String, Object> m = r.metrics();
    assertThat(m.get("parts")).isEqualTo(List.of("w2s"));
    assertThat(m).containsKeys("weak_to_strong", "parts_measured_at").doesNotContainKeys("finetuned", "base");
    assertThat((Map<String, Object>) m.get("verdicts")).hasSize(2);
    assertThat(Files.readString(dir.resolve("README.md"))).contains("Only part w2s was measured in this run").doesNotContain("Tab. 3");
  }

  @Test
  void presetsNameTheirPartsAndUnknownPartsAreRefused() {
    assertThat(PixArtReproduction.preset("quick").parts()).containsExactly("4e");
    assertThat(PixArtReproduction.preset("full").parts()).containsExactly("4e", "w2s");
    assertThat(new PixArtReproduction().parts()).containsExactly("4e", "w2s");
    assertThatThrownBy(() -> new PixArtReproduction().run("smoke", List.of("5a"), dir)).hasMessageContaining("unknown part '5a'")
        .hasMessageContaining("4e, w2s");
  }
}
