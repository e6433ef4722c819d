package io.papers4j.core.optim;

import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class BlockwiseInt8Test {

  private static float[] floats(Tensor t) {
    Tensor c = t.contiguous().to(torch.ScalarType.Float);
    float[] out = new float[(int) c.numel()];
    c.data_ptr_float().get(out);
    return out;
  }

  @Test
  void code_books_have_at_most_256_sorted_entries_and_the_stated_error() {
    for (QuantMap map : QuantMap.values()) {
      float[] v = map.codes();
      assertThat(v.length).as(map.name()).isLessThanOrEqualTo(256);
      for (int i = 1; i < v.length; i++) assertThat(v[i]).isGreaterThan(v[i - 1]);
      assertThat(v[v.length - 1]).isEqualTo(1f);
    }
    assertThat(QuantMap.DYNAMIC_SIGNED.codes()).hasSize(256).contains(0f);
    assertThat(QuantMap.DYNAMIC_UNSIGNED.codes()).hasSize(256).contains(0f);
    assertThat(QuantMap.DYNAMIC_UNSIGNED.codes()[0]).isEqualTo(0f);
    // half the spacing of the top decade: 0.9/64/2 and 0.9/128/2
    assertThat(QuantMap.DYNAMIC_SIGNED.maxRoundingError()).isCloseTo(0.9 / 128, within(1e-6));
    assertThat(QuantMap.DYNAMIC_UNSIGNED.maxRoundingError()).isCloseTo(0.9 / 256, within(1e-6));
    assertThat(QuantMap.LINEAR_SIGNED.maxRoundingError()).isCloseTo(1.0 / 254, within(1e-6));
  }

  private static org.assertj.core.data.Offset<Double> within(double d) {
    return org.assertj.core.data.Offset.offset(d);
  }

  /** Spec unit test (v): the round-trip error stays within the code book's bound of each block's absmax. */
  @Test
  void round_trip_error_is_within_one_percent_of_block_absmax() {
    torch.manual_seed(7);
    int block = 256;
    // heavy-tailed values over many magnitudes, 5 blocks and a padded tail, like Adam moments
    Tensor x = torch.randn(1300).mul(torch.randn(1300).mul(new Scalar(3.0)).exp());
    Tensor sq = x.mul(x); // non-negative, like exp_avg_sq
    check(x, QuantMap.DYNAMIC_SIGNED, block);
    check(sq, QuantMap.DYNAMIC_UNSIGNED, block);
    check(x, QuantMap.LINEAR_SIGNED, block);
  }

  private static void check(Tensor x, QuantMap map, int block) {
    BlockwiseInt8 q = BlockwiseInt8.zeros(new long[] {x.numel()}, block, map.tensor());
    q.store(x);
    float[] orig = floats(x);
    float[] back = floats(q.load());
    double bound = map.maxRoundingError();
    assertThat(bound).isLessThan(0.01);
    for (int b = 0; b * block < orig.length; b++) {
      double absmax = 0;
      for (int i = b * block; i < Math.min(orig.length, (b + 1) * block); i++) {
        absmax = Math.max(absmax, Math.abs(orig[i]));
      }
      for (int i = b * block; i < Math.min(orig.length, (b + 1) * block); i++) {
        assertThat(Float.isFinite(back[i])).isTrue();
        assertThat((double) Math.abs(back[i] - orig[i]))
            .as("%s element %d of block %d", map, i, b)
            .isLessThanOrEqualTo(bound * absmax * (1 + 1e-5) + 1e-30);
      }
    }
    assertThat(q.bytes()).isEqualTo(x.numel() + 4L * ((x.numel() + block - 1) / block));
  }

  @Test
  void dynamic_map_keeps_small_second_moments_that_a_linear_map_rounds_to_zero() {
    torch.manual_seed(3);
    // one block whose entries span 1e-6 .. 1 (the map's design range): like Adam's exp_avg_sq
    Tensor v = torch.pow(new Scalar(10.0), torch.rand(2048).mul(new Scalar(-6.0)));
    BlockwiseInt8 dyn = BlockwiseInt8.zeros(new long[] {2048}, 2048, QuantMap.DYNAMIC_UNSIGNED.tensor());
    BlockwiseInt8 lin = BlockwiseInt8.zeros(new long[] {2048}, 2048, QuantMap.LINEAR_SIGNED.tensor());
    dyn.store(v);
    lin.store(v);
    float[] o = floats(v);
    float[] d = floats(dyn.load());
    float[] l = floats(lin.load());
    int dynZeros = 0, linZeros = 0;
    double dynRel = 0;
    for (int i = 0; i < o.length; i++) {
      if (d[i] == 0f) dynZeros++;
      if (l[i] == 0f) linZeros++;
      if (o[i] > 1e-4) dynRel = Math.max(dynRel, Math.abs(d[i] - o[i]) / o[i]);
    }
    assertThat(dynZeros).isZero();
    assertThat(linZeros).isGreaterThan(1024); // over half: everything below 1/254 of the max collapses
    assertThat(dynRel).isLessThan(0.3); // the 16 codes of [1e-4, 1e-3] bound this
  }

  @Test
  void all_zero_blocks_round_trip_exactly() {
    BlockwiseInt8 q = BlockwiseInt8.zeros(new long[] {3, 5}, 4, QuantMap.DYNAMIC_SIGNED.tensor());
    q.store(torch.zeros(3, 5));
    for (float f : floats(q.load())) assertThat(f).isZero();
    assertThat(q.load().size(0)).isEqualTo(3);
  }
}
