package io.papers4j.core.nn.pos;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.nn.T;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

class RotaryEmbeddingTest {

  private static double dot(Tensor a, Tensor b) {
    return a.mul(b).sum().item_double();
  }

  /** q at position m and k at position n, each (1, 1, 1, D). */
  private static double score(RotaryEmbedding rope, Tensor q, Tensor k, long m, long n) {
    Tensor qm = rope.apply(q, k, Tensor.create(new long[] {m}))[0];
    Tensor kn = rope.apply(q, k, Tensor.create(new long[] {n}))[1];
    return dot(qm, kn);
  }

  @Test
  void score_after_rotation_depends_only_on_relative_position() {
    RotaryEmbedding rope = new RotaryEmbedding(16, 10000.0);
    Tensor q = T.randn(1, ScalarType.Double, 1, 1, 1, 16);
    Tensor k = T.randn(2, ScalarType.Double, 1, 1, 1, 16);
    for (long delta : new long[] {0, 1, 5, 37}) {
      double ref = score(rope, q, k, delta, 0);
      for (long n : new long[] {1, 13, 200, 4000}) {
        double s = score(rope, q, k, n + delta, n);
        assertThat(Math.abs(s - ref)).as("delta=%d n=%d", delta, n).isLessThan(1e-9);
      }
    }
    // and it does depend on the offset (the encoding is not trivial)
    assertThat(Math.abs(score(rope, q, k, 3, 0) - score(rope, q, k, 0, 0))).isGreaterThan(1e-3);
  }

  @Test
  void rotate_half_pairs_dimension_j_with_j_plus_half_by_angle_m_theta_j() {
    // D = 4, base 100: θ = (1, 0.1); at position 2 the angles are (2, 0.2)
    RotaryEmbedding rope = new RotaryEmbedding(4, 100.0);
    Tensor x = Tensor.create(new double[] {1, 2, 3, 4}, 1, 1, 1, 4);
    Tensor y = rope.apply(x, x, Tensor.create(new long[] {2}))[0];
    double c0 = Math.cos(2), s0 = Math.sin(2), c1 = Math.cos(0.2), s1 = Math.sin(0.2);
    double[] expected = {
      1 * c0 - 3 * s0, // x0 cos - x2 sin
      2 * c1 - 4 * s1, // x1 cos - x3 sin
      3 * c0 + 1 * s0, // x2 cos + x0 sin
      4 * c1 + 2 * s1 // x3 cos + x1 sin
    };
    assertThat(T.maxDiff(y, Tensor.create(expected, 1, 1, 1, 4))).isLessThan(1e-6);
    // position 0 is the identity, and rotation keeps the norm
    assertThat(T.maxDiff(rope.apply(x, x, Tensor.create(new long[] {0}))[0], x)).isZero();
    assertThat(y.norm().item_double()).isCloseTo(x.norm().item_double(), org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void batched_positions_match_shared_positions() {
    RotaryEmbedding rope = new RotaryEmbedding(8, 5e6);
    Tensor q = T.randn(3, ScalarType.Float, 2, 4, 5, 8);
    Tensor shared = rope.apply(q, q, T.arange(3, 8))[0];
    Tensor perRow = rope.apply(q, q, T.arange(3, 8).unsqueeze(0).expand(2, 5))[0];
    assertThat(T.maxDiff(shared, perRow)).isZero();
  }

  /** The rotation as it was computed per layer before cos/sin were shared: cos/sin, then {@link RotaryEmbedding#rotate}. */
  private static Tensor[] perLayer(RotaryEmbedding rope, Tensor q, Tensor k, Tensor positions) {
    Tensor[] cs = rope.cosSin(positions, q.scalar_type().intern());
    return new Tensor[] {RotaryEmbedding.rotate(q, cs[0], cs[1]), RotaryEmbedding.rotate(k, cs[0], cs[1])};
  }

  @Test
  void shared_tables_and_rolled_rotation_equal_the_per_layer_rotation_bit_for_bit() {
    Tensor pos = T.arange(5, 12); // (7)
    Tensor rowPos = T.arange(5, 12).unsqueeze(0).expand(2, 7).add(T.arange(0, 2).unsqueeze(1)); // (2, 7), per row
    // plain RoPE and a YaRN-like attention scaling (cos and sin multiplied), every dtype the model runs in
    RotaryEmbedding[] ropes = {
      new RotaryEmbedding(16, 10000.0), new RotaryEmbedding(RotaryEmbedding.standardInvFreq(16, 500.0), 1.17)
    };
    for (RotaryEmbedding rope : ropes) {
      for (ScalarType dt : new ScalarType[] {ScalarType.Float, ScalarType.Double, ScalarType.BFloat16}) {
        Tensor q = T.randn(11, ScalarType.Float, 2, 4, 7, 16).to(dt); // (B, H, T, D)
        Tensor k = T.randn(12, ScalarType.Float, 2, 2, 7, 16).to(dt); // (B, Hkv, T, D)
        for (Tensor p : new Tensor[] {pos, rowPos}) {
          Tensor[] expected = perLayer(rope, q, k, p);
          PositionEncoding.AtPositions bound = rope.at(p);
          for (int layer = 0; layer < 3; layer++) { // the tables built for the first layer serve the others
            Tensor[] got = bound.apply(q, k);
            assertThat(torch.equal(got[0], expected[0])).as("q %s layer %d", dt, layer).isTrue();
            assertThat(torch.equal(got[1], expected[1])).as("k %s layer %d", dt, layer).isTrue();
          }
          Tensor[] viaApply = rope.apply(q, k, p);
          assertThat(torch.equal(viaApply[0], expected[0])).isTrue();
          assertThat(torch.equal(viaApply[1], expected[1])).isTrue();
          // q and k side by side in one tensor (a stacked q/k/v product): rotated in one pass, same bits
          Tensor qk = torch.cat(new org.bytedeco.pytorch.TensorVector(q, k), 1); // (B, H + Hkv, T, D)
          Tensor[] adjacent = rope.at(p).applyAdjacent(qk, 4);
          assertThat(adjacent[0].shape()).isEqualTo(q.shape());
          assertThat(adjacent[1].shape()).isEqualTo(k.shape());
          assertThat(torch.equal(adjacent[0], expected[0])).as("adjacent q %s", dt).isTrue();
          assertThat(torch.equal(adjacent[1], expected[1])).as("adjacent k %s", dt).isTrue();
        }
      }
    }
    // tables built inside a layer's own PointerScope are freed with it; the next layer rebuilds them
    Tensor q0 = T.randn(14, ScalarType.Float, 1, 2, 7, 16);
    PositionEncoding.AtPositions bound = ropes[0].at(pos);
    Tensor first;
    try (org.bytedeco.javacpp.PointerScope layer = new org.bytedeco.javacpp.PointerScope()) {
      first = bound.apply(q0, q0)[0].clone();
      first.retainReference();
    }
    assertThat(torch.equal(bound.apply(q0, q0)[0], first)).isTrue();
    first.releaseReference();
    // the rolled form is exact, not merely close: the rotation moves every element
    Tensor q = T.randn(13, ScalarType.Float, 1, 1, 1, 16);
    assertThat(T.maxDiff(ropes[0].apply(q, q, Tensor.create(new long[] {3}))[0], q)).isGreaterThan(1e-2);
  }
}
