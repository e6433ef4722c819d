package io.papers4j.core.nn;

import io.papers4j.core.nn.pos.PositionEncoding;
import io.papers4j.core.tensor.Precision;
import java.util.Map;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * Multi-head self-attention with grouped-query attention (Ainslie et al. 2023), pluggable
 * position encoding, causal / sliding-window masks and an optional KV cache.
 *
 * <pre>Q = x W_qᵀ, K = x W_kᵀ, V = x W_vᵀ;  (Q, K) ← PE(Q, K, positions)
 * head h uses K/V head ⌊h / (H / H_kv)⌋
 * out = softmax(Q Kᵀ / √D + M) V;  y = out W_oᵀ</pre>
 *
 * <p>Shapes: x (B, T, C) → y (B, T, C); q_proj (H·D, C), k_proj and v_proj (H_kv·D, C), o_proj
 * (C, H·D). H_kv = H is plain multi-head attention, H_kv = 1 multi-query attention. The fused
 * kernel is libtorch's {@code scaled_dot_product_attention}; {@link #attendNaive} is its explicit
 * twin, checked against it in the tests.
 */
public final class Attention implements Parameterized {

  /**
   * @param hiddenSize model width C
   * @param numHeads query heads H
   * @param numKvHeads key/value heads H_kv; must divide H
   * @param headDim D (usually C / H)
   * @param bias biases on q/k/v/o projections (false for LLaMA/Mistral)
   * @param causal decoder self-attention (false for bidirectional encoders, e.g. ViT)
   * @param slidingWindow Mistral's window W (each query sees W keys: itself and W − 1 before); 0 =
   *     full attention
   */
  public record Config(
      int hiddenSize,
      int numHeads,
      int numKvHeads,
      int headDim,
      boolean bias,
      boolean causal,
      int slidingWindow) {
    public Config {
      if (hiddenSize <= 0 || numHeads <= 0 || numKvHeads <= 0 || headDim <= 0) {
        throw new IllegalArgumentException(
            "attention sizes must be positive: hidden_size=" + hiddenSize + ", num_heads=" + numHeads
                + ", num_key_value_heads=" + numKvHeads + ", head_dim=" + headDim);
      }
      if (numHeads % numKvHeads != 0) {
        throw new IllegalArgumentException(
            "num_attention_heads (" + numHeads + ") must be a multiple of num_key_value_heads ("
                + numKvHeads + ")");
      }
      if (slidingWindow < 0) throw new IllegalArgumentException("sliding_window must be >= 0");
    }
  }

  /** Which attention kernel {@link #forward} uses. */
  public enum Kernel {
    /** libtorch {@code scaled_dot_product_attention}. */
    FUSED,
    /** explicit softmax(QKᵀ/√D + M) V, the reference twin. */
    NAIVE
  }

  public final Linear qProj; // (H·D, C)
  public final Linear kProj; // (H_kv·D, C)
  public final Linear vProj; // (H_kv·D, C)
  public final Linear oProj; // (C, H·D)
  private final Config config;
  private final PositionEncoding positionEncoding;
  private Kernel kernel = Kernel.FUSED;
  private final StackedLinear qkvStack; // q/k/v as one product in inference

  public Attention(Config config, PositionEncoding positionEncoding, Init init) {
    this.config = config;
    this.positionEncoding = positionEncoding;
    long c = config.hiddenSize();
    long qDim = (long) config.numHeads() * config.headDim();
    long kvDim = (long) config.numKvHeads() * config.headDim();
    this.qProj = new Linear(c, qDim, config.bias(), init);
    this.kProj = new Linear(c, kvDim, config.bias(), init);
    this.vProj = new Linear(c, kvDim, config.bias(), init);
    this.oProj = new Linear(qDim, c, config.bias(), init);
    this.qkvStack = new StackedLinear(qProj, kProj, vProj);
  }

  public Config config() {
    return config;
  }

  public PositionEncoding positionEncoding() {
    return positionEncoding;
  }

  public Attention kernel(Kernel k) {
    this.kernel = k;
    return this;
  }

  /** Attention over the sequence itself (no cache); positions (T) int64. */
  public Tensor forward(Tensor x, Tensor positions) {
    return forward(x, positions, null);
  }

  /**
   * @param x (B, T, C)
   * @param positions (T) int64 absolute positions of the T tokens
   * @param cache the layer's cache, or null to attend within {@code x} only
   * @return (B, T, C)
   */
  public Tensor forward(Tensor x, Tensor positions, KVCache cache) {
    return forward(x, positions, cache, positionEncoding.at(positions));
  }

