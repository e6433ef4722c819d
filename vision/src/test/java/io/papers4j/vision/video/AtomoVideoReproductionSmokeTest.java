package io.papers4j.vision.video;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.report.Result;
import io.papers4j.core.tensor.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reproduction end to end at smoke size: every arm, the rollouts, the verdict, plots and strips. */
class AtomoVideoReproductionSmokeTest {
  @TempDir Path dir;

  @Test
  void smoke_reproduction_writes_the_full_report() throws Exception {
    Engine.init(2);
    Result r = new AtomoVideoReproduction().run("smoke", dir);
    for (String f : new String[] {"result.json", "README.md", "losses.png", "rollout_error.png", "strips_image_to_video.png", "strips_rollout.png",
        "arm_a_example.gif"}) {
      assertThat(dir.resolve(f)).as(f).exists();
    }
    Map<String, Object> m = r.metrics();
    assertThat(m).containsKeys("arm_a", "arm_b", "arm_c", "rollout", "checks");
    assertThat(r.paperReference()).containsKeys("first_frame_ssim", "raft_motion");
    assertThat(Files.readString(dir.resolve("README.md"))).contains("Pass criteria", "arm A", "first_frame_ssim", "0.759");
  }
}
