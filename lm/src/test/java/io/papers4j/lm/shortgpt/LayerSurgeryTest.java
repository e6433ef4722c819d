package io.papers4j.lm.shortgpt;

import io.papers4j.core.nn.BlockInfluence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.tensor.Engine;
import io.papers4j.lm.llama.LayerSurgery;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import io.papers4j.lm.yi.DepthUpscaling;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerSurgeryTest {
  static final LlamaConfig CONFIG = LlamaConfig.llama(64, 32, 48, 6, 4, 2, 64, 1e-5, 10000.0, false);

  @BeforeAll
  static void engine() {
    Engine.seed(3);
  }

  /** Runs the original model's pieces over the given source layers: the reference for surgery. */
  static Tensor manualLogits(LlamaModel m, List<Integer> source, Tensor ids) {
    Tensor positions = torch.arange(new Scalar(ids.size(1)));
    Tensor h = m.embedTokens.forward(ids);
    for (int i : source) h = m.layers.get(i).forward(h, positions, null);
    return m.logits(m.norm.forward(h));
  }

  static double maxDiff(Tensor a, Tensor b) {
    return a.sub(b).abs().max().item_double();
  }

  @Test
  void removing_layers_equals_skipping_them_and_renumbers_the_config() {
    LlamaModel m = new LlamaModel(CONFIG, 11);
    Tensor ids = torch.randint(64, new long[] {2, 10});
    try (NoGradGuard g = new NoGradGuard()) {
      LlamaModel pruned = ShortGpt.remove(m, List.of(1, 4));
      assertThat(pruned.config().numHiddenLayers()).isEqualTo(4);
      assertThat(pruned.namedParameters()).containsKey("model.layers.3.mlp.down_proj.weight")
          .doesNotContainKey("model.layers.4.mlp.down_proj.weight");
      assertThat(maxDiff(pruned.forward(ids), manualLogits(m, List.of(0, 2, 3, 5), ids))).isLessThan(1e-6);
    }
  }

  @Test
  void upscaling_inserts_copies_after_the_range_like_yi_9b() {
    assertThat(DepthUpscaling.plan(8, 3, 6)).containsExactly(0, 1, 2, 3, 4, 5, 6, 3, 4, 5, 6, 7);
    List<Integer> yi9b = DepthUpscaling.plan(32, 12, 27);
    assertThat(yi9b).hasSize(48);
    assertThat(yi9b.subList(28, 44)).isEqualTo(DepthUpscaling.plan(32, 12, 27).subList(12, 28));
    LlamaModel m = new LlamaModel(CONFIG, 12);
    Tensor ids = torch.randint(64, new long[] {1, 7});
    try (NoGradGuard g = new NoGradGuard()) {
      LlamaModel up = DepthUpscaling.upscale(m, 2, 3);
      assertThat(up.config().numHiddenLayers()).isEqualTo(8);
      assertThat(maxDiff(up.forward(ids), manualLogits(m, List.of(0, 1, 2, 3, 2, 3, 4, 5), ids))).isLessThan(1e-6);
    }
    assertThatThrownBy(() -> DepthUpscaling.plan(6, 4, 6)).hasMessageContaining("outside the model's layers 0-5");
    assertThatThrownBy(() -> LayerSurgery.parseRange("6-3")).hasMessageContaining("must look like 3-6");
  }

  @Test
  void pruned_and_upscaled_models_round_trip_through_checkpoints(@TempDir Path dir) {
    LlamaModel m = new LlamaModel(CONFIG, 13);
    Tensor ids = torch.randint(64, new long[] {1, 9});
    try (NoGradGuard g = new NoGradGuard()) {
      for (LlamaModel variant : List.of(ShortGpt.remove(m, List.of(0, 5)), DepthUpscaling.upscale(m, 1, 4))) {
        Path out = dir.resolve("m" + variant.config().numHiddenLayers());
        LlamaCheckpoint.save(variant, out, Map.of("step", 0));
        LlamaModel back = LlamaCheckpoint.load(out);
        assertThat(back.config().numHiddenLayers()).isEqualTo(variant.config().numHiddenLayers());
        assertThat(LlamaCheckpoint.readConfig(out).numHiddenLayers()).isEqualTo(variant.config().numHiddenLayers());
        assertThat(maxDiff(back.forward(ids), variant.forward(ids))).isEqualTo(0.0);
      }
    }
  }

  @Test
  void block_influence_of_a_layer_with_zeroed_residual_branches_is_zero() {
    LlamaModel m = new LlamaModel(CONFIG, 14);
    try (NoGradGuard g = new NoGradGuard()) {
      m.layers.get(2).selfAttn.oProj.weight.zero_();
      m.layers.get(2).mlp.downProj.weight.zero_();
    }
    BlockInfluence bi = ShortGpt.score(m, List.of(torch.randint(64, new long[] {2, 12})), false);
    assertThat(bi.blockInfluence()[2]).isLessThan(1e-6);
    assertThat(bi.blockInfluence()[1]).isGreaterThan(1e-4);
    assertThat(LayerOrdering.BI.removalOrder(bi.blockInfluence(), bi.relativeMagnitude(), 0).get(0)).isEqualTo(2);
  }
}
