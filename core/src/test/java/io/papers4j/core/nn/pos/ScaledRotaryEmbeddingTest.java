package io.papers4j.core.nn.pos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.papers4j.core.nn.pos.RotaryEmbedding;
import io.papers4j.core.tensor.Engine;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ScaledRotaryEmbeddingTest {
  static final int D = 32;
  static final int L = 64;
  static final double S = 4;

  @BeforeAll
  static void init() {
    Engine.seed(7);
  }

  @Test
  void every_variant_keeps_the_relative_position_property_within_the_extended_range() {
    for (Pairing pairing : Pairing.values()) {
      for (String name : RopeConfig.NAMES) {
        try (PointerScope scope = new PointerScope()) {
          RopeConfig c = RopeConfig.named(name, D, 10000, S, L);
          ScaledRotaryEmbedding pe = new ScaledRotaryEmbedding(c, pairing, (int) (S * L));
          Tensor q = torch.randn(1, 1, 1, D).to(ScalarType.Double);
          Tensor k = torch.randn(1, 1, 1, D).to(ScalarType.Double);
          int[][] pairs = {{10, 3}, {40, 33}, {63, 56}, {130, 123}, {255, 248}};
          double ref = score(pe, q, k, pairs[0][0], pairs[0][1]);
          for (int[] mn : pairs) {
            double sc = score(pe, q, k, mn[0], mn[1]);
            assertThat(sc).as("%s %s at (%d, %d)", name, pairing, mn[0], mn[1])
                .isCloseTo(ref, within(2e-4 * Math.max(1, Math.abs(ref))));
          }
          // and it does depend on the offset
          assertThat(Math.abs(score(pe, q, k, 20, 3) - ref)).as(name).isGreaterThan(1e-3);
        }
      }
    }
  }

  @Test
  void plain_rope_in_half_pairing_equals_the_core_rotary_embedding() {
    try (PointerScope scope = new PointerScope()) {
      ScaledRotaryEmbedding pe = new ScaledRotaryEmbedding(RopeConfig.rope(D, 10000), Pairing.HALF, 128);
      RotaryEmbedding core = new RotaryEmbedding(D, 10000);
      Tensor q = torch.randn(2, 4, 100, D);
      Tensor k = torch.randn(2, 2, 100, D);
      Tensor pos = torch.arange(new org.bytedeco.pytorch.Scalar(20), new org.bytedeco.pytorch.Scalar(120))
          .to(ScalarType.Long);
      Tensor[] a = pe.apply(q, k, pos);
      Tensor[] b = core.apply(q, k, pos);
      assertThat(a[0].sub(b[0]).abs().max().item_double()).isLessThan(1e-5);
      assertThat(a[1].sub(b[1]).abs().max().item_double()).isLessThan(1e-5);
    }
  }

  @Test
  void adjacent_pairing_is_half_pairing_with_permuted_dimensions() {
    try (PointerScope scope = new PointerScope()) {
      RopeConfig c = RopeConfig.named("resonance-yarn", D, 10000, S, L);
      ScaledRotaryEmbedding half = new ScaledRotaryEmbedding(c, Pairing.HALF, 256);
      ScaledRotaryEmbedding adj = new ScaledRotaryEmbedding(c, Pairing.ADJACENT, 256);
      Tensor xHalf = torch.randn(1, 1, 1, D).expand(1, 1, 200, D).contiguous();
      long[] perm = new long[D]; // adjacent index 2j ← half j, 2j+1 ← half j + D/2
      for (int j = 0; j < D / 2; j++) {
        perm[2 * j] = j;
        perm[2 * j + 1] = j + D / 2;
      }
      Tensor idx = Tensor.create(perm);
      Tensor xAdj = xHalf.index_select(-1, idx);
      Tensor pos = torch.arange(new org.bytedeco.pytorch.Scalar(200)).to(ScalarType.Long);
      Tensor rh = half.apply(xHalf, xHalf, pos)[0];
      Tensor ra = adj.apply(xAdj, xAdj, pos)[0];
      assertThat(rh.index_select(-1, idx).sub(ra).abs().max().item_double()).isEqualTo(0.0);
    }
  }

  @Test
  void tables_bound_once_give_the_per_call_rotation_exactly() {
    try (PointerScope scope = new PointerScope()) {
      for (Pairing pairing : Pairing.values()) {
        for (String type : new String[] {"yarn", "dynamic"}) {
          ScaledRotaryEmbedding rope = new ScaledRotaryEmbedding(RopeConfig.named(type, D, 10000, S, L), pairing, 64);
          Tensor q = torch.randn(2, 3, 40, D);
          Tensor k = torch.randn(2, 1, 40, D);
          Tensor pos = torch.arange(new org.bytedeco.pytorch.Scalar(30), new org.bytedeco.pytorch.Scalar(70))
              .to(ScalarType.Long); // crosses the end of the 64-row table
          Tensor[] expected = rope.apply(q, k, pos);
          PositionEncoding.AtPositions bound = rope.at(pos);
          for (int layer = 0; layer < 2; layer++) {
            Tensor[] got = bound.apply(q, k);
            assertThat(torch.equal(got[0], expected[0])).as("%s %s q", pairing, type).isTrue();
            assertThat(torch.equal(got[1], expected[1])).as("%s %s k", pairing, type).isTrue();
          }
        }
      }
    }
  }

  @Test
  void positions_beyond_the_table_and_batched_positions_give_the_same_rotation() {
    try (PointerScope scope = new PointerScope()) {
      RopeConfig c = RopeConfig.named("yarn", D, 10000, S, L);
      ScaledRotaryEmbedding small = new ScaledRotaryEmbedding(c, Pairing.HALF, 8);
      ScaledRotaryEmbedding big = new ScaledRotaryEmbedding(c, Pairing.HALF, 512);
      Tensor x = torch.randn(2, 2, 50, D);
      Tensor pos = torch.arange(new org.bytedeco.pytorch.Scalar(300), new org.bytedeco.pytorch.Scalar(350))
          .to(ScalarType.Long);
      Tensor a = small.apply(x, x, pos)[0];
      Tensor b = big.apply(x, x, pos)[0];
      Tensor batched = big.apply(x, x, pos.unsqueeze(0).expand(2, 50).contiguous())[0];
      assertThat(a.sub(b).abs().max().item_double()).isEqualTo(0.0);
      assertThat(batched.sub(b).abs().max().item_double()).isEqualTo(0.0);
      // YaRN's mscale multiplies the rotated vectors: |x'| = mscale·|x|
      double ratio = b.norm().item_double() / x.norm().item_double();
      assertThat(ratio).isCloseTo(RopeConfig.yarnMscale(S, 1), within(1e-4));
    }
  }

  @Test
  void dynamic_ntk_is_rope_inside_the_trained_length() {
    try (PointerScope scope = new PointerScope()) {
      ScaledRotaryEmbedding dyn = new ScaledRotaryEmbedding(RopeConfig.named("dynamic", D, 10000, 2, L), Pairing.HALF, 256);
      ScaledRotaryEmbedding rope = new ScaledRotaryEmbedding(RopeConfig.rope(D, 10000), Pairing.HALF, 256);
      Tensor x = torch.randn(1, 1, L, D);
      Tensor pos = torch.arange(new org.bytedeco.pytorch.Scalar(L)).to(ScalarType.Long);
      assertThat(dyn.apply(x, x, pos)[0].sub(rope.apply(x, x, pos)[0]).abs().max().item_double()).isEqualTo(0.0);
      Tensor longPos = torch.arange(new org.bytedeco.pytorch.Scalar(4 * L)).to(ScalarType.Long);
      Tensor xl = torch.randn(1, 1, 4 * L, D);
      assertThat(dyn.apply(xl, xl, longPos)[0].sub(rope.apply(xl, xl, longPos)[0]).abs().max().item_double())
          .isGreaterThan(1e-3);
    }
  }

  @Test
  void negative_positions_and_oversized_rotary_dims_fail_clearly() {
    try (PointerScope scope = new PointerScope()) {
      ScaledRotaryEmbedding pe = new ScaledRotaryEmbedding(RopeConfig.rope(D, 10000), Pairing.HALF, 16);
      Tensor x = torch.randn(1, 1, 2, D);
      Tensor bad = Tensor.create(new long[] {0, -1});
      assertThatThrownBy(() -> pe.apply(x, x, bad)).hasMessageContaining("positions must be >= 0");
      Tensor small = torch.randn(1, 1, 2, D / 2);
      Tensor pos = Tensor.create(new long[] {0, 1});
      assertThatThrownBy(() -> pe.apply(small, small, pos)).hasMessageContaining("exceeds head dim");
    }
  }

  /**
   * ⟨R(m)q, R(n)k⟩ inside one forward pass over positions 0 … 255 (dynamic NTK's frequencies
   * depend on the pass length, so the property is stated per pass).
   */
  static double score(ScaledRotaryEmbedding pe, Tensor q, Tensor k, long m, long n) {
    int t = (int) (S * L);
    Tensor pos = torch.arange(new org.bytedeco.pytorch.Scalar(t)).to(ScalarType.Long);
    Tensor[] r = pe.apply(q.expand(1, 1, t, D), k.expand(1, 1, t, D), pos); // (1, 1, T, D)
    Tensor qm = r[0].select(2, m);
    Tensor kn = r[1].select(2, n);
    return qm.mul(kn).sum().item_double();
  }
}
