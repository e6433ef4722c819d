package io.papers4j.multimodal.mlmfilter;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.report.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MlmFilterReproductionTest {
  @Test
  void smoke_preset_runs_end_to_end_and_writes_its_report(@TempDir Path dir) throws Exception {
    Result r = new MlmFilterReproduction().run("smoke", dir);
    assertThat(Files.readString(dir.resolve("README.md"))).contains("| itm_and_odf |", "Claims", "CLIPScore vs oracle itm");
    assertThat(Files.readString(dir.resolve("result.json"))).contains("mlm-filter", "down_clipscore_average", "claim_iii_rho_gap");
    assertThat(Files.exists(dir.resolve("histogram_itm.png"))).isTrue();
    assertThat(Files.exists(dir.resolve("downstream.png"))).isTrue();
    assertThat(r.metrics()).containsKey("malformed_outputs");
  }
}
