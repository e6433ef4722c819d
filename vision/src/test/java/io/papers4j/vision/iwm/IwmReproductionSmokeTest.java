package io.papers4j.vision.iwm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.report.Result;
import io.papers4j.core.tensor.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end at smoke size: every arm, criterion and file of the report; checkpoint round trip. */
class IwmReproductionSmokeTest {
  @TempDir Path dir;

  @BeforeAll
  static void init() {
    Engine.init(1);
  }

  @Test
  void smokeReproductionWritesTheFullReport() throws Exception {
    Result r = new IwmReproduction().run("smoke", dir);
    assertThat(dir.resolve("result.json")).exists();
    assertThat(dir.resolve("README.md")).exists();
    assertThat(dir.resolve("mrr.png")).exists();
    assertThat(dir.resolve("latent_neighbours.png")).exists();
    Map<String, Object> m = r.metrics();
    assertThat(m).containsKeys("arms", "phase_seconds", "criterion1_mrr_i_at_chance", "criterion4_gain_iii_gt_ii");
    @SuppressWarnings("unchecked")
    var phases = (Map<String, Double>) m.get("phase_seconds");
    assertThat(phases).containsOnlyKeys("training", "mrr", "linear", "ft", "other");
    assertThat(phases.get("training")).isPositive();
    assertThat((String) m.get("criterion4_gain_iii_gt_ii")).isIn("pass", "fail", "inconclusive");
    // arm (i) has no conditioning: its MRR is exactly chance by construction
    @SuppressWarnings("unchecked")
    var arms = (Map<String, Map<String, java.util.List<Double>>>) m.get("arms");
    assertThat(arms.get(IwmReproduction.I.name()).get("mrr").get(0)).isCloseTo(Mrr.chance(8), org.assertj.core.data.Offset.offset(1e-9));
    String readme = Files.readString(dir.resolve("README.md"));
    assertThat(readme).contains("(iii) feature, depth 4").contains("fine-tuning 2 steps").contains("paper MRR")
        .contains("| 0.79 | ").contains("+1.8 (81.5 → 83.3)");
  }

  @Test
  void checkpointRoundTripsAndRejectsAForeignConfig() throws Exception {
    IwmModel m = new IwmModel(new IwmConfig(16, 4, 16, 1, 2, 16, 1, 2, "feature"), 4);
    IwmCheckpoint.save(dir.resolve("ck"), m, Map.of("step", 0));
    IwmModel back = IwmCheckpoint.load(dir.resolve("ck"));
    assertThat(back.config()).isEqualTo(m.config());
    for (Map.Entry<String, Tensor> e : m.namedParameters().entrySet()) {
      assertThat(back.namedParameters().get(e.getKey()).sub(e.getValue()).abs().max().item_float()).as(e.getKey()).isZero();
    }
    Files.writeString(dir.resolve("ck/config.json"), "{\"model_type\": \"llama\"}");
    assertThatThrownBy(() -> IwmCheckpoint.load(dir.resolve("ck"))).hasMessageContaining("expected iwm");
  }
}
