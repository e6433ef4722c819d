package io.papers4j.lm.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.nn.pos.RopeConfig;
import io.papers4j.core.nn.pos.RopeSchedule;
import io.papers4j.core.nn.pos.ScaledRotaryEmbedding;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import org.junit.jupiter.api.Test;

/** {@code lm train --rope NAME --rope-factor S}: the choice goes into config.json and reloads the same. */
class RopeOptionTest {

  @Test
  void every_rope_choice_is_written_to_config_json_and_rebuilds_the_same_encoding() {
    for (String name : RopeConfig.NAMES) {
      LlamaConfig base = LmTraining.modelConfig("tiny", 300, 64);
      LlamaConfig c = LmTraining.withRope(base, new LmTrainOptions.RopeChoice(name, 4), 64);
      String json = c.toJson();
      LlamaConfig back = LlamaConfig.parse(json);
      LlamaModel model = new LlamaModel(back, 1);
      RopeConfig want = RopeConfig.named(name, base.headDim(), base.ropeTheta(), 4, 64);
      if (name.equals("rope")) {
        assertThat(model.positionEncoding()).isNotInstanceOf(ScaledRotaryEmbedding.class);
        continue;
      }
      assertThat(model.positionEncoding()).as(name).isInstanceOf(ScaledRotaryEmbedding.class);
      RopeConfig got = ((ScaledRotaryEmbedding) model.positionEncoding()).config();
      assertThat(got.name()).as(name).isEqualTo(name);
      assertThat(RopeSchedule.of(got, 256).invFreq()).as(name).containsExactly(RopeSchedule.of(want, 256).invFreq());
      assertThat(RopeSchedule.of(got, 256).attentionFactor()).as(name).isEqualTo(RopeSchedule.of(want, 256).attentionFactor());
    }
  }

  @Test
  void yarn_choice_writes_the_transformers_keys_and_the_extended_context() {
    LlamaConfig c = LmTraining.withRope(LmTraining.modelConfig("tiny", 300, 128),
        new LmTrainOptions.RopeChoice("resonance-yarn", 4), 128);
    String json = c.toJson();
    assertThat(json).contains("\"rope_type\"").contains("yarn").contains("\"original_max_position_embeddings\"")
        .contains("papers4j_resonance");
    assertThat(c.maxPositionEmbeddings()).isEqualTo(512);
  }
}
