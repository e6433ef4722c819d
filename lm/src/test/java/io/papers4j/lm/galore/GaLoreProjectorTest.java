package io.papers4j.lm.galore;

import static io.papers4j.lm.galore.TensorData.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.lm.galore.GaLoreProjector.Side;
import io.papers4j.lm.galore.GaLoreProjector.Type;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** Spec unit tests (i) and (ii) of language-models.md §2(e). */
class GaLoreProjectorTest {

  /** (i) The side and shapes follow the 'std' rule for tall, wide and square matrices. */
  @Test
  void side_and_shapes_follow_the_smaller_dimension_rule() {
    torch.manual_seed(1);
    record Case(long m, long n, Side side, long[] ortho, long[] projected) {}
    int r = 3;
    Case[] cases = {
      new Case(12, 5, Side.RIGHT, new long[] {3, 5}, new long[] {12, 3}), // tall: Q (r, n), R (m, r)
      new Case(5, 12, Side.LEFT, new long[] {5, 3}, new long[] {3, 12}), // wide: P (m, r), R (r, n)
      new Case(7, 7, Side.RIGHT, new long[] {3, 7}, new long[] {7, 3}), // square counts as tall
    };
    for (Case c : cases) {
      GaLoreProjector p = new GaLoreProjector(c.m, c.n, r, 200, 0.25, Type.SVD);
      assertThat(p.side()).as("%dx%d", c.m, c.n).isEqualTo(c.side);
      Tensor low = p.project(torch.randn(c.m, c.n), 0);
      assertThat(low.sizes().vec().get()).isEqualTo(c.projected);
      assertThat(p.projectedShape()).isEqualTo(c.projected);
      assertThat(p.matrix().sizes().vec().get()).isEqualTo(c.ortho);
      assertThat(p.projectBack(low).sizes().vec().get()).isEqualTo(new long[] {c.m, c.n});
      // the projector has orthonormal rows (right) or columns (left)
      Tensor gram = c.side == Side.RIGHT ? p.matrix().mm(p.matrix().t()) : p.matrix().t().mm(p.matrix());
      assertThat(maxAbsDiff(gram, torch.eye(r))).isLessThan(1e-5);
    }
  }

  /** Rank above min(m, n) is clipped, and the side still comes from W's shape (ms-swift #10146). */
  @Test
  void rank_above_the_smaller_dimension_keeps_the_side_of_the_weight() {
    GaLoreProjector p = new GaLoreProjector(4, 9, 16, 200, 1.0, Type.SVD);
    assertThat(p.rank()).isEqualTo(4);
    Tensor low = p.project(torch.randn(4, 9), 0); // (4, 9): as tall as wide would fool a shape test
    assertThat(low.sizes().vec().get()).isEqualTo(new long[] {4, 9});
    assertThat(p.side()).isEqualTo(Side.LEFT);
  }

  /**
   * (ii) With r = min(m, n) and ρ = identity (plain SGD), the GaLore update equals the full-rank SGD
   * update to 1e-6: P·Pᵀ·G = G and G·Qᵀ·Q = G for square orthogonal P, Q.
   */
  @Test
  void full_rank_projection_with_sgd_equals_full_rank_sgd() {
    torch.manual_seed(2);
    long[][] shapes = {{9, 4}, {4, 9}, {6, 6}};
    double lr = 0.1;
    for (long[] s : shapes) {
      Tensor w = torch.randn(s[0], s[1]);
      Tensor g = torch.randn(s[0], s[1]);
      GaLoreProjector p = new GaLoreProjector(s[0], s[1], (int) Math.min(s[0], s[1]), 200, 1.0, Type.SVD);
      Tensor galore = w.sub(p.projectBack(p.project(g, 0)).mul(new org.bytedeco.pytorch.Scalar(lr)));
      Tensor sgd = w.sub(g.mul(new org.bytedeco.pytorch.Scalar(lr)));
      assertThat(maxAbsDiff(galore, sgd)).as("%dx%d", s[0], s[1]).isLessThan(1e-6);
    }
  }

  /** The projector is the top-r singular subspace: it captures the gradient's leading energy. */
  @Test
  void projection_keeps_the_top_singular_directions() {
    torch.manual_seed(3);
    // a rank-2 gradient plus tiny noise: rank-2 GaLore must reconstruct it almost exactly
    Tensor g = torch.randn(10, 2).mm(torch.randn(2, 16)).add(torch.randn(10, 16).mul(new org.bytedeco.pytorch.Scalar(1e-4)));
    GaLoreProjector p = new GaLoreProjector(10, 16, 2, 200, 1.0, Type.SVD);
    Tensor back = p.projectBack(p.project(g, 0));
    assertThat(maxAbsDiff(back, g)).isLessThan(1e-3);
  }
}
