package io.papers4j.multimodal.infimm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.papers4j.core.tensor.Engine;
import io.papers4j.multimodal.vlm.Images;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

class VisionPretrainingTest {
  /** A tiny model that sees a 96-px page as a thumbnail and 3×3 tiles of 32 px, like the quick one. */
  static InfimmConfig tinyDynamic() {
    return new InfimmConfig(8, 32, 2, 2, 16, 32, 3, 32, 2, 2, 1, 2, 8, true, 0, 48).withMaskCls(true);
  }

  /**
   * The stage's head learns: on the lone digit at its fixed place a tiny model's ViT and head, trained 150
   * steps of batch 16 from scratch, classify held-out pages far above chance (10%), and the stage moves only
   * the ViT (the LM and the cross-attention stay bit-identical).
   */
  @Test
  void theHeadLearnsTheDigitAndOnlyTheVisionEncoderMoves() {
    Engine.init(2);
    Engine.seed(4);
    InfimmModel m = InfimmModel.fromScratch(tinyDynamic(), 4);
    Map<String, Tensor> before = snapshot(m);
    VisionPretraining.Result r = VisionPretraining.train(m, new VisionPretraining.Options(150, 16, 4, 1e-3), InfimmModel.Resolution.DYNAMIC,
        LoneDigit.data(), null);
    double acc = VisionPretraining.accuracy(m, r.head(), InfimmModel.Resolution.DYNAMIC, 160, i -> LoneDigit.sample(-(9000L + i), 1.0));
    System.err.printf("vision pretraining, tiny model, 150 steps: loss %.3f -> %.3f, held-out %.3f%n", r.losses()[0], r.losses()[149], acc);
    assertThat(acc).as("held-out pages classified (chance 0.1)").isGreaterThan(0.5);
    assertThat(r.losses()[0]).as("starts near ln 10").isBetween(2.0, 2.6);
    Map<String, Tensor> after = m.namedParameters();
    int moved = 0;
    for (Map.Entry<String, Tensor> e : before.entrySet()) {
      boolean same = e.getValue().equal(after.get(e.getKey()));
      if (e.getKey().startsWith("vision_model.")) moved += same ? 0 : 1;
      else assertThat(same).as("%s unchanged", e.getKey()).isTrue();
    }
    assertThat(moved).as("vision tensors moved").isEqualTo(m.vision.namedParameters().size());
  }

