package io.papers4j.lm.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import org.junit.jupiter.api.Test;

/** {@code lm train --layers N --hidden C --intermediate F}: a fresh model of that size, written to config.json. */
class ShapeOptionTest {

  @Test
  void the_shape_replaces_layers_and_widths_and_keeps_the_heads() {
    LlamaConfig tiny = LmTraining.modelConfig("tiny", 300, 64);
    LlamaConfig c = LmTraining.withShape(tiny, new LmTrainOptions.Shape(2, 64, 128));
    LlamaConfig back = LlamaConfig.parse(c.toJson());
    assertThat(back.numHiddenLayers()).isEqualTo(2);
    assertThat(back.hiddenSize()).isEqualTo(64);
    assertThat(back.intermediateSize()).isEqualTo(128);
    assertThat(back.numAttentionHeads()).isEqualTo(tiny.numAttentionHeads());
    assertThat(back.headDim()).isEqualTo(64 / tiny.numAttentionHeads());
    assertThat(back.vocabSize()).isEqualTo(300);
    // tied embedding 300 x 64 + per layer (4 C^2 attention + 3 C F MLP + 2 C norms) + final norm C
    long want = 300L * 64 + 2L * (4 * 64 * 64 + 3 * 64 * 128 + 2 * 64) + 64;
    long built = new LlamaModel(back, 1).namedParameters().values().stream().mapToLong(t -> t.numel()).sum();
    assertThat(built).isEqualTo(want);
  }

  @Test
  void zeros_keep_the_preset_and_one_value_changes_only_itself() {
    LlamaConfig tiny = LmTraining.modelConfig("tiny", 300, 64);
    assertThat(LmTraining.withShape(tiny, new LmTrainOptions.Shape(0, 0, 0))).isEqualTo(tiny);
    assertThat(LmTraining.withShape(tiny, null)).isEqualTo(tiny);
    LlamaConfig deeper = LmTraining.withShape(tiny, new LmTrainOptions.Shape(6, 0, 0));
    assertThat(deeper.numHiddenLayers()).isEqualTo(6);
    assertThat(deeper.hiddenSize()).isEqualTo(tiny.hiddenSize());
    assertThat(deeper.intermediateSize()).isEqualTo(tiny.intermediateSize());
  }

  @Test
  void bad_shapes_are_named_in_one_message() {
    LlamaConfig tiny = LmTraining.modelConfig("tiny", 300, 64);
    assertThatThrownBy(() -> LmTraining.withShape(tiny, new LmTrainOptions.Shape(0, 60, 0)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--hidden 60");
    assertThatThrownBy(() -> new LmTrainOptions.Shape(-1, 64, 128))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--layers");
  }
}
