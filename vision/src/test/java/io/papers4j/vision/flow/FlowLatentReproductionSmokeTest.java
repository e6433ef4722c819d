package io.papers4j.vision.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.report.Result;
import io.papers4j.core.tensor.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** reproduce rectified-flow-latent end to end at smoke size: the table, verdict, plots and grids. */
class FlowLatentReproductionSmokeTest {
  @TempDir Path dir;

  @Test
  void theLatentPartRunsAloneAndWritesItsReport() throws Exception {
    Engine.init(1);
    Result r = new FlowLatentReproduction().run("smoke", dir);
    for (String f : new String[] {"result.json", "README.md", "latent_psnr.png", "latent_fd.png", "samples_latent_L4.png", "samples_latent_L8.png"}) {
      assertThat(dir.resolve(f)).as(f).exists();
    }
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> t = (Map<String, Map<String, Object>>) r.metrics().get("latent");
    assertThat(t).containsOnlyKeys("L4", "L8");
    assertThat((Double) t.get("L4").get("recon_psnr_db")).isFinite();
    assertThat(r.reproduced()).isEqualTo(FlowLatentExperiment.reconstructionImproves(t));
    assertThat(Files.readString(dir.resolve("README.md"))).contains("Table 3", "Pass criterion", "load average");
  }
}
