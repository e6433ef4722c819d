package io.papers4j.vision.pixart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.nn.Attention;
import io.papers4j.core.tensor.Engine;
import java.io.InputStream;
import java.util.List;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * KV compression against outside truth: numpy float64 loops (tools/reference/pixart_kv_golden.py)
 * for every mode on an odd 5×5 grid, libtorch's own average pooling for the average init, and the
 * naive attention formula for compression off and on inside a PixArt block.
 */
class KvCompressionTest {
  @BeforeAll
  static void init() {
    Engine.init(1);
    Engine.seed(0);
  }

  static double maxDiff(Tensor a, Tensor b) {
    return a.sub(b).abs().max().item_double();
  }

  @Test
  void everyModeMatchesTheNumpyReferenceOnAnOddGrid() throws Exception {
    JsonNode g;
    try (InputStream in = getClass().getResourceAsStream("/pixart/kv_golden.json")) {
      g = new ObjectMapper().readTree(in);
    }
    int h = g.get("grid").get(0).asInt(), w = g.get("grid").get(1).asInt(), c = g.get("channels").asInt();
    int heads = g.get("heads").asInt(), r = g.get("ratio").asInt(), n = h * w;
    float[] q = new float[n * c], k = new float[n * c], v = new float[n * c];
    for (int i = 0; i < n * c; i++) {
      q[i] = (float) Math.sin(0.37 * i + 0.1);
      k[i] = (float) Math.cos(0.23 * i - 0.2);
      v[i] = (float) (Math.sin(0.11 * i + 0.5) * 2);
    }
    Tensor qt = Tensor.create(q).view(1, n, c), kt = Tensor.create(k).view(1, n, c), vt = Tensor.create(v).view(1, n, c);
    for (String mode : List.of("conv", "pool", "discard", "none")) {
      JsonNode cs = g.get("cases").get(mode);
      Tensor fk = kt, fv = vt;
      try (NoGradGuard ng = new NoGradGuard()) {
        if (!mode.equals("none")) {
          KvCompression kv = new KvCompression(c, r, mode, "avg", 0);
          if (mode.equals("conv")) {
            float[] wt = new float[c * r * r];
            for (int i = 0; i < wt.length; i++) wt[i] = (float) (0.3 * Math.cos(0.5 * i));
            float[] b = new float[c], lw = new float[c], lb = new float[c];
            for (int i = 0; i < c; i++) {
              b[i] = (float) (0.05 * i);
              lw[i] = (float) (1 + 0.1 * i);
              lb[i] = (float) (-0.02 * i);
            }
            kv.namedParameters().get("sr.weight").copy_(Tensor.create(wt).view(c, 1, r, r));
            kv.namedParameters().get("sr.bias").copy_(Tensor.create(b));
            kv.namedParameters().get("norm.weight").copy_(Tensor.create(lw));
            kv.namedParameters().get("norm.bias").copy_(Tensor.create(lb));
          }
          fk = kv.forward(kt, h, w);
          fv = kv.forward(vt, h, w);
          Tensor want = golden(cs.get("k"), fk.shape());
          double d = maxDiff(fk, want);
          System.out.printf("kv %s: compressed K maxdiff %.2e%n", mode, d);
          assertThat(d).isLessThan(1e-5);
        }
        int hd = c / heads;
        Tensor out = PixArt.merge(PixArt.attend(heads(qt, heads, hd), heads(fk, heads, hd), heads(fv, heads, hd), null));
        double d = maxDiff(out, golden(cs.get("attention"), out.shape()));
        System.out.printf("kv %s: attention maxdiff %.2e%n", mode, d);
        assertThat(d).isLessThan(1e-5);
      }
    }
  }

  static Tensor heads(Tensor x, int heads, int hd) {
    return x.view(x.size(0), x.size(1), heads, hd).transpose(1, 2);
  }

  static Tensor golden(JsonNode arr, long[] shape) {
    float[] f = new float[arr.size()];
    for (int i = 0; i < f.length; i++) f[i] = (float) arr.get(i).asDouble();
    return Tensor.create(f).view(shape);
  }

  @Test
  void averageInitialisedConvolutionIsAveragePoolingOfKeysAndValues() {
    for (int side : new int[] {14, 7}) {
      Tensor x = torch.randn(2, side * side, 8); // (B, N, C) keys or values
      KvCompression kv = new KvCompression(8, 2, "conv", "avg", 0);
      try (NoGradGuard g = new NoGradGuard()) {
        Tensor grid = x.transpose(1, 2).reshape(2, 8, side, side);
        Tensor conv = kv.conv(kv.pad(grid, side, side)); // (B, C, ⌈s/2⌉, ⌈s/2⌉) before the LayerNorm
        // libtorch's pooling with ceil_mode: windows sticking out average only the real tokens
        Tensor pooled = torch.avg_pool2d(grid, new long[] {2, 2}, new long[] {2, 2}, new long[] {0, 0}, true, true, new LongOptional());
        assertThat(conv.shape()).containsExactly(2, 8, (side + 1) / 2, (side + 1) / 2);
        assertThat(maxDiff(conv, pooled)).isLessThan(1e-6);
        // the whole conv path is LayerNorm of that average; the pool mode is the average itself
        Tensor tokens = pooled.flatten(2, 3).transpose(1, 2);
        Tensor ln = torch.layer_norm(tokens, new long[] {8}, new org.bytedeco.pytorch.TensorOptional(), new org.bytedeco.pytorch.TensorOptional(), 1e-5, false);
        assertThat(maxDiff(kv.forward(x, side, side), ln)).isLessThan(1e-5);
        assertThat(maxDiff(new KvCompression(8, 2, "pool", "avg", 0).forward(x, side, side), tokens)).isLessThan(1e-6);
      }
    }
  }

