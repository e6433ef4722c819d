package io.papers4j.lm.yi;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.report.Result;
import io.papers4j.core.tensor.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YiLongReproductionSmokeTest {
  @TempDir Path tmp;

  @Test
  void smoke_preset_trains_every_arm_and_writes_the_report() throws Exception {
    Engine.init();
    Result r = new YiLongReproduction().run("smoke", tmp);
    assertThat(r.system()).isEqualTo("yi-long");
    Map<String, Object> m = r.metrics();
    for (String arm : new String[] {"base", "abf", "no-abf", "pi"}) {
      assertThat(m).containsKeys(arm + "_ppl_at_64", arm + "_ppl_at_256", arm + "_needle_at_128", arm + "_needle_grid");
      assertThat((Double) m.get(arm + "_ppl_at_64")).isFinite().isGreaterThan(1);
      assertThat(tmp.resolve("needle_" + arm + ".png")).isRegularFile();
    }
    for (String f : new String[] {"result.json", "README.md", "perplexity_by_length.png", "needle_by_length.png"}) {
      assertThat(tmp.resolve(f)).isRegularFile();
    }
    assertThat(Files.readString(tmp.resolve("README.md"))).contains("| abf |").contains("Reproduced:");
    // the ABF run's config carries the raised base as transformers writes it
    Path abf = io.papers4j.core.data.Papers4jHome.resolve("runs", "yi-long-smoke", "abf", "config.json");
    assertThat(Files.readString(abf)).containsPattern("\"rope_theta\": *500000.0");
    // the base has the 2-layer, 64-wide shape, and the continued arms keep it
    for (String arm : new String[] {"base", "abf"}) {
      var c = io.papers4j.lm.llama.LlamaCheckpoint.readConfig(
          io.papers4j.core.data.Papers4jHome.resolve("runs", "yi-long-smoke", arm));
      assertThat(c.numHiddenLayers()).as(arm).isEqualTo(2);
      assertThat(c.hiddenSize()).as(arm).isEqualTo(64);
      assertThat(c.intermediateSize()).as(arm).isEqualTo(128);
    }
  }
}
