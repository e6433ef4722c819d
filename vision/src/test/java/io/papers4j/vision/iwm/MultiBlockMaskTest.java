package io.papers4j.vision.iwm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Statistics of the I-JEPA multi-block sampler: block count, scale, aspect, disjoint context. */
class MultiBlockMaskTest {
  @Test
  void blockCountScaleAndAspectMatchTheConfiguration() {
    // 14x14 is I-JEPA's ViT/16 grid at 224 px: rounding errors are small there
    MultiBlockMask m = MultiBlockMask.ijepa(14, 14);
    Random rng = new Random(1);
    double scaleSum = 0, logAspectSum = 0;
    int n = 0;
    double minScale = 1, maxScale = 0;
    for (int it = 0; it < 400; it++) {
      MultiBlockMask.Batch b = m.sample(8, rng);
      for (MultiBlockMask.Sample s : b.samples()) {
        assertThat(s.targetBlocks()).hasSize(4);
        for (MultiBlockMask.Block bl : s.targetBlocks()) {
          assertThat(bl.top()).isGreaterThanOrEqualTo(0);
          assertThat(bl.left()).isGreaterThanOrEqualTo(0);
          assertThat(bl.top() + bl.height()).isLessThanOrEqualTo(14);
          assertThat(bl.left() + bl.width()).isLessThanOrEqualTo(14);
          double scale = bl.height() * bl.width() / 196.0;
          scaleSum += scale;
          minScale = Math.min(minScale, scale);
          maxScale = Math.max(maxScale, scale);
          logAspectSum += Math.log((double) bl.height() / bl.width());
          n++;
        }
      }
    }
    double meanScale = scaleSum / n;
    System.out.printf("mean block scale %.4f (range %.3f-%.3f), mean log aspect %.3f over %d blocks%n",
        meanScale, minScale, maxScale, logAspectSum / n, n);
    // U(0.15, 0.2) has mean 0.175; keep = floor(196 s) and the rounding of √ shift it by < 0.01
    assertThat(meanScale).isBetween(0.165, 0.185);
    // every block within the range, up to one row or column of rounding (14/196 ≈ 0.07 per row)
    assertThat(minScale).isGreaterThan(0.15 - 0.07);
    assertThat(maxScale).isLessThan(0.2 + 0.07);
    // aspect U(0.75, 1.5): E[log r] = (1.5 ln 1.5 − 0.75 ln 0.75 − 0.75) / 0.75 ≈ 0.099
    double expectedLog = (1.5 * Math.log(1.5) - 0.75 * Math.log(0.75) - 0.75) / 0.75;
    assertThat(logAspectSum / n).isCloseTo(expectedLog, org.assertj.core.data.Offset.offset(0.06));
  }

  @Test
  void contextIsDisjointFromTargetsAndBatchesStack() {
    MultiBlockMask m = MultiBlockMask.ijepa(8, 8);
    Random rng = new Random(2);
    double targetFraction = 0;
    int n = 0;
    for (int it = 0; it < 200; it++) {
      MultiBlockMask.Batch b = m.sample(16, rng);
      int t = b.target()[0].length, c = b.context()[0].length;
      for (int i = 0; i < 16; i++) {
        assertThat(b.target()[i]).hasSize(t);
        assertThat(b.context()[i]).hasSize(c);
        Set<Integer> ts = new HashSet<>();
        for (int v : b.samples().get(i).target()) ts.add(v);
        for (int v : b.context()[i]) assertThat(ts).doesNotContain(v);
        assertThat(b.context()[i].length).isGreaterThanOrEqualTo(4);
        targetFraction += b.samples().get(i).target().length / 64.0;
        n++;
      }
    }
    // four blocks of 9-12 tokens on 64, overlapping: the union covers between one and four blocks
    double mean = targetFraction / n;
    System.out.printf("mean target union fraction on 8x8: %.3f%n", mean);
    assertThat(mean).isBetween(0.15, 0.75);
  }

  @Test
  void rejectsBadRanges() {
    assertThatThrownBy(() -> new MultiBlockMask(8, 8, 4, new double[] {0.2, 0.1}, new double[] {1, 1}, new double[] {0.9, 1}, 4))
        .hasMessageContaining("scale range");
  }
}
