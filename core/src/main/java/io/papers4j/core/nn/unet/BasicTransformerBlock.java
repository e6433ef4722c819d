package io.papers4j.core.nn.unet;

import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.LayerNorm;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * diffusers' {@code BasicTransformerBlock} (Stable Diffusion's spatial transformer layer):
 *
 * <pre>x = x + attn1(norm1(x))              // self-attention
 * x = x + attn2(norm2(x), context)     // cross-attention to the text / garment / image context
 * x = x + ff(norm3(x))                 // GEGLU: (h, g) = net.0.proj(x);  net.2(h ⊙ GELU(g))</pre>
 *
 * <p>Shapes: x (B, N, C), context (B, M, D) → (B, N, C); LayerNorms with affine, ε = 1e-5; the
 * feed-forward is 4·C wide. Without a context dimension, attn2 is skipped (no cross-attention).
 */
public final class BasicTransformerBlock implements Parameterized {
  public final LayerNorm norm1;
  public final CrossAttention attn1;
  public final LayerNorm norm2; // null without cross-attention
  public final CrossAttention attn2; // null without cross-attention
  public final LayerNorm norm3;
  public final Linear ffProj; // ff.net.0.proj (2·4C, C): GEGLU's value and gate halves
  public final Linear ffOut; // ff.net.2 (C, 4C)

  /** @param contextDim D of the context tokens, 0 for no cross-attention */
  public BasicTransformerBlock(long dim, int heads, int headDim, long contextDim, Init init) {
    this.norm1 = new LayerNorm(dim, 1e-5, true, init);
    this.attn1 = new CrossAttention(dim, 0, heads, headDim, init);
    this.norm2 = contextDim > 0 ? new LayerNorm(dim, 1e-5, true, init) : null;
    this.attn2 = contextDim > 0 ? new CrossAttention(dim, contextDim, heads, headDim, init) : null;
    this.norm3 = new LayerNorm(dim, 1e-5, true, init);
    this.ffProj = new Linear(dim, 2 * 4 * dim, true, init);
    this.ffOut = new Linear(4 * dim, dim, true, init);
  }

  /** x (B, N, C), context (B, M, D) (ignored without cross-attention) → (B, N, C). */
  public Tensor forward(Tensor x, Tensor context) {
    return forward(x, context, null);
  }

  /** With a context mask (B, M) for the cross-attention (non-zero = real token). */
  public Tensor forward(Tensor x, Tensor context, Tensor contextMask) {
    return forward(x, context, contextMask, null);
  }

  /**
   * With a {@link SelfAttentionHook} (null for none): its extra tokens e (B, M, C) join the keys and
   * values of the self-attention, x ← x + attn1(norm1(x), [norm1(x) ; norm1(e)]).
   */
  public Tensor forward(Tensor x, Tensor context, Tensor contextMask, SelfAttentionHook hook) {
    Tensor n = norm1.forward(x); // (B, N, C)
    Tensor extra = hook == null ? null : hook.extraTokens(x); // (B, M, C) or null
    Tensor kv = null; // null = plain self-attention
    if (extra != null) {
      if (extra.dim() != 3 || extra.size(0) != x.size(0) || extra.size(2) != x.size(2)) {
        throw new IllegalArgumentException("extra self-attention tokens must be (" + x.size(0) + ", M, " + x.size(2) + "), got "
            + java.util.Arrays.toString(extra.shape()));
      }
      kv = torch.cat(new TensorVector(n, norm1.forward(extra)), 1); // (B, N + M, C)
    }
    x = x.add(attn1.forward(n, kv)); // (B, N, C)
    if (attn2 != null) {
      if (context == null) throw new IllegalArgumentException("this block cross-attends and needs a context");
      x = x.add(attn2.forward(norm2.forward(x), context, contextMask)); // (B, N, C)
    }
    TensorVector hg = ffProj.forward(norm3.forward(x)).chunk(2, -1); // 2 × (B, N, 4C)
    Tensor ff = ffOut.forward(hg.get(0).mul(torch.gelu(hg.get(1)))); // (B, N, C)
    return x.add(ff);
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Params p = new Params().add("norm1", norm1).add("attn1", attn1);
    if (attn2 != null) p.add("norm2", norm2).add("attn2", attn2);
    return p.add("norm3", norm3).add("ff.net.0.proj", ffProj).add("ff.net.2", ffOut).map();
  }
}
