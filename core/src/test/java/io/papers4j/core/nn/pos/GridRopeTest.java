package io.papers4j.core.nn.pos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.tensor.Engine;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GridRopeTest {
  @BeforeAll
  static void init() {
    Engine.init(1);
    Engine.seed(7);
  }

  /** ⟨R(p1) q, R(p2) k⟩ for one head vector pair at two (row, col) coordinates. */
  private static double score(GridRope rope, Tensor q, Tensor k, double[] p1, double[] p2) {
    Tensor pos = Tensor.create(new double[] {p1[0], p1[1], p2[0], p2[1]}).view(2, 2);
    Tensor qq = q.expand(1, 1, 2, q.size(-1)).contiguous();
    Tensor kk = k.expand(1, 1, 2, k.size(-1)).contiguous();
    Tensor[] r = rope.apply(qq, kk, pos);
    return r[0].select(2, 0).mul(r[1].select(2, 1)).sum().item_double();
  }

  @Test
  void twoDimensionalRopeDependsOnlyOnTheOffsetAlongBothAxes() {
    GridRope rope = new GridRope(GridRope.Kind.ROPE_2D, 24, 10000);
    Tensor q = torch.randn(24).to(ScalarType.Double);
    Tensor k = torch.randn(24).to(ScalarType.Double);
    double a = score(rope, q, k, new double[] {3, 5}, new double[] {1, 2}); // offset (2, 3)
    double b = score(rope, q, k, new double[] {6, 4}, new double[] {4, 1}); // same offset elsewhere
    assertThat(b).isCloseTo(a, org.assertj.core.data.Offset.offset(1e-9));
    // a different offset along either axis changes the score: the encoding sees both axes
    double rowOnly = score(rope, q, k, new double[] {4, 5}, new double[] {1, 2}); // (3, 3)
    double colOnly = score(rope, q, k, new double[] {3, 6}, new double[] {1, 2}); // (2, 4)
    assertThat(Math.abs(rowOnly - a)).isGreaterThan(1e-6);
    assertThat(Math.abs(colOnly - a)).isGreaterThan(1e-6);
  }

  @Test
  void halfThePairsFollowTheRowAndHalfTheColumn() {
    GridRope rope = new GridRope(GridRope.Kind.ROPE_2D, 8, 10000);
    // moving along the row (column index changes) rotates only even pairs, and vice versa
    Tensor[] cs = rope.cosSin(Tensor.create(new double[] {0, 1, 1, 0}).view(2, 2), ScalarType.Double);
    Tensor sinCol = cs[1].select(0, 0); // (D) at (row 0, col 1)
    Tensor sinRow = cs[1].select(0, 1); // at (row 1, col 0)
    // pairs p = 0..3 (channels p and p + 4): even p follow x, odd p follow y
    assertThat(sinCol.get(0).item_double()).isNotZero();
    assertThat(sinCol.get(1).item_double()).isZero();
    assertThat(sinRow.get(0).item_double()).isZero();
    assertThat(sinRow.get(1).item_double()).isNotZero();
    assertThat(sinRow.get(1).item_double()).isCloseTo(sinCol.get(0).item_double(), org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void oneDimensionalRopeIsStandardRopeOnTheFlatIndex() {
    GridRope rope = new GridRope(GridRope.Kind.ROPE_1D, 8, 10000);
    Tensor pos = GridPositions.of(GridRope.Kind.ROPE_1D, 2, 3, 1, 1, true); // (7, 2)
    assertThat(pos.select(1, 0).get(6).item_double()).isEqualTo(6.0);
    Tensor[] cs = rope.cosSin(pos, ScalarType.Double);
    // pair 0 has frequency 1: angle = flat index
    assertThat(cs[1].get(5).get(0).item_double()).isCloseTo(Math.sin(5), org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void autoScaledPositionsEqualPlainPositionsAtTheTrainingGridAndInterpolateElsewhere() {
    Tensor plain = GridPositions.of(GridRope.Kind.ROPE_2D, 7, 7, 1, 1, true);
    Tensor as = GridPositions.of(GridRope.Kind.ROPE_2D, 7, 7, 7.0 / 7, 7.0 / 7, true);
    assertThat(as.equal(plain)).isTrue();
    Tensor big = GridPositions.of(GridRope.Kind.ROPE_2D, 14, 14, 7.0 / 14, 7.0 / 14, true);
    assertThat(big.max().item_double()).isEqualTo(6.5); // 13 · ½: the whole image spans the training range
  }

  @Test
  void rejectsHeadDimNotDivisibleByFour() {
    assertThatThrownBy(() -> new GridRope(GridRope.Kind.ROPE_2D, 6, 10000)).hasMessageContaining("divisible by 4");
  }
}
