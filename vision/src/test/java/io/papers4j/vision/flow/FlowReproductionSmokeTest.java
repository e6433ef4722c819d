package io.papers4j.vision.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.report.Result;
import io.papers4j.core.report.TimedReproduction;
import io.papers4j.core.tensor.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reproduction end to end at smoke size: every experiment, verdict, plot and file. */
class FlowReproductionSmokeTest {
  @TempDir Path dir;

  @BeforeAll
  static void init() {
    Engine.init(1);
  }

  @Test
  void theCaptionArmsOfTheQuickPresetAreParameterMatched() {
    WordTokenizer tok = FlowData.shapesTokenizer();
    Map<String, FlowConfig> arms = FlowReproduction.captionArms(tok, 64);
    long dit = io.papers4j.core.nn.Params.count(FlowModel.create(arms.get("dit"), 0));
    for (String arm : new String[] {"mmdit", "crossdit", "mmdit+qknorm"}) {
      long n = io.papers4j.core.nn.Params.count(FlowModel.create(arms.get(arm), 0));
      assertThat(Math.abs(n - dit) / (double) dit).as(arm + " " + n + " vs dit " + dit).isLessThan(0.05);
    }
    // and DiT-LLaMA's SwiGLU 176 against DiT's GELU 256 (1D)
    long d = io.papers4j.core.nn.Params.count(FlowModel.create(FlowReproduction.classConfig("dit", 64), 0));
    long l = io.papers4j.core.nn.Params.count(FlowModel.create(FlowReproduction.classConfig("dit-llama", 64), 0));
    assertThat(Math.abs(l - d) / (double) d).as("dit-llama " + l + " vs dit " + d).isLessThan(0.05);
  }

  @Test
  void smokeReproductionWritesTheFullReport() throws Exception {
    Result r = new FlowReproduction().run("smoke", dir);
    for (String f : new String[] {"result.json", "README.md", "fd_vs_steps_3a.png", "fd_vs_shift_3b.png", "val_loss_3c.png",
        "samples_3a_lognorm_25steps_cfg2.png", "samples_3a_uniform_25steps_cfg2.png", "samples_3c_mmdit_captions.png", "latent_psnr.png",
        "latent_fd.png", "samples_latent_L4.png", "samples_latent_L8.png"}) {
      assertThat(dir.resolve(f)).as(f).exists();
    }
    Map<String, Object> m = r.metrics();
    assertThat(m).containsKeys("3A", "3B", "3C", "1D_25_steps", "latent", "verdicts");
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> lat = (Map<String, Map<String, Object>>) m.get("latent");
    assertThat(lat).containsOnlyKeys("L4", "L8");
    assertThat(lat.get("L8")).containsKeys("recon_psnr_db", "recon_fd", "shift_factor", "scaling_factor", "val_loss", "cfg2.0_steps2",
        "cfg2.0_steps2_kid", "cfg2.0_steps2_acc").doesNotContainKeys("grid", "space");
    assertThat(((Map<?, ?>) m.get("verdicts")).containsKey(FlowLatentExperiment.VERDICT)).isTrue();
    assertThat(Files.readString(dir.resolve("README.md"))).contains("Latent channels (SD3 Table 3)");
    assertThat(m.get("steps_3a")).isEqualTo(3L);
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> c = (Map<String, Map<String, Object>>) m.get("3C");
    assertThat(c).containsOnlyKeys("mmdit", "dit", "crossdit", "mmdit+qknorm");
    assertThat(c.get("mmdit")).containsKeys("val_loss", "attribute-accuracy", "FD-Shapes", "max_attention_logit");
    assertThat(Files.readString(dir.resolve("README.md"))).contains("3A: timestep density", "FD-FashionMNIST");
    assertThat(((Map<?, ?>) m.get("verdicts")).containsKey(FlowReproduction.LEARNED_VERDICT)).isTrue();
  }

  @Test
  void aRunOfPartsReportsOnlyThosePartsAndRemovesEveryOtherPartsFiles() throws Exception {
    Files.writeString(dir.resolve("fd_vs_steps_3a.png"), "an older run's plot");
    Files.writeString(dir.resolve("val_loss_3c.png"), "an older run's plot");
    Result r = new FlowReproduction().run("smoke", List.of("3b", "1D"), dir);
    Map<String, Object> m = r.metrics();
    assertThat(m).containsKeys("3B", "1D_25_steps", "verdicts").doesNotContainKeys("3A", "3C", "latent", "steps_3a");
    assertThat(m.get(TimedReproduction.PARTS_KEY)).isEqualTo(List.of("3b", "1d"));
    @SuppressWarnings("unchecked")
    Map<String, Object> verdicts = (Map<String, Object>) m.get("verdicts");
    assertThat(verdicts.keySet()).containsExactlyInAnyOrder("3B_best_shift_at_2_steps", "1D_dit_llama_lower_fd_both_cfg");
    @SuppressWarnings("unchecked")
    Map<String, Object> d = (Map<String, Object>) m.get("1D_25_steps");
    assertThat(d).containsEntry("steps", 2L).containsKeys("val_loss_dit", "val_loss_dit-llama", "dit_cfg1.0_steps25");
    assertThat(dir.resolve("fd_vs_shift_3b.png")).exists();
    assertThat(dir.resolve("fd_vs_steps_3a.png")).doesNotExist();
    assertThat(dir.resolve("val_loss_3c.png")).doesNotExist();
    String readme = Files.readString(dir.resolve("README.md"));
    assertThat(readme).contains("Only parts 3B, 1D were measured in this run", "## 3A: timestep density\n\nNot measured in this run",
        "## 3C: MM-DiT vs DiT vs CrossDiT\n\nNot measured in this run", "## 3B: resolution shift (eq. 23", "## 1D: DiT-LLaMA vs DiT (VisionLLaMA");
    assertThat(r.notes()).startsWith("Only parts 3B, 1D were measured in this run (20").contains(" UTC); no other part");
    assertThat(r.reproduced()).isEqualTo((Boolean) verdicts.get("1D_dit_llama_lower_fd_both_cfg")
        && (Double) verdicts.get("3B_best_shift_at_2_steps") > 1.0);
    assertThat(new FlowReproduction().parts()).containsExactly("3a", "3b", "3c", "1d");
  }

  @Test
  void theQuickPresetRunsOnlyThreeATwoArmsAtFixedSteps() {
    FlowReproduction.Preset q = FlowReproduction.preset("quick");
    assertThat(q.samplersA()).containsExactly("lognorm:0,1", "uniform");
    assertThat(q.captionExperiment() || q.shiftExperiment() || q.llamaExperiment() || q.latentExperiment()).isFalse();
    assertThat(FlowReproduction.preset("full").latentExperiment()).isTrue();
    assertThat(q.evalSteps()).containsExactly(5, 10, 25, 50);
    assertThat(FlowReproduction.learnedSteps(q)).isEqualTo(25);
    assertThat(q.emaDecay()).isEqualTo(0.99);
  }
}
