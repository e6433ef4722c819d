package io.papers4j.lm.posgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.report.Result;
import io.papers4j.core.tensor.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole reproduction pipeline on a toy preset: runs, writes result.json, README and plots. */
class ResonanceRopeReportTest {

  @Test
  @SuppressWarnings("unchecked")
  void a_toy_study_writes_result_readme_and_plot_with_all_four_encodings(@TempDir Path dir) throws Exception {
    Engine.init(1);
    PosGenSpec spec = new PosGenSpec(5, 1, 3, 10, 20, 40, 8, 3);
    PosGenPreset p = new PosGenPreset("quick", List.of(PosGenTask.SEMI_RECURSIVE), List.of(1L, 2L), spec,
        new PosGenModelConfig(10, 1, 16, 1, 16, 32, 0.0, 1e-6), new PosGenTrainConfig(2, 8, 1e-3, 0.01, 0.1, 8),
        Protocol.TRAIN_PLAIN_EVAL_SCALED);
    PosGenStudy.Results r = PosGenStudy.run(p);
    Result result = ResonanceRopeReport.write(r, dir, r.seconds());
    assertThat(dir.resolve("result.json")).exists();
    assertThat(dir.resolve("README.md")).exists();
    assertThat(dir.resolve("accuracy_by_position_semi-recursive.png")).exists();
    Map<String, Object> semi = (Map<String, Object>) result.metrics().get("semi-recursive");
    assertThat(semi).containsOnlyKeys("rope", "resonance", "yarn", "resonance-yarn");
    Map<String, Object> ry = (Map<String, Object>) semi.get("resonance-yarn");
    assertThat((double[]) ry.get("ood_runs")).hasSize(2);
    // the parity split averages the same per-position accuracies: its two ID halves bracket the ID mean
    double far = (double) ry.get("id_far_needed");
    double near = (double) ry.get("id_near_shortcut");
    double idMean = (double) ry.get("id_mean");
    assertThat(idMean).isBetween(Math.min(far, near) - 1e-12, Math.max(far, near) + 1e-12);
    assertThat((double) ry.get("ood_far_needed")).isBetween(0.0, 1.0);
    double gap = (double) result.metrics().get("semi_recursive_ood_gap_resonance_yarn_minus_yarn");
    double spread = (double) result.metrics().get("semi_recursive_ood_seed_spread");
    boolean gate = (boolean) result.metrics().get("id_gate_90pct_passed");
    assertThat(result.reproduced()).isEqualTo(gap > spread && gate);
    Map<String, Object> fg = (Map<String, Object>) result.metrics().get("feature_gap");
    assertThat((double) fg.get("resonance_max_pre_critical_gap_rad")).isEqualTo(0.0);
    assertThat(Files.readString(dir.resolve("README.md"))).contains("Resonance YaRN").contains("48.46")
        .contains("near-only");
    assertThat(Result.readJson(dir.resolve("result.json"))).containsKeys("paper_reference", "reproduced");
  }
}
