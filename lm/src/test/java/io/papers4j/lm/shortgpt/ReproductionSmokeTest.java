package io.papers4j.lm.shortgpt;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.data.KjvBible;
import io.papers4j.core.report.Result;
import io.papers4j.core.tensor.Engine;
import io.papers4j.lm.yi.YiDepthReproduction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both layer-surgery reproductions end to end at a few steps: files and fields, not the claim. */
class ReproductionSmokeTest {
  @BeforeAll
  static void needsKjv() {
    Engine.init();
    Assumptions.assumeTrue(Files.exists(Path.of("/usr/bin/bible")) || Files.exists(KjvBible.cacheFile()),
        "needs Debian bible-kjv (scripts/setup installs it)");
  }

  @Test
  void shortgpt_writes_its_result_readme_and_plots(@TempDir Path out) throws Exception {
    Result r = new ShortGptReproduction().run("smoke", out);
    assertReport(out, r, "shortgpt", "spearman_bi_vs_delta_ppl", "pruned_perplexity_25pct", "minilm_cosine_to_unpruned");
    assertThat(out.resolve("pruned_perplexity.png")).exists();
    assertThat(out.resolve("model/config.json")).exists();
  }

  @Test
  void yi_depth_writes_its_result_readme_and_plots(@TempDir Path out) throws Exception {
    Result r = new YiDepthReproduction().run("smoke", out);
    assertReport(out, r, "yi-depth", "init_perplexity_ratio", "upscaled_continued_perplexity", "layer_cosine");
    assertThat(out.resolve("continued_training.png")).exists();
    assertThat(out.resolve("layer_cosine.png")).exists();
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) Result.readJson(out.resolve("result.json")).get("metrics");
    assertThat(m).containsEntry("protocol", "yi9b").containsEntry("copied_layers", "6-13");
    @SuppressWarnings("unchecked")
    Map<String, Object> profiles = (Map<String, Object>) m.get("layer_cosine_during_base_training");
    assertThat(profiles).containsOnlyKeys("step_1", "step_2", "step_3", "step_4");
  }

  @Test
  void yi_depth_keeps_the_specs_protocol(@TempDir Path out) throws Exception {
    new YiDepthReproduction().run("spec-smoke", out);
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) Result.readJson(out.resolve("result.json")).get("metrics");
    assertThat(m).containsEntry("protocol", "spec").containsEntry("copied_layers", "3-6");
    assertThat(((Number) m.get("upscaled_layers")).intValue()).isEqualTo(12);
  }

  private static void assertReport(Path out, Result r, String system, String... metrics) throws Exception {
    Map<String, Object> json = Result.readJson(out.resolve("result.json"));
    assertThat(json).containsEntry("system", system).containsKeys("paper", "claim", "paper_reference", "reproduced", "runtime_s");
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) json.get("metrics");
    assertThat(m).containsKeys(metrics);
    assertThat(Files.readString(out.resolve("README.md"))).contains("Reproduced:");
    assertThat(r.system()).isEqualTo(system);
  }
}
