package io.papers4j.vision.visionllama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.nn.pos.PositionRule;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.tensor.Engine;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class VisionModelTest {
  @BeforeAll
  static void init() {
    Engine.init(1);
    Engine.seed(3);
  }

  private static VisionConfig tiny(String arch, String rope) {
    return VisionConfig.of(arch).withSize(24, 2, 2, arch.equals("vit") ? 96 : 64).withRope(rope);
  }

  @Test
  void everyVariantClassifiesEveryResolution() {
    for (String[] v : new String[][] {{"plain", "2d"}, {"plain", "1d"}, {"vit", "2d"}}) {
      VisionModel m = new VisionModel(tiny(v[0], v[1]), 1);
      for (PositionRule rule : PositionRule.values()) {
        m.positionRule(rule);
        for (int res : new int[] {28, 44, 56}) {
          try (NoGradGuard g = new NoGradGuard()) {
            Tensor logits = m.forward(torch.randn(2, 1, res, res));
            assertThat(logits.shape()).as(v[0] + "/" + v[1] + " " + rule + " at " + res).containsExactly(2, 10);
            assertThat(logits.isfinite().all().item_bool()).isTrue();
          }
        }
      }
    }
  }

  @Test
  void autoScaleEqualsPlainTwoDimensionalRopeAtTheTrainingResolution() {
    VisionModel m = new VisionModel(tiny("plain", "2d"), 5);
    Tensor x = torch.randn(3, 1, 28, 28);
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor as = m.positionRule(PositionRule.AUTO_SCALE).forward(x);
      Tensor unscaled = m.positionRule(PositionRule.UNSCALED).forward(x);
      assertThat(as.equal(unscaled)).isTrue();
      Tensor big = torch.randn(1, 1, 56, 56);
      Tensor a56 = m.positionRule(PositionRule.AUTO_SCALE).forward(big);
      Tensor u56 = m.positionRule(PositionRule.UNSCALED).forward(big);
      assertThat(a56.sub(u56).abs().max().item_double()).isGreaterThan(0.0); // scaling matters off-grid
    }
  }

  @Test
  void plainModelHasNoAbsolutePositionEmbeddingAndMlpsMatchInSize() {
    VisionModel plain = new VisionModel(VisionConfig.plain(), 1);
    VisionModel vit = new VisionModel(VisionConfig.vit(), 1);
    assertThat(plain.namedParameters()).doesNotContainKey("pos_embed").containsKey("blocks.0.mlp.gate_proj.weight");
    assertThat(vit.namedParameters()).containsKey("pos_embed").containsKey("blocks.0.mlp.fc1.weight");
    long swiglu = 3L * 72 * 192;
    long gelu = 2L * 72 * 288;
    assertThat(swiglu).isEqualTo(gelu);
  }

  @Test
  void oneTrainingStepPerArchitectureGivesAFiniteLossAndMovesTheWeights() {
    for (String[] v : new String[][] {{"plain", "2d"}, {"plain", "1d"}, {"vit", "2d"}}) {
      VisionModel m = new VisionModel(tiny(v[0], v[1]), 2);
      AdamW opt = new AdamW(m.namedParameters(), AdamConfig.torchDefaults(1e-2));
      Tensor before = m.namedParameters().get("head.weight").clone();
      Tensor rope = m.namedParameters().get("blocks.0.attn.q_proj.weight").clone();
      Tensor x = torch.randn(4, 1, 28, 28);
      Tensor y = Tensor.create(new long[] {0, 3, 7, 9});
      opt.zeroGrad();
      Tensor loss = m.loss(x, y);
      loss.backward();
      opt.step();
      assertThat(Double.isFinite(loss.item_double())).as(v[0] + "/" + v[1]).isTrue();
      assertThat(loss.item_double()).isBetween(1.0, 5.0); // ≈ ln 10 at init
      assertThat(m.namedParameters().get("head.weight").equal(before)).isFalse();
      assertThat(m.namedParameters().get("blocks.0.attn.q_proj.weight").equal(rope)).isFalse();
    }
  }

  @Test
  void badInputsFailWithAClearMessage() {
    VisionModel m = new VisionModel(tiny("plain", "2d"), 1);
    assertThatThrownBy(() -> m.forward(torch.randn(1, 1, 30, 30))).hasMessageContaining("multiple of the patch size");
    assertThatThrownBy(() -> m.forward(torch.randn(1, 3, 28, 28))).hasMessageContaining("(B, 1, H, W)");
  }
}
