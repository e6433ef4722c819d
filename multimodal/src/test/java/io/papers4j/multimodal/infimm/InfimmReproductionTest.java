package io.papers4j.multimodal.infimm;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.report.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfimmReproductionTest {
  @Test
  void smokePresetRunsEndToEndAndWritesItsReport(@TempDir Path dir) throws Exception {
    Result r = new InfimmReproduction().run("smoke", dir);
    assertThat(Files.readString(dir.resolve("README.md"))).contains("| dynamic_no_pe |").contains("Claims").contains("| digit |")
        .contains("on the moving digit").contains("digit stage");
    assertThat(Files.exists(dir.resolve("result.json"))).isTrue();
    assertThat(Files.readString(dir.resolve("result.json"))).contains("dynamic_resampler_table_acc").contains("infimm-hd")
        .contains("base_digit_acc").contains("claim_i_on_title_read");
  }
}
