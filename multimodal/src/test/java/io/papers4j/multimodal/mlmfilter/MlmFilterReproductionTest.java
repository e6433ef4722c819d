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
    assertThat(Files.readString(dir.resolve("README.md"))).contains("| itm_and_odf |", "Claims", "CLIPScore vs oracle itm", "downstream check");
    assertThat(Files.readString(dir.resolve("result.json"))).contains("mlm-filter", "down_clipscore_average", "claim_iii_rho_gap", "downstream_oracle_beats_random");
    assertThat(Files.exists(dir.resolve("histogram_itm.png"))).isTrue();
    assertThat(Files.exists(dir.resolve("downstream.png"))).isTrue();
    assertThat(r.metrics()).containsKeys("malformed_outputs", "malformed_itm", "malformed_odf", "malformed_ctq", "malformed_su")
        .containsEntry("answer_format", "plain");
    // the processor and kernel choice the numbers depend on, in the report and its notes
    assertThat(r.metrics()).containsEntry("cpu", io.papers4j.core.report.Machine.cpu());
    assertThat(r.notes()).contains(" cores of " + io.papers4j.core.report.Machine.cpu() + " (trainings");
    assertThat(r.notes()).contains("cross-attention gates starting at 1.0, plain scores)");
    // the smoke and quick presets train downstream only the filters a claim compares
    assertThat(Files.readString(dir.resolve("README.md"))).doesNotContain("| basic |").contains("Not trained downstream at this size (no claim compares them): basic.");
    assertThat(r.metrics()).containsKey("down_oracle_itm_average").doesNotContainKey("down_basic_average");
    // CLIPScore and both filters' ViT come from a CLIP pretrained apart from the pool (frozen in the filters)
    assertThat(r.notes()).contains("its ViT the pretrained CLIP's tower at 0.0× the learning rate, cross-attention gates starting at 1.0",
        "CLIPScore from a CLIP pretrained on 24 clean scene captions apart from the pool (3 steps × 8 in shape groups of 4, seed 7004");
    assertThat(r.metrics()).containsEntry("clipscore_model", "pretrained apart from the pool").containsKeys("pretrained_clip_shape", "pretrained_clip_average");
  }

  @Test
  void the_quick_preset_trains_downstream_every_filter_a_claim_reads() {
    assertThat(MlmFilterReproduction.preset("quick").downstream())
        .containsExactlyInAnyOrder("no_filter", "oracle_itm", "clipscore", "itm", "odf", "itm_and_odf", "ctq", "su");
    assertThat(MlmFilterReproduction.preset("full").downstream()).isEqualTo(MlmFilterReproduction.FILTERS);
  }

  @Test
  void the_quick_preset_scores_with_a_pretrained_clip_and_keeps_its_tower_frozen_in_the_filter() {
    MlmFilterReproduction.Preset quick = MlmFilterReproduction.preset("quick"), full = MlmFilterReproduction.preset("full");
    assertThat(quick.pretrainedClip()).isEqualTo(new ClipPretraining.Options(1000, 64, 4, 7004));
    assertThat(quick.visionLrScale()).isZero();
    assertThat(quick.gateInit()).isEqualTo(1.0);
    // plain scores: two-digit ones lowered the ITM, ODF and ITM AND ODF subsets downstream (docs/mlm-filter.md)
    assertThat(quick.format()).isEqualTo(AnswerFormat.PLAIN);
    // the recipe's CLIP has the filter's ViT: the pretrained CLIP is both CLIPScore's model and the filter's tower
    assertThat(ClipPretraining.config(quick.config().vision())).isEqualTo(Downstream.recipe());
    // the full preset keeps the recipe it was last run with
    assertThat(full.pretrainedClip()).isNull();
    assertThat(full.visionLrScale()).isEqualTo(1);
    assertThat(full.gateInit()).isZero();
    assertThat(full.format()).isEqualTo(AnswerFormat.PLAIN);
    // both filters (score-uniform and natural) are trained on answers in the preset's format
    MlmFilterTraining.Options o = new MlmFilterTraining.Options(4, 2, 1e-3, 0, 0, 1.0);
    MlmFilterReproduction.Preset two = new MlmFilterReproduction.Preset(quick.config(), quick.sourcePairs(), quick.scoredKept(), quick.generic(), quick.sigma(),
        quick.filterSteps(), quick.filterBatch(), quick.lr(), quick.visionLrScale(), quick.gateInit(), quick.pool(), quick.keep(), quick.clipScoreSteps(),
        quick.downSteps(), quick.downBatch(), quick.seeds(), quick.evalPerTask(), quick.ablationPairs(), quick.downstream(), quick.pretrainedClip(), AnswerFormat.TWO_DIGITS);
    assertThat(MlmFilterReproduction.recipe(two, true, o).format()).isEqualTo(AnswerFormat.TWO_DIGITS);
    assertThat(MlmFilterReproduction.recipe(two, false, o)).extracting(MlmFilterTraining.Recipe::format, MlmFilterTraining.Recipe::uniform)
        .containsExactly(AnswerFormat.TWO_DIGITS, false);
    assertThat(MlmFilterReproduction.recipe(quick, true, o).format()).isEqualTo(AnswerFormat.PLAIN);
  }

  @Test
  void a_filter_beats_a_baseline_only_in_every_seed_and_by_more_than_the_seed_spread() {
    assertThat(MlmFilterReproduction.beatsClear(new double[] {3, 4, 5}, new double[] {1, 1, 1})).isTrue();
    // one seed below the baseline
    assertThat(MlmFilterReproduction.beatsClear(new double[] {3, 0.5, 5}, new double[] {1, 1, 1})).isFalse();
    // above in every seed, but differences 0.1, 0.2, 4: mean 1.43 below their std 2.2
    assertThat(MlmFilterReproduction.beatsClear(new double[] {1.1, 1.2, 5}, new double[] {1, 1, 1})).isFalse();
  }
}