  /**
   * {@link #forward(Tensor, Tensor, KVCache)} with this layer's position encoding already bound to
   * {@code positions} ({@code positionEncoding().at(positions)}), so that a stack of layers sharing
   * one encoding builds its tables (RoPE's cos and sin) once per forward pass.
   */
  public Tensor forward(Tensor x, Tensor positions, KVCache cache, PositionEncoding.AtPositions pe) {
    long b = x.size(0);
    long t = x.size(1);
    int h = config.numHeads();
    int hkv = config.numKvHeads();
    int d = config.headDim();
    Tensor all = stackedHeads(x); // (B, H+2Hkv, T, D), or null: separate products
    Tensor q; // (B, H, T, D)
    Tensor k; // (B, Hkv, T, D)
    Tensor v; // (B, Hkv, T, D)
    if (all != null) { // q and k side by side: the position encoding runs once over both
      Tensor[] qk = pe.applyAdjacent(all.narrow(1, 0, (long) h + hkv), h);
      q = qk[0];
      k = qk[1];
      v = all.narrow(1, (long) h + hkv, hkv);
    } else {
      Tensor[] qkv = separateHeads(x);
      Tensor[] qk = pe.apply(qkv[0], qkv[1]);
      q = qk[0];
      k = qk[1];
      v = qkv[2];
    }

    Tensor mask = null; // (T, Tk) bool, true = attend
    boolean isCausal = false;
    if (cache != null) {
      long before = cache.length();
      KVCache.View view = cache.update(k, v, positions);
      k = view.keys(); // (B, Hkv, Tk, D)
      v = view.values();
      int w = config.slidingWindow();
      if (!cache.rolling() && (w == 0 || before + t <= w) && (t == 1 || before == 0 || !config.causal())) {
        // Full layout, every key inside the window: the view is positions 0 … before+t−1 in slot
        // order, so one new query sees all of it and a fresh prompt is plain causal. No mask to
        // build (6 ops per layer and token) and SDPA's unmasked path.
        isCausal = config.causal() && t > 1;
      } else {
        mask =
            config.causal()
                ? AttentionMask.causal(positions, view.positions(), w)
                : view.positions().ge(new Scalar(0)).unsqueeze(0); // (1, Tk)
      }
    } else if (config.causal()) {
      if (config.slidingWindow() > 0 && config.slidingWindow() < t) {
        mask = AttentionMask.causal(positions, positions, config.slidingWindow());
      } else {
        isCausal = true; // the fused kernel's own causal path; Tq = Tk here
      }
    }
    k = repeatKv(k, h / hkv); // (B, H, Tk, D)
    v = repeatKv(v, h / hkv);
    if (kernel == Kernel.FUSED && t > 1 && !GradMode.is_enabled()) {
      // Several queries in inference (a prompt's prefill): q is a transposed view (its rows are H·D
      // apart), over which libtorch's CPU SDPA ran slower than over a contiguous copy, copy included:
      // 557 against 375-437 µs at (1, 8, 128, 32), causal, keys and values the cache's views, 2 threads.
      q = q.contiguous();
    }
    Tensor out =
        kernel == Kernel.FUSED
            ? attendFused(q, k, v, mask, isCausal)
            : attendNaive(q, k, v, mask, isCausal); // (B, H, T, D)
    // (B, T, H·D); one query (decoding) is the same order of elements as (B, H, 1, D): one call, not two
    out = t == 1 ? out.reshape(b, 1, (long) h * d) : out.transpose(1, 2).reshape(b, t, (long) h * d);
    return oProj.forward(out); // (B, T, C)
  }

  /**
   * The projections as heads, before the position encoding: x (B, T, C) → {q (B, H, T, D), k (B,
   * Hkv, T, D), v (B, Hkv, T, D)}; one product for all three where a {@link StackedLinear} applies
   * (inference: one row with autocast off, or any rows under autocast).
   */
  public Tensor[] project(Tensor x) {
    int h = config.numHeads();
    int hkv = config.numKvHeads();
    Tensor all = stackedHeads(x); // (B, H+2Hkv, T, D), or null: kept separate
    if (all != null) { // one product for q, k and v
      return new Tensor[] {all.narrow(1, 0, h), all.narrow(1, h, hkv), all.narrow(1, h + hkv, hkv)};
    }
    return separateHeads(x);
  }

