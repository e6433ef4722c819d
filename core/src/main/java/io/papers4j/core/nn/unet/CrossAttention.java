package io.papers4j.core.nn.unet;

import io.papers4j.core.nn.Attention;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * diffusers' {@code Attention} as the UNet uses it: self-attention when no context is given,
 * otherwise cross-attention from the image tokens to the context tokens,
 *
 * <pre>Q = x W_qᵀ, K = c W_kᵀ, V = c W_vᵀ (c = x for self-attention);  y = softmax(QKᵀ/√d) V W_oᵀ + b_o</pre>
 *
 * <p>Shapes: x (B, N, C), context (B, M, D) → (B, N, C); H heads of d = inner/H. Names {@code to_q,
 * to_k, to_v} (no bias) and {@code to_out.0} (with bias).
 */
public final class CrossAttention implements Parameterized {
  public final Linear toQ; // (inner, C)
  public final Linear toK; // (inner, D)
  public final Linear toV; // (inner, D)
  public final Linear toOut; // (C, inner)
  private final int heads;
  private Attention.Kernel kernel = Attention.Kernel.FUSED;

  /** @param contextDim D, or 0 for self-attention (D = C) */
  public CrossAttention(long queryDim, long contextDim, int heads, int headDim, Init init) {
    if (heads < 1 || headDim < 1) throw new IllegalArgumentException("attention needs positive heads and head dim");
    long inner = (long) heads * headDim;
    long kvIn = contextDim > 0 ? contextDim : queryDim;
    this.heads = heads;
    this.toQ = new Linear(queryDim, inner, false, init);
    this.toK = new Linear(kvIn, inner, false, init);
    this.toV = new Linear(kvIn, inner, false, init);
    this.toOut = new Linear(inner, queryDim, true, init);
  }

  /** Switches between libtorch's fused attention and the explicit softmax twin. */
  public CrossAttention kernel(Attention.Kernel k) {
    this.kernel = k;
    return this;
  }

  /** x (B, N, C), context (B, M, D) or null → (B, N, C). */
  public Tensor forward(Tensor x, Tensor context) {
    return forward(x, context, null);
  }

  /**
   * With a context mask (B, M), non-zero where a context token is real: padding tokens get no
   * attention (diffusers' {@code encoder_attention_mask}). Every row needs at least one real token.
   */
  public Tensor forward(Tensor x, Tensor context, Tensor contextMask) {
    Tensor c = context == null ? x : context;
    if (c.dim() != 3 || c.size(0) != x.size(0) || c.size(2) != toK.inFeatures()) {
      throw new IllegalArgumentException("attention context must be (" + x.size(0) + ", M, " + toK.inFeatures() + "), got "
          + java.util.Arrays.toString(c.shape()));
    }
    long b = x.size(0), n = x.size(1), m = c.size(1);
    Tensor keep = null; // (B, 1, 1, M) bool, true = attend
    if (contextMask != null) {
      if (contextMask.dim() != 2 || contextMask.size(0) != b || contextMask.size(1) != m) {
        throw new IllegalArgumentException("context mask must be (" + b + ", " + m + "), got " + java.util.Arrays.toString(contextMask.shape()));
      }
      keep = contextMask.ne(new org.bytedeco.pytorch.Scalar(0)).view(b, 1, 1, m);
    }
    long d = toQ.outFeatures() / heads;
    Tensor q = toQ.forward(x).view(b, n, heads, d).transpose(1, 2); // (B, H, N, d)
    Tensor k = toK.forward(c).view(b, m, heads, d).transpose(1, 2); // (B, H, M, d)
    Tensor v = toV.forward(c).view(b, m, heads, d).transpose(1, 2); // (B, H, M, d)
    Tensor o = kernel == Attention.Kernel.FUSED
        ? Attention.attendFused(q, k, v, keep, false)
        : Attention.attendNaive(q, k, v, keep, false); // (B, H, N, d)
    return toOut.forward(o.transpose(1, 2).reshape(b, n, heads * d)); // (B, N, C)
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    return new Params().add("to_q", toQ).add("to_k", toK).add("to_v", toV).add("to_out.0", toOut).map();
  }
}
