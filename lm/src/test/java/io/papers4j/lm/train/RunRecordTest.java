package io.papers4j.lm.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.lm.llama.LlamaConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** papers4j.json's "config" record keeps the keys and values that earlier checkpoints hold. */
class RunRecordTest {
  @Test
  void the_resolved_options_serialise_to_the_keys_checkpoints_have_always_held() {
    LmTrainOptions o = LmTrainOptions.builder("tiny", 200, Path.of("runs/x")).build();
    Map<String, Object> m = LmTraining.describe(o);
    // The key list the hand-written map wrote, in its order.
    assertThat(m.keySet()).containsExactly("preset", "corpus", "steps", "batch", "seq", "lr", "warmup",
        "min_lr_ratio", "clip", "weight_decay", "betas", "eval_every", "eval_batches", "checkpoint_every", "seed");
    assertThat(((Number) m.get("steps")).longValue()).isEqualTo(200);
    assertThat(((Number) m.get("warmup")).longValue()).isEqualTo(10); // 5% of the steps
    assertThat(((Number) m.get("eval_every")).longValue()).isEqualTo(o.resolvedEvalEvery());
    assertThat(((Number) m.get("checkpoint_every")).longValue()).isEqualTo(o.resolvedCheckpointEvery());
    assertThat(m.get("betas")).isEqualTo(List.of(0.9, 0.95));
    assertThat(m.get("preset")).isEqualTo("tiny");
    m.put("optimizer", Map.of("name", "lora")); // the record is open for the run's extra keys
    assertThat(m).containsKey("optimizer");
  }

  @Test
  void a_model_of_another_shape_than_its_preset_records_the_preset_as_its_base_and_the_shape() {
    LmTrainOptions o = LmTrainOptions.builder("tiny", 200, Path.of("runs/x")).build();
    LlamaConfig tiny = LmTraining.modelConfig("tiny", 300, 64);
    // the preset's own shape: the record as before
    assertThat(LmTraining.recordShape(LmTraining.describe(o), tiny, "tiny")).isEqualTo(LmTraining.describe(o))
        .doesNotContainKeys("base_preset", "shape");
    assertThat(LmTraining.recordShape(LmTraining.describe(o),
        LmTraining.withShape(tiny, new LmTrainOptions.Shape(tiny.numHiddenLayers(), 0, 0)), "tiny")).containsKey("preset")
        .doesNotContainKey("shape");

    LlamaConfig shaped = LmTraining.withShape(tiny, new LmTrainOptions.Shape(2, 64, 128));
    Map<String, Object> m = LmTraining.recordShape(LmTraining.describe(o), shaped, "tiny");
    assertThat(m).doesNotContainKey("preset").containsEntry("base_preset", "tiny");
    assertThat(List.copyOf(m.keySet()).subList(0, 2)).containsExactly("base_preset", "corpus"); // in the preset's place
    assertThat(m.get("shape")).isEqualTo(Map.of("layers", 2, "hidden", 64, "intermediate", 128,
        "heads", tiny.numAttentionHeads()));
  }

  @Test
  void an_init_from_run_records_the_loaded_shape_and_no_preset() {
    LmTrainOptions o = LmTrainOptions.builder("tiny", 200, Path.of("runs/x")).build();
    LlamaConfig loaded = LmTraining.withShape(LmTraining.modelConfig("tiny", 300, 64), new LmTrainOptions.Shape(2, 64, 128));
    Map<String, Object> m = LmTraining.recordInit(LmTraining.describe(o), loaded);
    assertThat(m).doesNotContainKeys("preset", "base_preset").containsKey("corpus");
    assertThat(m.get("shape")).isEqualTo(Map.of("layers", 2, "hidden", 64, "intermediate", 128,
        "heads", loaded.numAttentionHeads()));
  }

  @Test
  void the_log_line_names_the_shape_and_where_it_came_from() {
    LlamaConfig tiny = LmTraining.modelConfig("tiny", 300, 64);
    LlamaConfig shaped = LmTraining.withShape(tiny, new LmTrainOptions.Shape(2, 64, 128));
    assertThat(LmTraining.describeModel(tiny, "tiny", null)).endsWith("(tiny preset)")
        .startsWith(tiny.numHiddenLayers() + " layers, hidden " + tiny.hiddenSize());
    assertThat(LmTraining.describeModel(shaped, "tiny", null))
        .isEqualTo("2 layers, hidden 64, intermediate 128, " + shaped.numAttentionHeads() + " heads (tiny preset resized)");
    assertThat(LmTraining.describeModel(shaped, "tiny", Path.of("runs/base"))).endsWith("(weights of runs/base)");
  }
}
