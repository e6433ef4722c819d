package io.papers4j.vision.pixart;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.report.Result;
import io.papers4j.core.tensor.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reproduction end to end at smoke size: every arm, verdict, plot and file. */
class PixArtReproductionSmokeTest {
  @TempDir Path dir;

  @BeforeAll
  static void init() {
    Engine.init(1);
  }

  @Test
  void smokeReproductionWritesTheFullReport() throws Exception {
    Result r = new PixArtReproduction().run("smoke", dir);
    for (String f : new String[] {"result.json", "README.md", "fd_per_arm.png", "block_forward_ms.png", "weak_to_strong_captions.png",
        "samples_base_cfg3.png", "samples_ii_deep_conv_cfg3.png"}) {
      assertThat(dir.resolve(f)).as(f).exists();
    }
    Map<String, Object> m = r.metrics();
    assertThat(m).containsKeys("base", "zero_shot_deep_conv", "finetuned", "block_forward_ms", "weak_to_strong_long_captions_val_loss", "verdicts");
    assertThat(m.get("pretrain_steps")).isEqualTo(3L);
    @SuppressWarnings("unchecked")
    Map<String, Object> tuned = (Map<String, Object>) m.get("finetuned");
    assertThat(tuned).containsOnlyKeys(PixArtReproduction.ARMS);
    @SuppressWarnings("unchecked")
    Map<String, Object> v = (Map<String, Object>) m.get("verdicts");
    assertThat(v).hasSize(5);
    assertThat(Files.readString(dir.resolve("README.md"))).contains("Pass criteria", "FD-FashionMNIST", "8.532");
  }
}
