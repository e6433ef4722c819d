package io.papers4j.vision.tryon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.papers4j.core.data.FashionMnist;
import io.papers4j.core.report.Result;
import io.papers4j.core.tensor.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reproduction end to end at smoke size: every arm, the sweep, the verdicts, the figure and the report files. */
class OotdReproductionSmokeTest {
  @TempDir Path dir;

  @Test
  void smoke_reproduction_writes_the_full_report() throws Exception {
    assumeTrue(Files.exists(FashionMnist.DEFAULT_DIR.resolve("t10k-images-idx3-ubyte.gz")), "needs Debian dataset-fashion-mnist");
    Engine.init(2);
    System.setProperty("papers4j.home", dir.resolve("home").toString());
    Path out = Files.createDirectories(dir.resolve("report"));
    Result r = new OotdReproduction().run("smoke", out);
    for (String f : new String[] {"result.json", "README.md", "guidance_sweep.png", "training_loss.png", "tryon_examples.png"}) {
      assertThat(out.resolve(f)).as(f).exists();
    }
    Map<String, Object> m = r.metrics();
    assertThat(m).containsKeys("arms", "guidance_sweep_A", "verdicts", "texture_classifier_accuracy");
    assertThat(m.get("steps_per_arm")).isEqualTo(3L);
    @SuppressWarnings("unchecked")
    Map<String, Object> arms = (Map<String, Object>) m.get("arms");
    assertThat(arms).containsOnlyKeys("A_fusion", "B_global", "C_concat", "A0_fusion_no_dropout");
    @SuppressWarnings("unchecked")
    Map<String, Object> rowA = (Map<String, Object>) arms.get("A_fusion");
    assertThat(rowA).containsKeys("texture_fidelity_unclipped", "ssim_unclipped", "lpips_proxy_unclipped");
    assertThat(Files.readString(out.resolve("README.md"))).contains("Garment guidance sweep", "LPIPS-proxy", "0.878", "Sampler ablation on A");
  }
}