  /** q, k and v as three products, viewed as heads. */
  private Tensor[] separateHeads(Tensor x) {
    long b = x.size(0);
    long t = x.size(1);
    int h = config.numHeads();
    int hkv = config.numKvHeads();
    int d = config.headDim();
    return new Tensor[] {
      heads(qProj.forward(x), b, t, h, d), heads(kProj.forward(x), b, t, hkv, d), heads(vProj.forward(x), b, t, hkv, d)
    };
  }

  /** q, k and v heads (B, H+2Hkv, T, D) from one stacked product, or null where it does not apply. */
  private Tensor stackedHeads(Tensor x) {
    Tensor qkv = qkvStack.forward(x); // (B, T, (H+2Hkv)·D), or null
    if (qkv == null) return null;
    return heads(qkv, x.size(0), x.size(1), config.numHeads() + 2L * config.numKvHeads(), config.headDim());
  }

  /**
   * y (B, T, n·D) as n heads (B, n, T, D). With one token (decoding) the view alone gives the same
   * element order, which saves the transpose: one native call less per projection and step.
   */
  private static Tensor heads(Tensor y, long b, long t, long n, long d) {
    return t == 1 ? y.view(b, n, 1, d) : y.view(b, t, n, d).transpose(1, 2);
  }

  /** Each of the H_kv heads repeated {@code rep} times in place: (B, Hkv, T, D) → (B, Hkv·rep, T, D). */
  public static Tensor repeatKv(Tensor x, int rep) {
    if (rep == 1) return x;
    long b = x.size(0), hkv = x.size(1), t = x.size(2), d = x.size(3);
    return x.unsqueeze(2).expand(b, hkv, rep, t, d).reshape(b, hkv * rep, t, d);
  }

  /**
   * libtorch SDPA: q (B, H, Tq, D), k/v (B, H, Tk, D), mask (Tq, Tk) bool or null. Inside a bf16
   * autocast region it runs in float32 (autocast suspended, inputs cast up): libtorch's bfloat16 CPU
   * kernel measured 8-10× slower here than its float32 one — 23.5 vs 2.3 ms forward, 60 vs 7.5 ms
   * forward + backward at (8, 8, 128, 32), causal — which made a bf16 training step slower than f32.
   */
  public static Tensor attendFused(Tensor q, Tensor k, Tensor v, Tensor mask, boolean isCausal) {
    try (Precision.Suspended f32 = Precision.suspend()) {
      if (f32.suspendedAutocast()) {
        q = q.to(torch.ScalarType.Float);
        k = k.to(torch.ScalarType.Float);
        v = v.to(torch.ScalarType.Float);
      }
      return sdpa(q, k, v, mask, isCausal);
    }
  }

  /**
   * The empty optional arguments of {@link #sdpa}, made once: two native objects less per call. They
   * are read-only arguments, so every thread shares them; retained, so that a PointerScope open when
   * this class loads does not free them.
   */
  private static final TensorOptional NO_MASK = retained(new TensorOptional());

  private static final DoubleOptional DEFAULT_SCALE = retained(new DoubleOptional());

  private static <P extends org.bytedeco.javacpp.Pointer> P retained(P p) {
    p.retainReference();
    return p;
  }

  private static Tensor sdpa(Tensor q, Tensor k, Tensor v, Tensor mask, boolean isCausal) {
    return torch.scaled_dot_product_attention(
        q, k, v, mask == null ? NO_MASK : new TensorOptional(mask), 0.0, isCausal, DEFAULT_SCALE, false);
  }

  /** softmax(Q Kᵀ / √D + M) V with M = −∞ where {@code mask} is false. */
  public static Tensor attendNaive(Tensor q, Tensor k, Tensor v, Tensor mask, boolean isCausal) {
    long d = q.size(-1);
    Tensor scores = q.matmul(k.transpose(-2, -1)).mul(new Scalar(1.0 / Math.sqrt(d))); // (B, H, Tq, Tk)
    if (isCausal) mask = torch.ones(q.size(-2), k.size(-2)).tril().to(torch.ScalarType.Bool);
    if (mask != null) {
      scores = scores.masked_fill(mask.logical_not(), new Scalar(Double.NEGATIVE_INFINITY));
    }
    return torch.softmax(scores, -1).matmul(v); // (B, H, Tq, D)
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    return new Params()
        .add("q_proj", qProj)
        .add("k_proj", kProj)
        .add("v_proj", vProj)
        .add("o_proj", oProj)
        .map();
  }
}
