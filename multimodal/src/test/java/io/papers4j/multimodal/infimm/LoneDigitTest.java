package io.papers4j.multimodal.infimm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tensor.Precision;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class LoneDigitTest {
  /** Ink pixels (darker than every background) and their bounding box {minX, minY, maxX, maxY, count}. */
  private static int[] ink(BufferedImage img) {
    int[] box = {Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1, 0};
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y), lum = ((rgb >> 16) & 255) + ((rgb >> 8) & 255) + (rgb & 255);
        if (lum < 3 * 100) {
          box[0] = Math.min(box[0], x);
          box[1] = Math.min(box[1], y);
          box[2] = Math.max(box[2], x);
          box[3] = Math.max(box[3], y);
          box[4]++;
        }
      }
    }
    return box;
  }

  @Test
  void thePageHoldsOneDigitAtItsPlaceAndTheCurriculumGrowsItAboutThatPlace() {
    for (long seed = 0; seed < 30; seed++) {
      Documents.Sample s = LoneDigit.sample(seed, 1.0), again = LoneDigit.sample(seed, 1.0);
      assertThat(s.caption()).matches("[0-9]").isEqualTo(s.answer()).isEqualTo(again.answer());
      assertThat(s.question()).isEqualTo("caption?");
      assertThat(s.image().getWidth()).isEqualTo(LoneDigit.SIDE);
      assertThat(s.image().getHeight()).isEqualTo(LoneDigit.SIDE);
      int[] small = ink(s.image()), big = ink(LoneDigit.sample(seed, 4.0).image());
      assertThat(small[4]).as("the 8-px digit is drawn").isGreaterThan(5);
      assertThat(small[2] - small[0]).as("8-px type is narrow").isLessThan(8);
      assertThat(small[3] - small[1]).as("and short").isLessThan(9);
      assertThat(small[0]).isBetween(15, 21);
      assertThat(small[3]).isBetween(40, 43);
      assertThat(big[4]).as("4x: many times the ink").isGreaterThan(8 * small[4]);
      assertThat(big[0]).as("the large digit covers the small one's place").isLessThanOrEqualTo(small[0] + 2);
      assertThat(big[2]).isGreaterThanOrEqualTo(small[2] - 2);
      assertThat(big[1]).isLessThanOrEqualTo(small[1]);
      assertThat(big[3]).isGreaterThanOrEqualTo(small[3]);
    }
    Documents.Sample viaData = LoneDigit.data().sample(3, List.of(Documents.Kind.TABLE), 2.0);
    assertThat(ink(viaData.image())).isEqualTo(ink(LoneDigit.sample(3, 2.0).image()));
    assertThat(ink(LoneDigit.data().sample(3, null).image())).isEqualTo(ink(LoneDigit.sample(3, 1.0).image()));
    assertThatThrownBy(() -> LoneDigit.sample(1, 0.5)).hasMessageContaining("digit scale must be >= 1, got 0.5");
  }

  @Test
  void theDigitAnywhereLiesInsideThePageAtPlacesSpreadOverIt() {
    java.util.Set<Integer> columns = new java.util.HashSet<>(), rows = new java.util.HashSet<>();
    int[] seen = new int[10];
    for (long seed = 0; seed < 300; seed++) {
      Documents.Sample s = LoneDigit.anywhere(seed, 1.0);
      assertThat(s.caption()).matches("[0-9]").isEqualTo(s.answer()).isEqualTo(LoneDigit.anywhere(seed, 1.0).answer());
      assertThat(s.question()).isEqualTo("caption?");
      seen[Integer.parseInt(s.answer())]++;
      int[] small = ink(s.image());
      assertThat(small[4]).as("seed %d: the 8-px digit is drawn", seed).isGreaterThan(5);
      assertThat(small[2] - small[0]).as("8-px type is narrow").isLessThan(8);
      assertThat(small[3] - small[1]).as("and short").isLessThan(9);
      assertThat(small[0]).as("inside the page").isGreaterThanOrEqualTo(8);
      assertThat(small[1]).isGreaterThanOrEqualTo(8);
      assertThat(small[2]).isLessThan(LoneDigit.SIDE - 6);
      assertThat(small[3]).isLessThan(LoneDigit.SIDE - 10);
      columns.add(small[0] / 8);
      rows.add(small[1] / 8);
      int[] big = ink(LoneDigit.anywhere(seed, 4.0).image());
      assertThat(big[4]).as("4x: many times the ink").isGreaterThan(8 * small[4]);
      int cx = (small[0] + small[2]) / 2, cy = (small[1] + small[3]) / 2;
      assertThat(big[0]).as("the large digit covers the small one's centre").isLessThanOrEqualTo(cx);
      assertThat(big[2]).isGreaterThanOrEqualTo(cx);
      assertThat(big[1]).isLessThanOrEqualTo(cy);
      assertThat(big[3]).isGreaterThanOrEqualTo(cy);
    }
    assertThat(columns).as("the digit's left edge falls in most 8-px patch columns").hasSizeGreaterThanOrEqualTo(9);
    assertThat(rows).as("and its top in most patch rows").hasSizeGreaterThanOrEqualTo(8);
    for (int d = 0; d < 10; d++) assertThat(seen[d]).as("digit %d drawn about equally often (30 of 300)", d).isBetween(12, 50);
    assertThat(ink(LoneDigit.anywhereData().sample(3, List.of(Documents.Kind.TABLE), 2.0).image())).isEqualTo(ink(LoneDigit.anywhere(3, 2.0).image()));
    assertThat(ink(LoneDigit.anywhereData().sample(3, null).image())).isEqualTo(ink(LoneDigit.anywhere(3, 1.0).image()));
    assertThatThrownBy(() -> LoneDigit.anywhere(1, 0.5)).hasMessageContaining("digit scale must be >= 1, got 0.5");
  }

  @Test
  void theDigitQuestionIsItsOwnKindAndOneSampleInNOfTheMixAsksIt() {
    for (long seed = 0; seed < 20; seed++) {
      Documents.Sample q = LoneDigit.question(seed, 1.0), page = LoneDigit.anywhere(seed, 1.0);
      assertThat(q.kind()).isEqualTo(Documents.Kind.DIGIT);
      assertThat(q.question()).isEqualTo("digit?");
      assertThat(q.answer()).isEqualTo(page.answer()).isEqualTo(q.caption());
      assertThat(ink(q.image())).isEqualTo(ink(page.image()));
      assertThat(ink(LoneDigit.question(seed, 3.0).image())).isEqualTo(ink(LoneDigit.anywhere(seed, 3.0).image()));
    }
    InfimmTraining.Data docs = InfimmTraining.documents(32, 96), mix = LoneDigit.mixedInto(docs, 7);
    List<Documents.Kind> kinds = InfimmTraining.kinds(2);
    int digits = 0, n = 1400;
    for (long seed = 0; seed < n; seed++) {
      Documents.Sample s = mix.sample(seed, kinds);
      if (s.kind() == Documents.Kind.DIGIT) {
        digits++;
        assertThat(s.answer()).isEqualTo(LoneDigit.question(seed, 1.0).answer());
        assertThat(ink(mix.sample(seed, kinds, 4.0).image())).as("the curriculum's scale reaches the digit").isEqualTo(ink(LoneDigit.anywhere(seed, 4.0).image()));
      } else {
        Documents.Sample d = docs.sample(seed, kinds);
        assertThat(s.question()).isEqualTo(d.question());
        assertThat(s.answer()).isEqualTo(d.answer());
        assertThat(s.image().getRGB(0, 0, s.image().getWidth(), s.image().getHeight(), null, 0, s.image().getWidth()))
            .as("every other sample is the document of its seed").isEqualTo(d.image().getRGB(0, 0, d.image().getWidth(), d.image().getHeight(), null, 0, d.image().getWidth()));
      }
    }
    assertThat(digits).as("about one in seven of %d", n).isBetween(150, 250);
    assertThat(LoneDigit.mixedInto(docs, 1).sample(5, kinds).kind()).isEqualTo(Documents.Kind.DIGIT);
    assertThatThrownBy(() -> LoneDigit.mixedInto(docs, 0)).hasMessageContaining("N >= 1, got 0");
    assertThat(InfimmTraining.kinds(4)).as("stage 4 asks every document kind, the corner strings too, and no digit").contains(Documents.Kind.CORNER)
        .doesNotContain(Documents.Kind.DIGIT);
    assertThatThrownBy(() -> Documents.sample(1, 32, 96, List.of(Documents.Kind.DIGIT))).hasMessageContaining("LoneDigit.question");
  }

  /** The digit stage's pages with documents among them: each sample is its seed's digit page or its seed's document. */
  @Test
  void digitStagePagesCarryADocumentInOneSampleOfN() {
    InfimmTraining.Data docs = InfimmTraining.documents(32, 96), pages = LoneDigit.withDocuments(docs, 4);
    List<Documents.Kind> kinds = InfimmTraining.kinds(1);
    int documents = 0, n = 800;
    for (long seed = 0; seed < n; seed++) {
      Documents.Sample s = pages.sample(seed, kinds, 4.0);
      Documents.Sample d = docs.sample(seed, kinds);
      if (s.caption().equals(d.caption()) && s.image().getWidth() == d.image().getWidth() && s.image().getHeight() == d.image().getHeight()) {
        documents++;
        assertThat(s.image().getRGB(0, 0, s.image().getWidth(), s.image().getHeight(), null, 0, s.image().getWidth()))
            .as("the document at its real size, not the curriculum's").isEqualTo(d.image().getRGB(0, 0, d.image().getWidth(), d.image().getHeight(), null, 0, d.image().getWidth()));
      } else {
        Documents.Sample digit = LoneDigit.anywhere(seed, 4.0);
        assertThat(s.caption()).isEqualTo(digit.caption());
        assertThat(ink(s.image())).as("the curriculum's scale reaches the digit").isEqualTo(ink(digit.image()));
      }
    }
    assertThat(documents).as("about one in four of %d", n).isBetween(160, 240);
    assertThatThrownBy(() -> LoneDigit.withDocuments(docs, 0)).hasMessageContaining("N >= 1, got 0");
  }

  /** The digit stage trains what stage 1 trains (the LM and the cross-attention), never the ViT, on digit captions. */
  @Test
  void theDigitStageLeavesThePretrainedVitAsItIs() {
    Engine.seed(2);
    InfimmModel m = InfimmModel.fromScratch(VisionPretrainingTest.tinyDynamic(), 2);
    java.util.Map<String, float[]> before = new java.util.LinkedHashMap<>();
    m.namedParameters().forEach((k, v) -> before.put(k, values(v)));
    double[] losses = InfimmTraining.digitStage(m, 4, 2, 3, InfimmModel.Resolution.DYNAMIC);
    assertThat(losses).hasSize(4);
    int vision = 0, moved = 0;
    for (var e : m.namedParameters().entrySet()) {
      boolean same = java.util.Arrays.equals(before.get(e.getKey()), values(e.getValue()));
      if (e.getKey().startsWith("vision_model.")) {
        vision++;
        assertThat(same).as("%s unchanged", e.getKey()).isTrue();
      } else if (!same) {
        moved++;
      }
    }
    assertThat(vision).isPositive();
    assertThat(moved).as("the LM and the cross-attention train").isPositive();
  }

  private static float[] values(org.bytedeco.pytorch.Tensor t) {
    org.bytedeco.pytorch.Tensor c = t.detach().contiguous().to(org.bytedeco.pytorch.global.torch.ScalarType.Float);
    float[] out = new float[(int) c.numel()];
    c.data_ptr_float().get(out);
    return out;
  }

  /**
   * The recipe of docs/infimm-hd.md's "The eighth round" reads the lone digit: a fresh quick model, stage-1
   * settings at dynamic resolution, 1,000 steps of batch 8, the digit 4× larger at first and real size from
   * 60% of the steps, the cross-attention's rate ×10 from step 100 and falling back to ×1 from step 500.
   * Held-out pages are then read from their own image and not from another page's or a black one (the
   * prior is about 10%). Without the curriculum and the decay the same model stays at the prior here
   * ("The seventh round", seeds 1 and 2).
   */
  @Test
  void aDigitCurriculumAndARaisedThenLoweredCrossRateReadTheLoneDigit() {
    Engine.seed(0);
    InfimmModel m = InfimmModel.fromScratch(InfimmConfig.quick(), 0);
    InfimmTraining.Options o = new InfimmTraining.Options(1, 1000, 8, 7, LoneDigit.SIDE, LoneDigit.SIDE, 4.0)
        .withCrossRate(new InfimmTraining.CrossRate(10, 100, 0, 500));
    InfimmTraining.train(m, o, InfimmModel.Resolution.DYNAMIC, null, Precision.F32, LoneDigit.data());
    double own = heldOut(m, i -> LoneDigit.sample(-(9000L + i), 1.0).image());
    double other = heldOut(m, i -> LoneDigit.sample(-(19000L + i), 1.0).image());
    double black = heldOut(m, i -> new BufferedImage(LoneDigit.SIDE, LoneDigit.SIDE, BufferedImage.TYPE_INT_RGB));
    System.err.printf("lone digit, 1000 steps: held-out %.3f with the own image, %.3f with another page's, %.3f with a black one%n", own, other, black);
    assertThat(own).as("held-out pages read from their own image").isGreaterThan(0.5);
    assertThat(other).as("with another page's image").isLessThan(0.3);
    assertThat(black).as("with a black image").isLessThan(0.3);
  }

  /** Accuracy on 96 held-out pages (seeds -9000...) asked about {@code image(i)}. */
  private static double heldOut(InfimmModel m, IntFunction<BufferedImage> image) {
    double[] r = InfimmTraining.evaluate(m, InfimmModel.Resolution.DYNAMIC, 96, i -> {
      Documents.Sample s = LoneDigit.sample(-(9000L + i), 1.0);
      return new Documents.Sample(image.apply(i), s.kind(), s.question(), s.answer(), s.caption());
    }).get(Documents.Kind.READ);
    return r[0] / r[1];
  }
}
