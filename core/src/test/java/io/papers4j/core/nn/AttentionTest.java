package io.papers4j.core.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.nn.pos.RotaryEmbedding;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class AttentionTest {
  private static final int C = 16;

  private static Attention attention(int heads, int kvHeads, boolean causal, int window, long seed, ScalarType dtype) {
    return new Attention(
        new Attention.Config(C, heads, kvHeads, C / heads, false, causal, window),
        new RotaryEmbedding(C / heads, 10000.0),
        Init.normal(seed, 0.3, dtype));
  }

  @Test
  void output_has_input_shape_and_hf_names() {
    Attention a = attention(4, 2, true, 0, 1, ScalarType.Float);
    Tensor y = a.forward(T.randn(2, ScalarType.Float, 3, 7, C), T.arange(7));
    assertThat(y.shape()).containsExactly(3, 7, C);
    assertThat(a.namedParameters().keySet())
        .containsExactly("q_proj.weight", "k_proj.weight", "v_proj.weight", "o_proj.weight");
    assertThat(a.kProj.weight.shape()).containsExactly(2 * 4, C);
    assertThatThrownBy(() -> new Attention.Config(C, 4, 3, 4, false, true, 0))
        .hasMessageContaining("multiple of num_key_value_heads");
  }

  @Test
  void fused_kernel_matches_naive_twin() {
    for (ScalarType dt : new ScalarType[] {ScalarType.Float, ScalarType.Double}) {
      double tol = dt == ScalarType.Float ? 1e-5 : 1e-12;
      for (int[] hk : new int[][] {{4, 4}, {4, 2}, {4, 1}}) {
        for (boolean causal : new boolean[] {true, false}) {
          for (int window : causal ? new int[] {0, 3, 50} : new int[] {0}) {
            Attention a = attention(hk[0], hk[1], causal, window, 5, dt);
            Tensor x = T.randn(6, dt, 2, 9, C);
            Tensor fused = a.kernel(Attention.Kernel.FUSED).forward(x, T.arange(9));
            Tensor naive = a.kernel(Attention.Kernel.NAIVE).forward(x, T.arange(9));
            double d = T.maxDiff(fused, naive);
            assertThat(d).as("%s heads=%d/%d causal=%s window=%d", dt, hk[0], hk[1], causal, window).isLessThan(tol);
          }
        }
      }
    }
  }

  /** Plain multi-head attention written head by head, independent of the layer's code path. */
  private static Tensor perHeadReference(Attention a, Tensor x, int heads, int kvHeads) {
    int d = C / heads;
    long t = x.size(1);
    RotaryEmbedding rope = new RotaryEmbedding(d, 10000.0);
    TensorVector outs = new TensorVector();
    for (int h = 0; h < heads; h++) {
      int g = h / (heads / kvHeads);
      Tensor q = x.matmul(a.qProj.weight.narrow(0, (long) h * d, d).t()).unsqueeze(1); // (B,1,T,d)
      Tensor k = x.matmul(a.kProj.weight.narrow(0, (long) g * d, d).t()).unsqueeze(1);
      Tensor v = x.matmul(a.vProj.weight.narrow(0, (long) g * d, d).t());
      Tensor[] r = rope.apply(q, k, T.arange(t));
      Tensor s = r[0].squeeze(1).matmul(r[1].squeeze(1).transpose(1, 2)).div(new Scalar(Math.sqrt(d))); // (B,T,T)
      Tensor mask = torch.ones(t, t).tril().to(ScalarType.Bool);
      s = s.masked_fill(mask.logical_not(), new Scalar(Double.NEGATIVE_INFINITY));
      outs.push_back(torch.softmax(s, -1).matmul(v)); // (B,T,d)
    }
    return torch.cat(outs, -1).matmul(a.oProj.weight.t());
  }

  @Test
  void with_as_many_kv_heads_as_heads_it_is_plain_multi_head_attention() {
    Attention a = attention(4, 4, true, 0, 11, ScalarType.Double);
    Tensor x = T.randn(12, ScalarType.Double, 2, 6, C);
    double d = T.maxDiff(a.forward(x, T.arange(6)), perHeadReference(a, x, 4, 4));
    System.out.println("MHA vs per-head reference maxdiff=" + d);
    assertThat(d).isLessThan(1e-12);
    Attention g = attention(4, 2, true, 0, 13, ScalarType.Double);
    assertThat(T.maxDiff(g.forward(x, T.arange(6)), perHeadReference(g, x, 4, 2))).isLessThan(1e-12);
  }

  @Test
  void gqa_equals_mha_whose_kv_weights_repeat_each_group() {
    Attention gqa = attention(4, 2, true, 0, 21, ScalarType.Double);
    Attention mha = attention(4, 4, true, 0, 22, ScalarType.Double);
    int d = C / 4;
    try (NoGradGuard g = new NoGradGuard()) {
      mha.qProj.weight.copy_(gqa.qProj.weight);
      mha.oProj.weight.copy_(gqa.oProj.weight);
      // kv head j serves query heads 2j and 2j+1: repeat each block of d rows twice
      mha.kProj.weight.copy_(gqa.kProj.weight.view(2, 1, d, C).expand(2, 2, d, C).reshape(4L * d, C));
      mha.vProj.weight.copy_(gqa.vProj.weight.view(2, 1, d, C).expand(2, 2, d, C).reshape(4L * d, C));
    }
    Tensor x = T.randn(23, ScalarType.Double, 2, 8, C);
    double diff = T.maxDiff(gqa.forward(x, T.arange(8)), mha.forward(x, T.arange(8)));
    System.out.println("GQA vs repeated-weight MHA maxdiff=" + diff);
    assertThat(diff).isLessThan(1e-12);
  }

  @Test
  void causal_outputs_ignore_later_tokens() {
    Attention a = attention(4, 2, true, 0, 31, ScalarType.Double);
    Tensor x = T.randn(32, ScalarType.Double, 1, 10, C);
    Tensor x2 = x.clone();
    x2.narrow(1, 6, 4).copy_(T.randn(33, ScalarType.Double, 1, 4, C));
    Tensor y = a.forward(x, T.arange(10));
    Tensor y2 = a.forward(x2, T.arange(10));
    assertThat(T.maxDiff(y.narrow(1, 0, 6), y2.narrow(1, 0, 6))).isLessThan(1e-12);
    assertThat(T.maxDiff(y.narrow(1, 6, 4), y2.narrow(1, 6, 4))).isGreaterThan(1e-3);
  }

  @Test
  void sliding_window_mask_follows_the_hugging_face_convention() {
    // window 3 over 5 tokens: query i sees keys j with i - 3 < j <= i
    Tensor m = AttentionMask.causal(5, 3);
    boolean[][] expected = {
      {true, false, false, false, false},
      {true, true, false, false, false},
      {true, true, true, false, false},
      {false, true, true, true, false},
      {false, false, true, true, true},
    };
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 5; j++) {
        assertThat(m.select(0, i).select(0, j).item_bool()).as("i=%d j=%d", i, j).isEqualTo(expected[i][j]);
      }
    }
  }

  @Test
  void sliding_window_attention_ignores_tokens_outside_the_window() {
    Attention a = attention(4, 2, true, 3, 41, ScalarType.Double);
    Tensor x = T.randn(42, ScalarType.Double, 1, 8, C);
    Tensor x2 = x.clone();
    x2.narrow(1, 0, 2).copy_(T.randn(43, ScalarType.Double, 1, 2, C)); // change tokens 0 and 1
    Tensor y = a.forward(x, T.arange(8));
    Tensor y2 = a.forward(x2, T.arange(8));
    // token i sees i-2 … i: from i = 4 on, tokens 0 and 1 are out of reach
    assertThat(T.maxDiff(y.narrow(1, 4, 4), y2.narrow(1, 4, 4))).isLessThan(1e-12);
    assertThat(T.maxDiff(y.narrow(1, 3, 1), y2.narrow(1, 3, 1))).isGreaterThan(1e-3);
  }

  private static void decodeMatchesFull(Attention a, KVCache cache, int prefill, int total) {
    decodeMatchesFull(a, cache, 2, prefill, total);
  }

  private static void decodeMatchesFull(Attention a, KVCache cache, int batch, int prefill, int total) {
    Tensor x = T.randn(51, ScalarType.Float, batch, total, C);
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor full = a.forward(x, T.arange(total));
      Tensor first = a.forward(x.narrow(1, 0, prefill), T.arange(prefill), cache);
      double d = T.maxDiff(first, full.narrow(1, 0, prefill));
      for (int t = prefill; t < total; t++) {
        Tensor step = a.forward(x.narrow(1, t, 1), T.arange(t, t + 1), cache);
        d = Math.max(d, T.maxDiff(step, full.narrow(1, t, 1)));
      }
      System.out.printf("cached vs full (rolling=%s, prefill=%d) maxdiff=%.2e%n", cache.rolling(), prefill, d);
      assertThat(d).isLessThan(1e-5);
    }
  }

  @Test
  void kv_cache_decoding_matches_full_sequence() {
    Attention a = attention(4, 2, true, 0, 61, ScalarType.Float);
    decodeMatchesFull(a, KVCache.create(2, 2, 4, 32, 0, ScalarType.Float), 5, 12);
  }

  @Test
  void rolling_cache_with_prefill_longer_than_the_window_matches_full_sequence() {
    Attention a = attention(4, 2, true, 4, 71, ScalarType.Float);
    KVCache cache = KVCache.create(2, 2, 4, 64, 4, ScalarType.Float);
    assertThat(cache.rolling()).isTrue();
    assertThat(cache.slots()).isEqualTo(4);
    decodeMatchesFull(a, cache, 7, 15);
    assertThat(cache.slotOf(13)).isEqualTo(1); // position i lives in slot i mod W
    // chunked prefill: two chunks of 6 with window 4
    KVCache c2 = KVCache.create(2, 2, 4, 64, 4, ScalarType.Float);
    Tensor x = T.randn(72, ScalarType.Float, 2, 12, C);
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor full = a.forward(x, T.arange(12));
      Tensor y1 = a.forward(x.narrow(1, 0, 6), T.arange(6), c2);
      Tensor y2 = a.forward(x.narrow(1, 6, 6), T.arange(6, 12), c2);
      assertThat(T.maxDiff(y1, full.narrow(1, 0, 6))).isLessThan(1e-5);
      assertThat(T.maxDiff(y2, full.narrow(1, 6, 6))).isLessThan(1e-5);
    }
  }

  @Test
  void full_cache_decoding_keeps_the_mask_where_it_is_needed() {
    // batch 1, one query per step (no mask built while every key is visible), and the cases that
    // still need one: a window shorter than the sequence over a full cache, a chunked prefill
    Attention windowed = attention(4, 2, true, 3, 91, ScalarType.Float);
    decodeMatchesFull(windowed, KVCache.create(1, 2, 4, 32, 0, ScalarType.Float), 1, 2, 10);
    Attention a = attention(4, 2, true, 0, 92, ScalarType.Float);
    decodeMatchesFull(a, KVCache.create(1, 2, 4, 32, 0, ScalarType.Float), 1, 1, 9);
    KVCache cache = KVCache.create(2, 2, 4, 32, 0, ScalarType.Float);
    Tensor x = T.randn(93, ScalarType.Float, 2, 12, C);
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor full = a.forward(x, T.arange(12));
      Tensor y1 = a.forward(x.narrow(1, 0, 5), T.arange(5), cache);
      Tensor y2 = a.forward(x.narrow(1, 5, 7), T.arange(5, 12), cache); // 7 queries over 12 keys
      assertThat(T.maxDiff(y1, full.narrow(1, 0, 5))).isLessThan(1e-5);
      assertThat(T.maxDiff(y2, full.narrow(1, 5, 7))).isLessThan(1e-5);
    }
  }

  @Test
  void full_cache_reports_overflow_clearly() {
    Attention a = attention(4, 2, true, 0, 81, ScalarType.Float);
    KVCache cache = KVCache.create(1, 2, 4, 4, 0, ScalarType.Float);
    try (NoGradGuard g = new NoGradGuard()) {
      a.forward(T.randn(1, ScalarType.Float, 1, 4, C), T.arange(4), cache);
      assertThatThrownBy(() -> a.forward(T.randn(1, ScalarType.Float, 1, 1, C), T.arange(4, 5), cache))
          .hasMessageContaining("KV cache full");
    }
  }

  /**
   * Inside a bf16 autocast region the fused kernel runs in float32 (libtorch's bfloat16 CPU SDPA was
   * 8-10× slower than its float32 one here): float32 inputs give exactly the float32 result and
   * gradients, bfloat16 inputs are cast up, and autocast is back on afterwards.
   */
  @Test
  void fusedAttentionRunsInFloat32InsideABf16Region() {
    io.papers4j.core.tensor.Engine.init();
    torch.manual_seed(5);
    Tensor q = torch.randn(2, 4, 16, 8), k = torch.randn(2, 4, 16, 8), v = torch.randn(2, 4, 16, 8);
    Tensor ref = Attention.attendFused(q, k, v, null, true);
    Tensor qi = q.clone().set_requires_grad(true);
    Tensor got;
    try (io.papers4j.core.tensor.Precision.Region r = io.papers4j.core.tensor.Precision.BF16.autocast()) {
      got = Attention.attendFused(qi, k, v, null, true);
      assertThat(torch.is_autocast_enabled(torch.DeviceType.CPU)).as("autocast restored").isTrue();
      Tensor fromBf16 = Attention.attendFused(q.to(ScalarType.BFloat16), k.to(ScalarType.BFloat16), v.to(ScalarType.BFloat16), null, true);
      assertThat(fromBf16.scalar_type().intern()).isEqualTo(ScalarType.Float);
      assertThat(fromBf16.sub(ref).abs().max().item_double()).isLessThan(0.05); // inputs rounded to bfloat16
    }
    assertThat(got.scalar_type().intern()).isEqualTo(ScalarType.Float);
    assertThat(torch.equal(got.detach(), ref)).isTrue();
    got.sum().backward();
    Tensor q2 = q.clone().set_requires_grad(true);
    Attention.attendFused(q2, k, v, null, true).sum().backward();
    assertThat(torch.equal(qi.grad(), q2.grad())).isTrue();
  }

  /** q, k, v as three separate products, viewed as heads: the path before the stacked weight. */
  private static Tensor[] separate(Attention a, Tensor x, int heads, int kvHeads) {
    long b = x.size(0), t = x.size(1);
    int d = C / heads;
    return new Tensor[] {
      a.qProj.forward(x).view(b, t, heads, d).transpose(1, 2),
      a.kProj.forward(x).view(b, t, kvHeads, d).transpose(1, 2),
      a.vProj.forward(x).view(b, t, kvHeads, d).transpose(1, 2)
    };
  }

  @Test
  void projections_under_bf16_autocast_through_the_stacked_weight_equal_the_separate_ones() {
    Attention a = new Attention(new Attention.Config(C, 4, 2, C / 4, true, true, 0),
        new RotaryEmbedding(C / 4, 10000.0), Init.normal(41, 0.3, ScalarType.Float));
    try (NoGradGuard g = new NoGradGuard(); io.papers4j.core.tensor.Precision.Region r =
        io.papers4j.core.tensor.Precision.BF16.autocast()) {
      a.vProj.bias.add_(T.randn(42, ScalarType.Float, C / 2));
      for (long[] shape : new long[][] {{1, 1, C}, {16, 1, C}, {3, 5, C}}) {
        Tensor x = T.randn(43, ScalarType.Float, shape);
        Tensor[] stacked = a.project(x);
        Tensor[] expected = separate(a, x, 4, 2);
        for (int i = 0; i < 3; i++) {
          assertThat(stacked[i].scalar_type().intern()).isEqualTo(ScalarType.BFloat16);
          assertThat(stacked[i].shape()).isEqualTo(expected[i].shape());
          assertThat(torch.equal(stacked[i], expected[i])).as("%s part %d", java.util.Arrays.toString(shape), i).isTrue();
        }
      }
    }
  }

  @Test
  void one_row_projections_through_the_stacked_weight_equal_the_separate_ones_bit_for_bit() {
    try (NoGradGuard g = new NoGradGuard()) {
      for (boolean bias : new boolean[] {false, true}) {
        for (int[] hk : new int[][] {{4, 4}, {4, 1}}) {
          Attention a = new Attention(
              new Attention.Config(C, hk[0], hk[1], C / hk[0], bias, true, 0),
              new RotaryEmbedding(C / hk[0], 10000.0), Init.normal(21, 0.3, ScalarType.Float));
          if (bias) a.qProj.bias.add_(T.randn(3, ScalarType.Float, C)); // biases start at 0
          Tensor x = T.randn(22, ScalarType.Float, 1, 1, C); // one row: the stacked path
          assertThat(Linear.runsAsMv(x, a.qProj.weight)).isTrue();
          Tensor[] stacked = a.project(x);
          Tensor[] expected = separate(a, x, hk[0], hk[1]);
          for (int i = 0; i < 3; i++) {
            assertThat(stacked[i].shape()).isEqualTo(expected[i].shape());
            assertThat(torch.equal(stacked[i], expected[i])).as("bias=%s heads=%d/%d part %d", bias, hk[0], hk[1], i).isTrue();
          }
          // an in-place weight update (optimizer step, loaded checkpoint) rebuilds the stack
          a.kProj.weight.mul_(new Scalar(0.5));
          a.vProj.weight.copy_(T.randn(23, ScalarType.Float, a.vProj.weight.shape()));
          Tensor[] after = a.project(x);
          Tensor[] expectedAfter = separate(a, x, hk[0], hk[1]);
          for (int i = 0; i < 3; i++) assertThat(torch.equal(after[i], expectedAfter[i])).isTrue();
          assertThat(T.maxDiff(after[1], stacked[1])).isGreaterThan(1e-3);
          // and decoding through a cache, the layer output equals the three-product layer's exactly
          KVCache c1 = KVCache.create(1, hk[1], C / hk[0], 8, 0, ScalarType.Float);
          KVCache c2 = KVCache.create(1, hk[1], C / hk[0], 8, 0, ScalarType.Float);
          Attention plain = new Attention(a.config(), a.positionEncoding(), Init.normal(21, 0.3, ScalarType.Float));
          for (String n : new String[] {"q_proj", "k_proj", "v_proj", "o_proj"}) {
            plain.namedParameters().get(n + ".weight").copy_(a.namedParameters().get(n + ".weight"));
            if (bias) plain.namedParameters().get(n + ".bias").copy_(a.namedParameters().get(n + ".bias"));
          }
          plain.qProj.setAdapter(new WeightAdapter() { // an identity adapter keeps the products separate
            @Override
            public Tensor forward(Linear base, Tensor in) {
              return Linear.linear(in, base.weight, base.bias);
            }

            @Override
            public java.util.Map<String, Tensor> namedParameters(Linear base) {
              return java.util.Map.of();
            }
          });
          for (int p = 0; p < 5; p++) {
            Tensor xp = T.randn(30 + p, ScalarType.Float, 1, 1, C);
            Tensor pos = Tensor.create(new long[] {p});
            assertThat(torch.equal(a.forward(xp, pos, c1), plain.forward(xp, pos, c2))).as("step %d", p).isTrue();
          }
        }
      }
    }
  }
}
