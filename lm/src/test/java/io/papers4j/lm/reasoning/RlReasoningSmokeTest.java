package io.papers4j.lm.reasoning;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.report.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RlReasoningSmokeTest {
  @Test
  void the_reproduction_runs_end_to_end_at_smoke_size(@TempDir Path dir) throws Exception {
    Result r = new RlReasoningReproduction().run("smoke", dir);
    assertThat(dir.resolve("result.json")).exists();
    assertThat(dir.resolve("rl_vs_samples.png")).exists();
    assertThat(dir.resolve("sft_curve.png")).exists();
    assertThat(Files.readString(dir.resolve("README.md"))).contains("| EI |").contains("| PPO (sparse) |").contains("| RCRL |");
    Map<String, Object> json = Result.readJson(dir.resolve("result.json"));
    @SuppressWarnings("unchecked")
    Map<String, Object> metrics = (Map<String, Object>) json.get("metrics");
    for (String m : new String[] {"SFT", "EI", "PPO (sparse)", "RCRL"}) {
      @SuppressWarnings("unchecked")
      Map<String, Object> row = (Map<String, Object>) metrics.get(m);
      double maj1 = ((Number) row.get("maj1")).doubleValue();
      double passK = ((Number) row.get("passK")).doubleValue();
      assertThat(maj1).isBetween(0.0, 1.0);
      assertThat(passK).isBetween(0.0, 1.0);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> ei = (Map<String, Object>) metrics.get("EI");
    @SuppressWarnings("unchecked")
    Map<String, Object> ppo = (Map<String, Object>) metrics.get("PPO (sparse)");
    // equal sample budget: PPO draws whole batches up to EI's count
    assertThat(((Number) ppo.get("samples")).longValue()).isLessThanOrEqualTo(((Number) ei.get("samples")).longValue());
    assertThat(((Number) ei.get("samples")).longValue()).isEqualTo(4L * 2); // 4 questions x K=2 x 1 round
    // the plateau protocol: curve logged every 2 steps, RL from step 2 or 4, over-trained 2 steps past it
    int plateau = ((Number) metrics.get("sft_plateau_step")).intValue();
    assertThat(plateau).isIn(2, 4);
    assertThat(((Number) metrics.get("sft_overtrained_steps")).intValue()).isEqualTo(plateau + 2);
    @SuppressWarnings("unchecked")
    Map<String, Object> curve = (Map<String, Object>) metrics.get("sft_curve");
    assertThat(curve).containsKey(String.valueOf(plateau + 2));
    assertThat(Files.readString(dir.resolve("README.md"))).contains("| SFT over-trained |");
  }
}
