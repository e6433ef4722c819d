package io.papers4j.multimodal.infimm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tensor.Precision;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class FixedCellTableTest {
  /** The pixels of the first cell's 8-px digit box. */
  private static int[] cell(BufferedImage img) {
    return img.getRGB(FixedCellTable.LEFT - 1, FixedCellTable.BASELINE - 7, 8, 9, null, 0, 8);
  }

  /** Dark pixels (below every background) in the box {x0, y0, x1, y1} (exclusive ends). */
  private static int ink(BufferedImage img, int x0, int y0, int x1, int y1) {
    int n = 0;
    for (int y = y0; y < y1; y++) {
      for (int x = x0; x < x1; x++) {
        int rgb = img.getRGB(x, y);
        if (((rgb >> 16) & 255) + ((rgb >> 8) & 255) + (rgb & 255) < 3 * 100) n++;
      }
    }
    return n;
  }

  private static int background(BufferedImage img) {
    int rgb = img.getRGB(0, FixedCellTable.SIDE - 1) & 0xFFFFFF;
    for (int i = 0; i < Documents.BACKGROUNDS.length; i++) if ((Documents.BACKGROUNDS[i].getRGB() & 0xFFFFFF) == rgb) return i;
    throw new AssertionError("not a document background: " + Integer.toHexString(rgb));
  }

  @Test
  void theAskedCellHoldsTheAnswerDigitAndTheCurriculumShrinksItToItsRealSize() {
    int[] seen = new int[10];
    for (long seed = 0; seed < 40; seed++) {
      Documents.Sample s = FixedCellTable.sample(seed, 1.0);
      assertThat(s.question()).isEqualTo("row 1 col 1?");
      assertThat(s.kind()).isEqualTo(Documents.Kind.TABLE);
      assertThat(s.answer()).matches("[0-9]").isEqualTo(s.caption()).isEqualTo(FixedCellTable.sample(seed, 1.0).answer());
      assertThat(s.image().getWidth()).isEqualTo(FixedCellTable.SIDE);
      assertThat(s.image().getHeight()).isEqualTo(FixedCellTable.SIDE);
      int answer = Integer.parseInt(s.answer()), bg = background(s.image());
      // the cell holds exactly the answer's glyph (the lone digit sits at the same place), and no other digit's
      for (int d = 0; d < 10; d++) {
        int[] glyph = cell(LoneDigit.page(bg, d, 1.0));
        if (d == answer) assertThat(cell(s.image())).as("seed %d: the cell holds %d", seed, d).isEqualTo(glyph);
        else assertThat(cell(s.image())).as("seed %d: the cell is not %d", seed, d).isNotEqualTo(glyph);
      }
      // the rest of the table is the document's: the other cells keep their digits
      BufferedImage doc = Documents.sample(seed, 96, 96, List.of(Documents.Kind.TABLE)).image();
      assertThat(ink(s.image(), 40, 25, 96, 60)).isEqualTo(ink(doc, 40, 25, 96, 60)).isGreaterThan(10);
      // the curriculum: 4x covers the small digit's place with many times its ink; back to real size at scale 1
      BufferedImage big = FixedCellTable.sample(seed, 4.0).image();
      int small = ink(s.image(), 15, 33, 26, 45);
      assertThat(small).as("the 8-px digit is drawn").isGreaterThan(5);
      assertThat(ink(big, 3, 24, 36, 57)).as("4x: many times the ink").isGreaterThan(8 * small);
      assertThat(FixedCellTable.data().sample(seed, null, InfimmTraining.squareScale(4.0, 999, 1000)).image().getRGB(0, 0, 96, 96, null, 0, 96))
          .as("the curriculum's last step draws the real size").isEqualTo(s.image().getRGB(0, 0, 96, 96, null, 0, 96));
    }
    for (long seed = 0; seed < 200; seed++) seen[Integer.parseInt(FixedCellTable.sample(seed, 1.0).answer())]++;
    for (int d = 0; d < 10; d++) assertThat(seen[d]).as("digit %d is asked about equally often (20 of 200)", d).isBetween(8, 35);
    assertThat(cell(FixedCellTable.data().sample(3, List.of(Documents.Kind.READ), 2.0).image())).isEqualTo(cell(FixedCellTable.sample(3, 2.0).image()));
    assertThat(cell(FixedCellTable.data().sample(3, null).image())).isEqualTo(cell(FixedCellTable.sample(3, 1.0).image()));
    assertThatThrownBy(() -> FixedCellTable.sample(1, 0.5)).hasMessageContaining("digit scale must be >= 1, got 0.5");
  }

  /**
   * Recipe F ("The ninth round": a fresh quick model, stage-1 settings at dynamic resolution, 1,000 steps of
   * batch 8, the asked digit 4x larger at first and real size from 60% of the steps, the cross-attention's rate
   * x10 from step 100 falling back to x1 from step 500) with the CLS keys dropped, at seed 2, where recipe F
   * alone stayed at the prior. Held-out pages are read from their own image and not from another page's or a
   * black one (the prior is about 10%).
   */
  @Test
  void recipeFWithoutTheClsKeysReadsTheFixedCellAtSeed2() {
    Engine.seed(2);
    InfimmModel m = InfimmModel.fromScratch(InfimmConfig.quick().withMaskCls(true), 2);
    InfimmTraining.Options o = new InfimmTraining.Options(1, 1000, 8, 2, FixedCellTable.SIDE, FixedCellTable.SIDE, 4.0)
        .withCrossRate(new InfimmTraining.CrossRate(10, 100, 0, 500));
    long t0 = System.nanoTime();
    InfimmTraining.train(m, o, InfimmModel.Resolution.DYNAMIC, (step, loss) -> {
      if (step % 100 == 0) System.err.printf("fixed cell, step %d loss %.4f, %.0f s%n", step, loss, (System.nanoTime() - t0) / 1e9);
    }, Precision.F32, FixedCellTable.data());
    double own = heldOut(m, i -> FixedCellTable.sample(-(9000L + i), 1.0).image());
    double other = heldOut(m, i -> FixedCellTable.sample(-(19000L + i), 1.0).image());
    double black = heldOut(m, i -> new BufferedImage(FixedCellTable.SIDE, FixedCellTable.SIDE, BufferedImage.TYPE_INT_RGB));
    System.err.printf("fixed cell, seed 2, 1000 steps: held-out %.3f with the own image, %.3f with another page's, %.3f with a black one%n", own, other, black);
    assertThat(own).as("held-out pages read from their own image").isGreaterThan(0.5);
    assertThat(other).as("with another page's image").isLessThan(0.3);
    assertThat(black).as("with a black image").isLessThan(0.3);
  }

  /** Accuracy on 96 held-out pages (seeds -9000...) asked, as stage 1 trains, "caption?" about {@code image(i)}. */
  private static double heldOut(InfimmModel m, IntFunction<BufferedImage> image) {
    double[] r = InfimmTraining.evaluate(m, InfimmModel.Resolution.DYNAMIC, 96, i -> {
      Documents.Sample s = FixedCellTable.sample(-(9000L + i), 1.0);
      return new Documents.Sample(image.apply(i), s.kind(), "caption?", s.answer(), s.caption());
    }).get(Documents.Kind.TABLE);
    return r[0] / r[1];
  }
}
