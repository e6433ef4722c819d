package io.papers4j.multimodal.vlm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.nn.Init;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class FlamingoLmTest {
  static final int V = 20, IMG = 18;

  static FlamingoLm model() {
    LlamaConfig c = LlamaConfig.llama(V, 32, 64, 4, 4, 4, 64, 1e-5, 10000, false);
    LlamaModel lm = new LlamaModel(c, 1);
    return new FlamingoLm(lm, 16, 2, 2, 8, IMG, Init.normal(2, 0.02));
  }

  static void openGates(FlamingoLm m) {
    try (NoGradGuard ng = new NoGradGuard()) {
      for (GatedCrossAttention x : m.crossAttn) {
        x.attnGate.fill_(new Scalar(1.0));
        x.ffGate.fill_(new Scalar(1.0));
      }
    }
  }

  static double maxDiff(Tensor a, Tensor b) {
    return a.sub(b).abs().max().item_double();
  }

  @Test
  void gatesAtZeroLeaveTheLanguageModelUnchanged() {
    FlamingoLm m = model();
    assertThat(m.crossAttn).hasSize(2);
    Tensor ids = Tensor.create(new long[] {3, IMG, 5, 7, IMG, 9, 1, 2, 4, IMG, 6, 8}).view(2, 6);
    Tensor visual = torch.randn(2, 2 * 5, 16); // 2 images of 5 tokens each
    try (NoGradGuard ng = new NoGradGuard()) {
      Tensor plain = m.lm.forward(ids);
      Tensor withImages = m.forward(ids, visual, 5);
      assertThat(maxDiff(plain, withImages)).isEqualTo(0.0);
      assertThat(m.fractionOfGatesBelow(0.05)).isEqualTo(1.0);
      openGates(m);
      assertThat(maxDiff(plain, m.forward(ids, visual, 5))).isGreaterThan(1e-4); // the block is live once opened
    }
  }

  @Test
  void textAttendsOnlyToItsImmediatelyPrecedingImage() {
    FlamingoLm m = model();
    openGates(m);
    // positions: 0 text, 1 <image>#1, 2-3 text, 4 <image>#2, 5-6 text
    Tensor ids = Tensor.create(new long[] {3, IMG, 5, 7, IMG, 9, 1}).view(1, 7);
    Tensor visual = torch.randn(1, 2 * 4, 16);
    try (NoGradGuard ng = new NoGradGuard()) {
      Tensor base = m.forward(ids, visual, 4);
      Tensor changed1 = visual.clone();
      changed1.narrow(1, 0, 4).add_(torch.randn(1, 4, 16)); // change image 1 only
      Tensor l1 = m.forward(ids, changed1, 4);
      Tensor changed2 = visual.clone();
      changed2.narrow(1, 4, 4).add_(torch.randn(1, 4, 16)); // change image 2 only
      Tensor l2 = m.forward(ids, changed2, 4);
      // token 0 precedes every image: untouched by either change
      assertThat(maxDiff(base.narrow(1, 0, 1), l1.narrow(1, 0, 1))).isEqualTo(0.0);
      assertThat(maxDiff(base.narrow(1, 0, 1), l2.narrow(1, 0, 1))).isEqualTo(0.0);
      // tokens 1-3 see image 1 (directly) and not image 2
      assertThat(maxDiff(base.narrow(1, 1, 3), l1.narrow(1, 1, 3))).isGreaterThan(1e-5);
      assertThat(maxDiff(base.narrow(1, 1, 3), l2.narrow(1, 1, 3))).isEqualTo(0.0);
      // after <image>#2 the tokens' cross-attention reads image 2; image 1 only reaches them through
      // the causal self-attention over earlier text, so changing image 2 must change them
      assertThat(maxDiff(base.narrow(1, 4, 3), l2.narrow(1, 4, 3))).isGreaterThan(1e-5);
    }
  }

  @Test
  void crossAttentionOfOneLayerSeesOnlyTheLatestImage() {
    GatedCrossAttention x = new GatedCrossAttention(8, 6, 2, 4, 1, Init.normal(5, 0.5));
    try (NoGradGuard ng = new NoGradGuard()) {
      x.attnGate.fill_(new Scalar(1.0));
      Tensor ids = Tensor.create(new long[] {1, IMG, 2, IMG, 3}).view(1, 5);
      Tensor allowed = MediaMask.allowed(ids, IMG, 2, 3);
      Tensor h = torch.randn(1, 5, 8);
      Tensor vis = torch.randn(1, 6, 6);
      Tensor base = x.forward(h, vis, allowed);
      Tensor vis2 = vis.clone();
      vis2.narrow(1, 0, 3).add_(torch.randn(1, 3, 6)); // image 1
      Tensor out = x.forward(h, vis2, allowed);
      assertThat(maxDiff(base.narrow(1, 3, 2), out.narrow(1, 3, 2))).isEqualTo(0.0); // after image 2: blind to image 1
      assertThat(maxDiff(base.narrow(1, 1, 2), out.narrow(1, 1, 2))).isGreaterThan(1e-5);
      assertThat(maxDiff(base.narrow(1, 0, 1), out.narrow(1, 0, 1))).isEqualTo(0.0);
    }
  }

  @Test
  void moreImageTokensThanImagesIsAClearError() {
    FlamingoLm m = model();
    Tensor ids = Tensor.create(new long[] {IMG, 1, IMG, 2}).view(1, 4);
    assertThatThrownBy(() -> m.forward(ids, torch.randn(1, 5, 16), 5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 <image> tokens but only 1 images");
  }
}
