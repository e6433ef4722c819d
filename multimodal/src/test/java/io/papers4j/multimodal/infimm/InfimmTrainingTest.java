package io.papers4j.multimodal.infimm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.tensor.Precision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfimmTrainingTest {
  static InfimmConfig tiny() {
    return new InfimmConfig(8, 32, 2, 2, 16, 16, 2, 32, 2, 2, 1, 2, 8, true, 0, 48);
  }

  /**
   * The resolution override (the reproduction's ladder): stage 4 with DYNAMIC given equals stage 4 at its
   * own resolution loss for loss, and the same stage at BASE sees other visual tokens (another loss once
   * the first update has opened the tanh gates, which start at zero).
   */
  @Test
  void aStageRunsAtTheRequestedResolution(@TempDir Path dir) {
    InfimmModel start = new InfimmModel(tiny(), 3);
    start.save(dir, Map.of());
    InfimmTraining.Options o = new InfimmTraining.Options(4, 2, 2, 5, 16, 40);
    double[] asStage = InfimmTraining.train(InfimmModel.load(dir, null), o, null); // stage 4: dynamic
    double[] dynamic = InfimmTraining.train(InfimmModel.load(dir, null), o, InfimmModel.Resolution.DYNAMIC, null);
    double[] base = InfimmTraining.train(InfimmModel.load(dir, null), o, InfimmModel.Resolution.BASE, null);
    assertThat(dynamic).containsExactly(asStage);
    assertThat(base[0]).as("gates start at 0: the first loss ignores the image").isEqualTo(dynamic[0]);
    assertThat(base[1]).as("after one update the gates are open and the resolution shows").isNotEqualTo(dynamic[1]);
    for (double x : base) assertThat(Double.isFinite(x)).isTrue();
  }

  /**
   * The vision path carries the image to the answer: 150 stage-1 steps of batch 8 on background-colour
   * captions (the easiest question, one of three colours) make a fresh quick model answer held-out
   * documents from their image, and its answers stop being right when the image is swapped for a blank
   * one. With the gates at 0 (the paper's initialisation for a pretrained LM) the same training answers
   * 38.5% whatever the image: closed gates scale the gradient into the ViT and cross-attention by tanh 0.
   */
  @Test
  void trainingFromScratchMakesTheAnswerFollowTheImage() {
    io.papers4j.core.tensor.Engine.seed(0);
    InfimmModel m = InfimmModel.fromScratch(InfimmConfig.quick(), 0);
    List<Documents.Kind> general = List.of(Documents.Kind.GENERAL);
    InfimmTraining.Data captions = (seed, kinds) -> {
      Documents.Sample s = Documents.sample(seed, 32, 96, general);
      return new Documents.Sample(s.image(), s.kind(), s.question(), s.answer(), s.answer()); // caption = background
    };
    InfimmTraining.train(m, new InfimmTraining.Options(1, 150, 8, 7, 32, 96), InfimmModel.Resolution.DYNAMIC, null,
        Precision.F32, captions);
    double[] withImage = heldOut(m, false), blank = heldOut(m, true);
    assertThat(withImage[0] / withImage[1]).as("held-out accuracy with the true image").isGreaterThan(0.9);
    assertThat(blank[0] / blank[1]).as("held-out accuracy with a blank image").isLessThan(0.5);
  }

  /**
   * The square curriculum makes the answer read a small detail. With a live (frozen) encoder the colour
   * of the one 12-px square of a 96-px page stays at the answer prior (25%) after 800 steps, and the
   * answer position's cross-attention puts less weight on the square's tokens than a uniform one would:
   * the LM fits the prior first, and the square changes the mean visual token by 1%. Starting the square
   * 4× larger and shrinking it to its real size by 60% of the steps gives the cross-attention a signal
   * it can find; the held-out answers then follow the image and not a blank one. (Measured with the question
   * "square colour?": 81% after 400 steps, 87% after 800, 100% after 1,600; this caption question gave 48%
   * after 400, so the test trains 800.)
   */
  @Test
  void aSquareCurriculumMakesTheAnswerFollowTheSquare() {
    io.papers4j.core.tensor.Engine.seed(0);
    InfimmModel m = InfimmModel.fromScratch(InfimmConfig.quick(), 0);
    InfimmTraining.train(m, new InfimmTraining.Options(1, CURRICULUM_STEPS, 8, 7, 96, 96, 4.0), InfimmModel.Resolution.DYNAMIC, null,
        Precision.F32, colourAnswers());
    double[] withImage = colourHeldOut(m, false), blank = colourHeldOut(m, true);
    System.err.printf("square curriculum, %d steps: held-out %.3f with the true image, %.3f with a blank one%n", CURRICULUM_STEPS,
        withImage[0] / withImage[1], blank[0] / blank[1]);
    assertThat(withImage[0] / withImage[1]).as("held-out accuracy with the true image").isGreaterThan(CURRICULUM_PASS);
    assertThat(blank[0] / blank[1]).as("held-out accuracy with a blank image").isLessThan(0.4);
  }

  static final int CURRICULUM_STEPS = 800;
  static final double CURRICULUM_PASS = 0.6;

  /** The square-colour question as a stage-1 caption ("caption?" → the colour), the curriculum passed on. */
  private static InfimmTraining.Data colourAnswers() {
    List<Documents.Kind> colour = List.of(Documents.Kind.COLOUR);
    return new InfimmTraining.Data() {
      @Override
      public Documents.Sample sample(long seed, List<Documents.Kind> kinds) {
        return sample(seed, kinds, 1.0);
      }

      @Override
      public Documents.Sample sample(long seed, List<Documents.Kind> kinds, double squareScale) {
        Documents.Sample s = Documents.sample(seed, 96, 96, colour, squareScale);
        return new Documents.Sample(s.image(), s.kind(), s.question(), s.answer(), s.answer());
      }
    };
  }

  private static double[] colourHeldOut(InfimmModel m, boolean blankImage) {
    return InfimmTraining.evaluate(m, InfimmModel.Resolution.DYNAMIC, 96, i -> {
      Documents.Sample s = Documents.sample(-(9000L + i), 96, 96, List.of(Documents.Kind.COLOUR));
      java.awt.image.BufferedImage img = blankImage
          ? new java.awt.image.BufferedImage(96, 96, java.awt.image.BufferedImage.TYPE_INT_RGB)
          : s.image();
      return new Documents.Sample(img, s.kind(), "caption?", s.answer(), s.caption());
    }).get(Documents.Kind.COLOUR);
  }

  /**
   * The colour stage's caption is the square's colour alone, which is also the colour question's answer, and
   * the square curriculum's scale reaches the page unchanged.
   */
  @Test
  void colourCaptionsAreTheSquaresColourAndPassTheCurriculumOn() {
    InfimmTraining.Data colour = InfimmTraining.colourCaptions(InfimmTraining.documents(32, 96));
    for (long seed = 0; seed < 20; seed++) {
      Documents.Sample full = Documents.sample(seed, 32, 96, null, 4.0), cut = colour.sample(seed, null, 4.0);
      assertThat(cut.caption()).isIn((Object[]) Documents.COLOUR_NAMES).isEqualTo(Documents.sample(seed, 32, 96, List.of(Documents.Kind.COLOUR)).answer());
      assertThat(full.caption()).contains(", " + cut.caption() + " square, ");
      for (int y = 0; y < full.image().getHeight(); y++) {
        for (int x = 0; x < full.image().getWidth(); x++) assertThat(cut.image().getRGB(x, y)).isEqualTo(full.image().getRGB(x, y));
      }
      assertThat(colour.sample(seed, null).caption()).isEqualTo(cut.caption());
    }
  }

  @Test
  void theSquareCurriculumShrinksToTheRealPage() {
    assertThat(InfimmTraining.squareScale(4, 0, 100)).isEqualTo(4.0);
    assertThat(InfimmTraining.squareScale(4, 30, 100)).isCloseTo(2.5, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(InfimmTraining.squareScale(4, 60, 100)).isEqualTo(1.0);
    assertThat(InfimmTraining.squareScale(1, 0, 100)).isEqualTo(1.0);
    java.awt.image.BufferedImage plain = Documents.sample(11, 96, 96, null).image(), same = Documents.sample(11, 96, 96, null, 1.0).image();
    java.awt.image.BufferedImage big = Documents.sample(11, 96, 96, null, 4.0).image();
    int colour = java.util.Arrays.asList(Documents.COLOUR_NAMES).indexOf(Documents.sample(11, 96, 96, null).caption().split(" ")[2]);
    int rgb = Documents.COLOURS[colour].getRGB(), inPlain = 0, inBig = 0;
    for (int y = 0; y < 96; y++) {
      for (int x = 0; x < 96; x++) {
        assertThat(same.getRGB(x, y)).isEqualTo(plain.getRGB(x, y));
        if (plain.getRGB(x, y) == rgb) inPlain++;
        if (big.getRGB(x, y) == rgb) inBig++;
      }
    }
    assertThat(inPlain).as("the 12-px square").isEqualTo(144);
    assertThat(inBig).as("at 4x: 48 px, half the page's side").isEqualTo(48 * 48);
    assertThatThrownBy(() -> new InfimmTraining.Options(1, 1, 1, 0, 16, 16, 0.5)).hasMessageContaining("--square-curriculum must be >= 1");
  }

  /**
   * A raised cross-attention rate changes nothing before its step, then scales the cross-attention's
   * update and only that: two 3-step stage-1 runs from the same weights, one at the stage's rate and one
   * with the cross-attention's rate ×10 from step 2, equal each other after 2 steps (the model of a 2-step
   * run), and in the third step the cross-attention tensors move 10 times as far (AdamW's step, weight
   * decay included, is linear in the rate) while every LM tensor moves the same.
   */
  @Test
  void aCrossRateScalesTheCrossAttentionsStepFromItsStep() {
    InfimmTraining.Options plain = new InfimmTraining.Options(1, 3, 2, 7, 16, 16);
    InfimmTraining.Options raised = plain.withCrossRate(new InfimmTraining.CrossRate(10, 2, 0));
    InfimmModel twoSteps = InfimmModel.fromScratch(tiny(), 3), a = InfimmModel.fromScratch(tiny(), 3), b = InfimmModel.fromScratch(tiny(), 3);
    InfimmTraining.train(twoSteps, new InfimmTraining.Options(1, 2, 2, 7, 16, 16), null); // same rate: warm-up max(1, steps / 20) = 1
    double[] la = InfimmTraining.train(a, plain, null), lb = InfimmTraining.train(b, raised, null);
    assertThat(lb).as("the losses of the first three steps come before the raised update").containsExactly(la);
    Map<String, Tensor> start = twoSteps.namedParameters(), pa = a.namedParameters(), pb = b.namedParameters();
    int crossTensors = 0;
    for (String k : start.keySet()) {
      Tensor da = pa.get(k).sub(start.get(k)), db = pb.get(k).sub(start.get(k));
      if (k.startsWith("language_model.cross_attn.")) {
        crossTensors++;
        double moved = da.norm().item_double();
        assertThat(moved).as("the plain run moves " + k).isGreaterThan(0);
        assertThat(db.sub(da.mul(new org.bytedeco.pytorch.Scalar(10))).norm().item_double()).as(k + " moves 10x as far")
            .isLessThan(1e-3 * 10 * moved);
      } else {
        assertThat(pb.get(k).equal(pa.get(k))).as(k + " moves as at the stage's rate").isTrue();
      }
    }
    assertThat(crossTensors).isEqualTo(tiny().lmLayers() / tiny().crossEvery() * 11);
  }

  @Test
  void theCrossRateRisesFromItsStepOverItsWarmUpAndFallsBackFromItsDecayStep() {
    assertThat(InfimmTraining.CrossRate.NONE.at(0, 10)).isEqualTo(1.0);
    assertThat(InfimmTraining.CrossRate.NONE.at(4999, 5000)).isEqualTo(1.0);
    InfimmTraining.CrossRate atOnce = new InfimmTraining.CrossRate(10, 100, 0), ramp = new InfimmTraining.CrossRate(10, 100, 200);
    assertThat(atOnce.at(99, 1000)).isEqualTo(1.0);
    assertThat(atOnce.at(100, 1000)).isEqualTo(10.0);
    assertThat(atOnce.at(999, 1000)).isEqualTo(10.0);
    assertThat(ramp.at(99, 1000)).isEqualTo(1.0);
    assertThat(ramp.at(100, 1000)).isCloseTo(1 + 9 / 200.0, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(ramp.at(199, 1000)).isCloseTo(5.5, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(ramp.at(299, 1000)).isEqualTo(10.0);
    assertThat(ramp.at(999, 1000)).isEqualTo(10.0);
    InfimmTraining.CrossRate decayed = new InfimmTraining.CrossRate(10, 100, 0, 500);
    assertThat(decayed.at(499, 1000)).isEqualTo(10.0);
    assertThat(decayed.at(500, 1000)).isCloseTo(10 - 9 / 500.0, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(decayed.at(749, 1000)).isCloseTo(5.5, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(decayed.at(999, 1000)).as("back to the stage's rate at the last step").isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(new InfimmTraining.Options(1, 1, 1, 0, 16, 16).crossRate()).isEqualTo(InfimmTraining.CrossRate.NONE);
    assertThatThrownBy(() -> new InfimmTraining.CrossRate(0, 0, 0)).hasMessageContaining("--cross-rate must be a positive number");
    assertThatThrownBy(() -> new InfimmTraining.CrossRate(Double.NaN, 0, 0)).hasMessageContaining("--cross-rate must be a positive number");
    assertThatThrownBy(() -> new InfimmTraining.CrossRate(10, -1, 0)).hasMessageContaining("--cross-rate-from must be >= 0");
    assertThatThrownBy(() -> new InfimmTraining.CrossRate(10, 0, -5)).hasMessageContaining("--cross-rate-warmup must be >= 0");
    assertThatThrownBy(() -> new InfimmTraining.CrossRate(10, 100, 0, 50)).hasMessageContaining("--cross-rate-decay-from must be -1 (never) or >= --cross-rate-from (100), got 50");
  }

  /**
   * Training keeps the vision encoder's output image-dependent. Recolouring the one square of a document
   * changes its most affected visual token by about half the token RMS in a fresh quick model. When stage
   * 1 trained the ViT at 1e-3 and stages 2-3 at 5e-4, that change fell to a tenth after 300 stage-1 steps
   * (and to a third in 150 stage-2 steps): the ViT had collapsed onto one output, so no detail could reach
   * the answer. Now stage 1 leaves the ViT as it is (the paper freezes it in PT) and stages 2-3 train it
   * at a tenth of their rate.
   */
  @Test
  void trainingKeepsTheVisionEncoderImageDependent() {
    io.papers4j.core.tensor.Engine.seed(0);
    InfimmModel m = InfimmModel.fromScratch(InfimmConfig.quick(), 0);
    Documents.Sample doc = Documents.sample(-77, 96, 96, List.of(Documents.Kind.COLOUR));
    double atStart = squareSensitivity(m, doc);
    Map<String, Tensor> vision = new java.util.LinkedHashMap<>();
    m.vision.namedParameters().forEach((k, v) -> vision.put(k, v.clone()));
    InfimmTraining.train(m, new InfimmTraining.Options(1, 100, 8, 7, 32, 96), null);
    m.vision.namedParameters().forEach((k, v) -> assertThat(v.equal(vision.get(k))).as("stage 1 leaves the ViT: " + k).isTrue());
    InfimmTraining.train(m, new InfimmTraining.Options(2, 150, 8, 8, 32, 96), null);
    assertThat(m.vision.namedParameters().get("post_layernorm.weight").equal(vision.get("post_layernorm.weight"))).as("stage 2 trains the ViT").isFalse();
    assertThat(atStart).as("a fresh ViT sees the square's colour").isGreaterThan(0.2);
    assertThat(squareSensitivity(m, doc)).as("after stages 1 and 2").isGreaterThan(0.5 * atStart);
  }

  /** The largest change of one visual token (tiles + thumbnail) when the square is recoloured, over the token RMS. */
  private static double squareSensitivity(InfimmModel m, Documents.Sample doc) {
    int colour = java.util.Arrays.asList(Documents.COLOUR_NAMES).indexOf(doc.answer());
    java.awt.image.BufferedImage img = doc.image(), twin = new java.awt.image.BufferedImage(img.getWidth(), img.getHeight(),
        java.awt.image.BufferedImage.TYPE_INT_RGB);
    int from = Documents.COLOURS[colour].getRGB(), to = Documents.COLOURS[(colour + 2) % 4].getRGB();
    int changed = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int p = img.getRGB(x, y);
        twin.setRGB(x, y, p == from ? to : p); // the circles never have the square's colour
        if (p == from) changed++;
      }
    }
    assertThat(changed).as("square pixels").isGreaterThan(25);
    try (org.bytedeco.pytorch.NoGradGuard ng = new org.bytedeco.pytorch.NoGradGuard()) {
      Tensor a = m.encodeImages(List.of(io.papers4j.multimodal.vlm.Images.toTensor(img)), InfimmModel.Resolution.DYNAMIC)[0].squeeze(0);
      Tensor b = m.encodeImages(List.of(io.papers4j.multimodal.vlm.Images.toTensor(twin)), InfimmModel.Resolution.DYNAMIC)[0].squeeze(0);
      double tokenRms = a.pow(new org.bytedeco.pytorch.Scalar(2)).sum().item_double() / a.size(0);
      double largest = a.sub(b).pow(new org.bytedeco.pytorch.Scalar(2)).sum(new long[] {1}, false, new org.bytedeco.pytorch.ScalarTypeOptional()).max().item_double();
      return Math.sqrt(largest / tokenRms);
    }
  }

  private static double[] heldOut(InfimmModel m, boolean blankImage) {
    return InfimmTraining.evaluate(m, InfimmModel.Resolution.DYNAMIC, 48, i -> {
      Documents.Sample s = Documents.sample(-(9000L + i), 32, 96, List.of(Documents.Kind.GENERAL));
      java.awt.image.BufferedImage img = blankImage
          ? new java.awt.image.BufferedImage(s.image().getWidth(), s.image().getHeight(), java.awt.image.BufferedImage.TYPE_INT_RGB)
          : s.image();
      return new Documents.Sample(img, s.kind(), "caption?", s.answer(), s.caption());
    }).get(Documents.Kind.GENERAL);
  }

  @Test
  void fourStagesRunEndToEndAndTheModelRoundTrips(@TempDir Path dir) {
    InfimmModel m = new InfimmModel(tiny(), 1);
    for (int stage = 1; stage <= 4; stage++) {
      double[] losses = InfimmTraining.train(m, new InfimmTraining.Options(stage, 3, 2, 7, 16, 40), null);
      assertThat(losses).hasSize(3);
      for (double x : losses) assertThat(Double.isFinite(x)).isTrue();
    }
    // stage 1 on a fixed batch learns (the loss falls)
    InfimmModel fresh = new InfimmModel(tiny(), 2);
    double[] l = InfimmTraining.train(fresh, new InfimmTraining.Options(1, 30, 4, 0, 16, 16), null);
    assertThat(l[l.length - 1]).isLessThan(l[0]);
    m.save(dir, Map.of("stage", 4));
    InfimmModel back = InfimmModel.load(dir, null);
    Map<String, Tensor> a = m.namedParameters(), b = back.namedParameters();
    assertThat(b.keySet()).isEqualTo(a.keySet());
    for (String k : a.keySet()) assertThat(a.get(k).equal(b.get(k))).as(k).isTrue();
    Map<Documents.Kind, double[]> acc = InfimmTraining.evaluate(back, InfimmModel.Resolution.DYNAMIC, 6, 1, 16, 40, null);
    assertThat(acc.values().stream().mapToDouble(x -> x[1]).sum()).isEqualTo(6.0);
    String ans = back.answer(io.papers4j.multimodal.vlm.Images.toTensor(Documents.sample(3, 20, 30, null).image()), "text at top?",
        InfimmModel.Resolution.DYNAMIC, 4);
    assertThat(ans.length()).isLessThanOrEqualTo(4);
    String ans16; // `infimm ask --precision bf16`: greedy decoding under autocast
    try (Precision.Region cast = Precision.BF16.autocast()) {
      ans16 = back.answer(io.papers4j.multimodal.vlm.Images.toTensor(Documents.sample(3, 20, 30, null).image()), "text at top?",
          InfimmModel.Resolution.DYNAMIC, 4);
    }
    assertThat(ans16.length()).isLessThanOrEqualTo(4);
  }

  @Test
  void badInputGivesClearMessages(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> InfimmModel.load(dir, null)).hasMessageContaining("is not an InfiMM-HD model");
    Files.writeString(dir.resolve("config.json"), "{broken");
    Files.writeString(dir.resolve("model.safetensors"), "x");
    assertThatThrownBy(() -> InfimmModel.load(dir, null)).hasMessageContaining("not the config of an InfiMM-HD model");
    assertThatThrownBy(() -> new InfimmTraining.Options(5, 1, 1, 0, 16, 16)).hasMessageContaining("--stage must be 1, 2, 3 or 4");
    InfimmModel m = new InfimmModel(tiny(), 1);
    assertThatThrownBy(() -> m.encodeText("q".repeat(60), "a")).hasMessageContaining("at most 48 fit");
  }

  @Test
  void documentsAreDeterministicAndAnswerable() {
    Documents.Sample a = Documents.sample(5, 64, 192, List.of(Documents.Kind.TABLE));
    Documents.Sample b = Documents.sample(5, 64, 192, List.of(Documents.Kind.TABLE));
    assertThat(a.question()).isEqualTo(b.question()).startsWith("row ");
    assertThat(a.answer()).matches("[0-9]");
    assertThat(a.image().getWidth()).isBetween(64, 192);
    Documents.Sample c = Documents.sample(9, 64, 64, List.of(Documents.Kind.CORNER));
    assertThat(c.answer()).hasSize(2);
  }

  /**
   * bf16 autocast: the first loss comes from the same weights and batch as in float32, so only
   * bfloat16 rounding (8 significant bits) separates them; the weights stay float32.
   */
  @Test
  void bf16TrainingTracksFloat32() {
    InfimmModel a = new InfimmModel(tiny(), 3), b = new InfimmModel(tiny(), 3);
    InfimmTraining.Options o = new InfimmTraining.Options(1, 2, 2, 7, 16, 16);
    org.bytedeco.pytorch.global.torch.manual_seed(21); // the same noise draws in both runs
    double[] f32 = InfimmTraining.train(a, o, null, Precision.F32);
    org.bytedeco.pytorch.global.torch.manual_seed(21); // the same noise draws in both runs
    double[] bf16 = InfimmTraining.train(b, o, null, Precision.BF16);
    for (double x : bf16) assertThat(Double.isFinite(x)).isTrue();
    assertThat(bf16[0]).isNotEqualTo(f32[0]).isCloseTo(f32[0], withinPercentage(3));
    b.namedParameters().forEach((k, v) -> assertThat(v.scalar_type().intern()).as(k).isEqualTo(org.bytedeco.pytorch.global.torch.ScalarType.Float));
  }

  /**
   * A caption stage trains "caption?" → the caption; a sample whose caption {@code asQuestions} dropped is trained on its
   * question and answer there too (the general questions among the digit stage's pages), as stages 2-4 train every sample.
   */
  @Test
  void aSampleWithoutACaptionIsTrainedOnItsQuestionInACaptionStage() {
    InfimmModel m = new InfimmModel(tiny(), 1);
    InfimmTraining.Data docs = InfimmTraining.documents(16, 40), asked = InfimmTraining.asQuestions(docs);
    List<Documents.Kind> general = List.of(Documents.Kind.GENERAL);
    for (long seed = 0; seed < 20; seed++) {
      Documents.Sample d = docs.sample(seed, general, 2.0), q = asked.sample(seed, general, 2.0);
      assertThat(q.caption()).isNull();
      assertThat(q.question()).isEqualTo(d.question()).isEqualTo("background?");
      assertThat(q.answer()).isEqualTo(d.answer());
      assertThat(q.kind()).isEqualTo(Documents.Kind.GENERAL);
      assertThat(q.image().getRGB(0, 0, q.image().getWidth(), q.image().getHeight(), null, 0, q.image().getWidth()))
          .as("the image and the curriculum's scale are passed on").isEqualTo(d.image().getRGB(0, 0, d.image().getWidth(), d.image().getHeight(), null, 0, d.image().getWidth()));
      assertThat(InfimmTraining.encode(m, 1, d)).isDeepEqualTo(m.encodeText("caption?", d.caption()));
      assertThat(InfimmTraining.encode(m, 1, q)).isDeepEqualTo(m.encodeText(d.question(), d.answer()));
      for (int stage = 2; stage <= 4; stage++) {
        assertThat(InfimmTraining.encode(m, stage, d)).isDeepEqualTo(m.encodeText(d.question(), d.answer()));
        assertThat(InfimmTraining.encode(m, stage, q)).isDeepEqualTo(m.encodeText(d.question(), d.answer()));
      }
    }
  }
}
