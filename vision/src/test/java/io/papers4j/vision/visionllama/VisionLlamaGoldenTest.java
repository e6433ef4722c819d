package io.papers4j.vision.visionllama;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.io.Safetensors;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.pos.GridPositions;
import io.papers4j.core.nn.pos.GridRope;
import io.papers4j.core.nn.pos.PositionRule;
import io.papers4j.core.nn.vision.VisionBlock;
import io.papers4j.core.tensor.Engine;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A tiny plain VisionLLaMA against tools/reference/visionllama_reference.py: an independent PyTorch
 * float64 forward that rotates ADJACENT channel pairs as complex numbers (the official code's
 * layout) after permuting our rotate-half q/k rows, so agreement also shows the two layouts are the
 * same rotation. Two resolutions: the training grid (2D RoPE) and 1.5× (AS2DRoPE, Eq. 4).
 */
class VisionLlamaGoldenTest {
  private static final Path DIR = resource();
  private static Map<String, Tensor> expected;

  private static Path resource() {
    try {
      return Path.of(VisionLlamaGoldenTest.class.getResource("/visionllama/golden/config.json").toURI()).getParent();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @BeforeAll
  static void init() {
    Engine.init(1);
    expected = Safetensors.read(DIR.resolve("expected.safetensors"));
  }

  /** Block 0 in float64 with the checkpoint's weights, at {@code grid} tokens per side. */
  private static double blockMaxDiff(int grid, String tokens, String out) {
    VisionConfig c = (VisionConfig) VisionCheckpoint.readConfig(DIR);
    GridRope rope = new GridRope(GridRope.Kind.ROPE_2D, c.headDim(), c.ropeTheta());
    VisionBlock block = new VisionBlock(
        new VisionBlock.Config(c.hiddenSize(), c.numHeads(), c.intermediateSize(), c.norm(), true, c.layerScale()),
        rope, Init.normal(0, 0.02, ScalarType.Double));
    Map<String, Tensor> block0 = new LinkedHashMap<>();
    Safetensors.read(DIR.resolve("model.safetensors")).forEach((name, t) -> {
      if (name.startsWith("blocks.0.")) block0.put(name.substring("blocks.0.".length()), t);
    });
    Params.load(block, block0, "model.safetensors");
    int trainGrid = c.imageSize() / c.patchSize();
    double s = PositionRule.AUTO_SCALE.scale(trainGrid, grid);
    Tensor positions = GridPositions.of(GridRope.Kind.ROPE_2D, grid, grid, s, s, true);
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor y = block.forward(expected.get(tokens), positions); // (B, 1+G², C)
      assertThat(y.shape()).containsExactly(expected.get(out).shape());
      return y.sub(expected.get(out)).abs().max().item_double();
    }
  }

  @Test
  void block_with_2d_rope_matches_the_reference_at_the_training_grid() {
    double d = blockMaxDiff(4, "tokens_16", "block0_16");
    System.out.printf("VisionLLaMA block, 2D RoPE, 4x4 grid: maxdiff %.3g%n", d);
    assertThat(d).isLessThan(1e-10);
  }

  @Test
  void block_with_as2d_rope_matches_the_reference_at_a_larger_grid() {
    double d = blockMaxDiff(6, "tokens_24", "block0_24_as2d");
    System.out.printf("VisionLLaMA block, AS2DRoPE, 6x6 grid: maxdiff %.3g%n", d);
    assertThat(d).isLessThan(1e-10);
  }

  @Test
  void checkpoint_logits_match_the_reference_at_both_resolutions() {
    VisionModel model = (VisionModel) VisionCheckpoint.load(DIR);
    assertThat(model.positionRule()).isEqualTo(PositionRule.AUTO_SCALE);
    try (NoGradGuard g = new NoGradGuard()) {
      for (String[] io : new String[][] {{"images_16", "logits_16"}, {"images_24", "logits_24_as2d"}}) {
        Tensor want = expected.get(io[1]);
        Tensor got = model.forward(expected.get(io[0]).to(ScalarType.Float)).to(ScalarType.Double);
        double d = got.sub(want).abs().max().item_double();
        System.out.printf("VisionLLaMA logits %s (float32 model vs float64 reference): maxdiff %.3g%n", io[1], d);
        assertThat(d).as(io[1]).isLessThan(1e-4);
      }
    }
  }
}
