package io.papers4j.lm.train;

import static org.assertj.core.api.Assertions.assertThat;

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
}