  /**
   * A batch split over two threads takes the whole batch's step: over 4 steps of batch 5 (parts of 2 and 3 pages) the
   * losses and the trained ViT and head equal one thread's up to the order of floating-point sums.
   */
  @Test
  void aBatchSplitOverTwoThreadsTrainsAsTheWholeBatch() {
    Engine.init(2);
    VisionPretraining.Options o = new VisionPretraining.Options(4, 5, 7, 3e-3);
    InfimmModel one = InfimmModel.fromScratch(tinyDynamic(), 7), two = InfimmModel.fromScratch(tinyDynamic(), 7);
    VisionPretraining.Result r1 = VisionPretraining.train(one, o, InfimmModel.Resolution.DYNAMIC, LoneDigit.anywhereData(), null);
    VisionPretraining.Result r2 = VisionPretraining.train(two, o, InfimmModel.Resolution.DYNAMIC, LoneDigit.anywhereData(), null, 2);
    assertThat(r2.losses()).hasSize(4);
    for (int i = 0; i < 4; i++) assertThat(r2.losses()[i]).isCloseTo(r1.losses()[i], within(1e-5));
    assertThat(r1.losses()[3]).isNotEqualTo(r1.losses()[0]); // the steps train
    Map<String, Tensor> a = one.namedParameters(), b = two.namedParameters();
    // a step moves a weight by up to the rate (3e-3); the order of sums moved none by more than 4e-6 here
    a.forEach((k, v) -> assertThat(v.allclose(b.get(k), 0, 1e-5, false)).as(k).isTrue());
    List<BufferedImage> pages = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) pages.add(LoneDigit.anywhere(-(9000L + i), 1.0).image());
    try (org.bytedeco.pytorch.NoGradGuard ng = new org.bytedeco.pytorch.NoGradGuard()) {
      Tensor l1 = VisionPretraining.logits(one, r1.head(), pages, InfimmModel.Resolution.DYNAMIC);
      Tensor l2 = VisionPretraining.logits(two, r2.head(), pages, InfimmModel.Resolution.DYNAMIC);
      assertThat(l1.allclose(l2, 1e-4, 1e-5, false)).as("the two models' logits on held-out pages").isTrue();
    }
    assertThat(r1.head().namedParameters().get("weight").allclose(r2.head().namedParameters().get("weight"), 1e-4, 1e-6, false)).isTrue();
    assertThat(b.get("vision_model.embeddings.patch_embedding.proj.weight").requires_grad()).isTrue(); // every tensor trainable again afterwards
    assertThatThrownBy(() -> VisionPretraining.train(two, o, InfimmModel.Resolution.DYNAMIC, LoneDigit.anywhereData(), null, 0))
        .hasMessageContaining("workers must be >= 1");
  }

  /**
   * The pooling weights: a 4×4 black square on a white 96-px page at (40, 72) lies in tile (2, 1), patch
   * (1, 1) of it, and in the thumbnail's patch (3, 1); the tile's token holds 16 of its 64 pixels' ink, the
   * thumbnail's 16/9 (area-averaged to a third of the side), so the shares are 0.9 and 0.1, every other token 0.
   */
  @Test
  void inkWeightsFollowTheTilingOfTheModel() {
    Engine.init(2);
    BufferedImage page = new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = page.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, 96, 96);
    g.setColor(Color.BLACK);
    g.fillRect(40, 72, 4, 4);
    g.dispose();
    BufferedImage blank = new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB);
    InfimmConfig patchesOnly = tinyDynamic(), withCls = tinyDynamic().withMaskCls(false);
    float[] w = values(VisionPretraining.inkWeights(patchesOnly, List.of(page, blank), InfimmModel.Resolution.DYNAMIC, 10 * 16));
    // tokens: thumbnail's 16 patches, then tile (r, c) at 16 + 16·(3r + c)
    int tileToken = 16 + 16 * 7 + 5, thumbToken = 13;
    assertThat(w[tileToken]).isCloseTo(0.9f, within(1e-5f));
    assertThat(w[thumbToken]).isCloseTo(0.1f, within(1e-5f));
    for (int t = 0; t < 160; t++) if (t != tileToken && t != thumbToken) assertThat(w[t]).as("token %d", t).isZero();
    for (int t = 160; t < 320; t++) assertThat(w[t]).as("a page without ink: no weight").isZero();
    float[] c = values(VisionPretraining.inkWeights(withCls, List.of(page), InfimmModel.Resolution.DYNAMIC, 10 * 17));
    assertThat(c[17 + 17 * 7 + 1 + 5]).as("each crop's CLS first").isCloseTo(0.9f, within(1e-5f));
    assertThat(c[1 + 13]).isCloseTo(0.1f, within(1e-5f));
    for (int crop = 0; crop < 10; crop++) assertThat(c[17 * crop]).as("CLS tokens get no weight").isZero();
    InfimmModel m = InfimmModel.fromScratch(patchesOnly, 1);
    assertThat(m.encodeImages(List.of(Images.toTensor(page)), InfimmModel.Resolution.DYNAMIC)[0].size(1)).as("the model's token count").isEqualTo(160);
  }

  private static float[] values(Tensor t) {
    Tensor c = t.contiguous();
    float[] out = new float[(int) c.numel()];
    c.data_ptr_float().get(out);
    return out;
  }

  @Test
  void badCaptionsAndOptionsGiveOneMessage() {
    Engine.init(2);
    InfimmModel m = InfimmModel.fromScratch(tinyDynamic(), 1);
    InfimmTraining.Data documents = InfimmTraining.documents(32, 32);
    assertThatThrownBy(() -> VisionPretraining.train(m, new VisionPretraining.Options(1, 2, 0, 1e-3), InfimmModel.Resolution.DYNAMIC, documents, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("classifies pages captioned with one digit (0-9), got \"");
    assertThatThrownBy(() -> new VisionPretraining.Options(0, 2, 0, 1e-3)).hasMessageContaining("--vision-pretrain-steps and the batch must be >= 1, got 0 and 2");
    assertThatThrownBy(() -> new VisionPretraining.Options(5, 2, 0, 0)).hasMessageContaining("the vision pretraining rate must be a positive number, got 0.0");
  }

  /**
   * The schedule: one cycle is the 5% warm-up and cosine to a tenth over all the steps; with two, each half repeats the
   * one-cycle schedule of its own length (warm-up from near 0 again at the second cycle's first step).
   */
  @Test
  void cyclesRepeatTheWarmUpAndCosineOfTheirOwnLength() {
    VisionPretraining.Options one = new VisionPretraining.Options(200, 16, 0, 3e-3), two = new VisionPretraining.Options(200, 16, 0, 3e-3, 2),
        half = new VisionPretraining.Options(100, 16, 0, 3e-3);
    assertThat(one.cycles()).isEqualTo(1);
    assertThat(VisionPretraining.rateAt(one, 0)).isCloseTo(3e-3 / 10, within(1e-12)); // warm-up of 10 steps
    assertThat(VisionPretraining.rateAt(one, 9)).isCloseTo(3e-3, within(1e-12));
    assertThat(VisionPretraining.rateAt(one, 199)).isCloseTo(3e-4, within(1e-6));
    for (int s = 0; s < 100; s++) {
      assertThat(VisionPretraining.rateAt(two, s)).as("step %d", s).isEqualTo(VisionPretraining.rateAt(half, s));
      assertThat(VisionPretraining.rateAt(two, 100 + s)).as("step %d", 100 + s).isEqualTo(VisionPretraining.rateAt(half, s));
    }
    assertThat(VisionPretraining.rateAt(two, 99)).isCloseTo(3e-4, within(1e-6));
    assertThat(VisionPretraining.rateAt(two, 100)).isCloseTo(3e-3 / 5, within(1e-12)); // warm-up of 5 steps again
    VisionPretraining.Options odd = new VisionPretraining.Options(7, 1, 0, 1e-3, 2); // cycles of 3 and 4 steps
    assertThat(VisionPretraining.rateAt(odd, 3)).isEqualTo(VisionPretraining.rateAt(new VisionPretraining.Options(4, 1, 0, 1e-3), 0));
    assertThat(VisionPretraining.rateAt(odd, 6)).isEqualTo(VisionPretraining.rateAt(new VisionPretraining.Options(4, 1, 0, 1e-3), 3));
    assertThatThrownBy(() -> new VisionPretraining.Options(5, 2, 0, 1e-3, 0)).hasMessageContaining("the vision pretraining cycles must be between 1 and the steps (5), got 0");
    assertThatThrownBy(() -> new VisionPretraining.Options(5, 2, 0, 1e-3, 6)).hasMessageContaining("got 6");
  }

  private static Map<String, Tensor> snapshot(InfimmModel m) {
    Map<String, Tensor> copy = new java.util.LinkedHashMap<>();
    m.namedParameters().forEach((k, v) -> copy.put(k, v.detach().clone()));
    return copy;
  }
}