  @Test
  void oddGridsKeepEveryTokenAndDiscardingKeepsTheTopLeftOfEachWindow() {
    Tensor x = torch.randn(1, 5 * 3, 4); // a 5 × 3 grid
    for (String mode : List.of("conv", "pool", "discard")) {
      assertThat(new KvCompression(4, 2, mode, "random", 1).forward(x, 5, 3).shape()).containsExactly(1, 3 * 2, 4);
    }
    Tensor kept = new KvCompression(4, 2, "discard", "avg", 0).forward(x, 5, 3);
    Tensor grid = x.view(5, 3, 4);
    int[][] rc = {{0, 0}, {0, 2}, {2, 0}, {2, 2}, {4, 0}, {4, 2}};
    for (int i = 0; i < rc.length; i++) {
      assertThat(maxDiff(kept.select(1, i).squeeze(0), grid.select(0, rc[i][0]).select(0, rc[i][1]))).isEqualTo(0.0);
    }
    // the corner window of the pooled 5×3 grid holds one real token: its mean is that token
    Tensor pooled = new KvCompression(4, 2, "pool", "avg", 0).forward(x, 5, 3);
    assertThat(maxDiff(pooled.select(1, 5).squeeze(0), grid.select(0, 4).select(0, 2))).isLessThan(1e-6);
    assertThatThrownBy(() -> new KvCompression(4, 2, "pool", "avg", 0).forward(x, 4, 4)).hasMessageContaining("4×4 grid");
    assertThatThrownBy(() -> new KvCompression(4, 2, "mean", "avg", 0)).hasMessageContaining("kv mode must be one of");
    assertThatThrownBy(() -> new KvCompression(4, 2, "conv", "zeros", 0)).hasMessageContaining("--kv-init must be avg or random");
  }

  @Test
  void windowSumEqualsLibtorchsDepthwiseConvolution() {
    KvCompression kv = new KvCompression(6, 2, "conv", "random", 9);
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor grid = torch.randn(3, 6, 8, 10);
      Tensor want = torch.conv2d(grid, kv.namedParameters().get("sr.weight"), new org.bytedeco.pytorch.TensorOptional(kv.namedParameters().get("sr.bias")),
          new long[] {2, 2}, new long[] {0, 0}, new long[] {1, 1}, 6);
      assertThat(maxDiff(kv.conv(grid), want)).isLessThan(1e-6);
    }
  }

  @Test
  void randomInitIsNotTheAverage() {
    KvCompression kv = new KvCompression(6, 2, "conv", "random", 3);
    Tensor w = kv.namedParameters().get("sr.weight");
    assertThat(w.sub(new Scalar(0.25)).abs().max().item_double()).isGreaterThan(0.05);
    assertThat(w.abs().max().item_double()).isLessThanOrEqualTo(0.5); // U(−1/R, 1/R)
    assertThat(kv.namedParameters()).containsOnlyKeys("sr.weight", "sr.bias", "norm.weight", "norm.bias");
    assertThat(new KvCompression(6, 2, "pool", "avg", 0).namedParameters()).isEmpty();
  }

  /** A PixArt block: compression off is plain attention, on is attention over the pooled keys and values. */
  @Test
  void blockSelfAttentionIsPlainAttentionWhenOffAndOverPooledKeysWhenOn() {
    PixArtConfig base = PixArtModelTest.tiny();
    for (boolean on : new boolean[] {false, true}) {
      PixArt m = new PixArt(base.withKv(on ? List.of(0) : List.of(), "pool"), 5, "avg");
      PixArt.Block b = m.block(0);
      try (NoGradGuard g = new NoGradGuard()) {
        int side = base.grid();
        Tensor h = torch.randn(2, (long) side * side, base.hiddenSize());
        TensorVector qkv = b.qkv.forward(h).chunk(3, 2);
        Tensor k = qkv.get(1), v = qkv.get(2);
        if (on) {
          k = pool(k, side, base.hiddenSize());
          v = pool(v, side, base.hiddenSize());
        }
        int hd = base.headDim();
        Tensor want = b.proj.forward(PixArt.merge(Attention.attendNaive(heads(qkv.get(0), base.numHeads(), hd), heads(k, base.numHeads(), hd),
            heads(v, base.numHeads(), hd), null, false)));
        Tensor got = b.selfAttention(h);
        assertThat(got.shape()).containsExactly(2, (long) side * side, base.hiddenSize());
        assertThat(maxDiff(got, want)).isLessThan(1e-5);
      }
    }
  }

  static Tensor pool(Tensor x, int side, int c) {
    Tensor grid = x.transpose(1, 2).reshape(x.size(0), c, side, side);
    return torch.avg_pool2d(grid, new long[] {2, 2}, new long[] {2, 2}, new long[] {0, 0}, true, true, new LongOptional()).flatten(2, 3).transpose(1, 2);
  }
}
