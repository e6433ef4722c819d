package io.papers4j.vision.flow;

import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.RMSNorm;
import io.papers4j.core.nn.pos.PositionEncoding;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * The pieces the flow backbones share, with diffusers' tensor names: attention ({@code to_q, to_k,
 * to_v, to_out.0}; the context stream of a joint attention {@code add_q_proj, add_k_proj,
 * add_v_proj, to_add_out}; QK-norm {@code norm_q, norm_k, norm_added_q, norm_added_k}), the GELU
 * feed-forward ({@code net.0.proj, net.2}), the 2D sin-cos position table and parameter-free norms.
 */
final class FlowLayers {
  private FlowLayers() {}

  /** Records the largest pre-softmax attention logit seen while {@code on} (SD3 Fig. 5). */
  static final class LogitProbe {
    boolean on;
    double max = Double.NEGATIVE_INFINITY;

    void observe(Tensor q, Tensor k) {
      if (!on) return;
      try (NoGradGuard g = new NoGradGuard()) {
        double s = q.matmul(k.transpose(-2, -1)).max().item_double() / Math.sqrt(q.size(-1)); // max over (B, H, Tq, Tk)
        max = Math.max(max, s);
      }
    }
  }

  /**
   * Multi-head attention in three modes: self-attention over x; joint attention (MM-DiT) where the
   * context stream has its own projections and both streams attend over the concatenated sequence
   * [x; c]; cross-attention (CrossDiT) with queries from x and keys/values from the context.
   *
   * <pre>softmax(Q Kᵀ / √D) V,  Q/K optionally per-head RMS-normalised before the product</pre>
   */
  static final class Attn implements Parameterized {
    final Linear toQ, toK, toV, toOut; // (C, C) each
    final RMSNorm normQ, normK; // (D) or null
    final Linear addQ, addK, addV, toAddOut; // context stream of a joint attention, or null
    final RMSNorm normAddedQ, normAddedK;
    final int heads;
    final LogitProbe probe;

    /**
     * @param context 0 for self/cross attention, 1 for a joint attention whose context stream is
     *     updated, 2 for a joint attention whose context stream is "pre-only" (no output projection)
     */
    Attn(int dim, int heads, boolean qkNorm, int context, LogitProbe probe, Init init) {
      this.heads = heads;
      this.probe = probe;
      int d = dim / heads;
      toQ = new Linear(dim, dim, true, init);
      toK = new Linear(dim, dim, true, init);
      toV = new Linear(dim, dim, true, init);
      toOut = new Linear(dim, dim, true, init);
      normQ = qkNorm ? new RMSNorm(d, 1e-6, init) : null;
      normK = qkNorm ? new RMSNorm(d, 1e-6, init) : null;
      boolean joint = context > 0;
      addQ = joint ? new Linear(dim, dim, true, init) : null;
      addK = joint ? new Linear(dim, dim, true, init) : null;
      addV = joint ? new Linear(dim, dim, true, init) : null;
      toAddOut = context == 1 ? new Linear(dim, dim, true, init) : null;
      normAddedQ = joint && qkNorm ? new RMSNorm(d, 1e-6, init) : null;
      normAddedK = joint && qkNorm ? new RMSNorm(d, 1e-6, init) : null;
    }

    /** (B, T, C) → (B, H, T, D). */
    Tensor split(Tensor x) {
      return x.view(x.size(0), x.size(1), heads, x.size(2) / heads).transpose(1, 2);
    }

    /** (B, H, T, D) → (B, T, C). */
    static Tensor merge(Tensor x) {
      return x.transpose(1, 2).reshape(x.size(0), x.size(2), x.size(1) * x.size(3));
    }

    static Tensor norm(RMSNorm n, Tensor x) {
      return n == null ? x : n.forward(x);
    }

    /** Self-attention: x (B, T, C), RoPE positions (T, 2) or null → (B, T, C). */
    Tensor self(Tensor x, PositionEncoding pe, Tensor positions) {
      Tensor q = norm(normQ, split(toQ.forward(x))); // (B, H, T, D)
      Tensor k = norm(normK, split(toK.forward(x)));
      Tensor v = split(toV.forward(x));
      if (pe != null) {
        Tensor[] qk = pe.apply(q, k, positions);
        q = qk[0];
        k = qk[1];
      }
      return toOut.forward(merge(attend(q, k, v))); // (B, T, C)
    }

    /** Cross-attention: queries from x (B, T, C), keys and values from ctx (B, L, C) → (B, T, C). */
    Tensor cross(Tensor x, Tensor ctx) {
      Tensor q = norm(normQ, split(toQ.forward(x))); // (B, H, T, D)
      Tensor k = norm(normK, split(toK.forward(ctx))); // (B, H, L, D)
      Tensor v = split(toV.forward(ctx));
      return toOut.forward(merge(attend(q, k, v)));
    }

    /**
     * Joint attention: x (B, T, C) and c (B, L, C), each projected by its own weights, attend over
     * [x; c] (diffusers' order); returns {x', c'} with c' null when the context stream is pre-only.
     */
    Tensor[] joint(Tensor x, Tensor c) {
      long t = x.size(1);
      long l = c.size(1);
      Tensor q = torch.cat(new TensorVector(norm(normQ, split(toQ.forward(x))), norm(normAddedQ, split(addQ.forward(c)))), 2); // (B, H, T+L, D)
      Tensor k = torch.cat(new TensorVector(norm(normK, split(toK.forward(x))), norm(normAddedK, split(addK.forward(c)))), 2);
      Tensor v = torch.cat(new TensorVector(split(toV.forward(x)), split(addV.forward(c))), 2);
      Tensor o = merge(attend(q, k, v)); // (B, T+L, C)
      Tensor ox = toOut.forward(o.narrow(1, 0, t)); // (B, T, C)
      Tensor oc = toAddOut == null ? null : toAddOut.forward(o.narrow(1, t, l)); // (B, L, C)
      return new Tensor[] {ox, oc};
    }

    Tensor attend(Tensor q, Tensor k, Tensor v) {
      probe.observe(q, k);
      return io.papers4j.core.nn.Attention.attendFused(q, k, v, null, false); // (B, H, Tq, D)
    }

    @Override
    public Map<String, Tensor> namedParameters() {
      Params p = new Params().add("to_q", toQ).add("to_k", toK).add("to_v", toV).add("to_out.0", toOut);
      if (normQ != null) p.add("norm_q", normQ).add("norm_k", normK);
      if (addQ != null) p.add("add_q_proj", addQ).add("add_k_proj", addK).add("add_v_proj", addV);
      if (toAddOut != null) p.add("to_add_out", toAddOut);
      if (normAddedQ != null) p.add("norm_added_q", normAddedQ).add("norm_added_k", normAddedK);
      return p.map();
    }
  }

  /** diffusers' FeedForward with GELU(tanh): net.2(GELU(net.0.proj(x))), (…, C) → (…, C). */
  static final class GeluFf implements Parameterized {
    final Linear proj; // (F, C)
    final Linear out; // (C, F)

    GeluFf(int dim, int hidden, Init init) {
      proj = new Linear(dim, hidden, true, init);
      out = new Linear(hidden, dim, true, init);
    }

    Tensor forward(Tensor x) {
      return out.forward(torch.gelu(proj.forward(x), "tanh"));
    }

    @Override
    public Map<String, Tensor> namedParameters() {
      return new Params().add("net.0.proj", proj).add("net.2", out).map();
    }
  }

  /** LayerNorm without affine parameters, eps 1e-6 (the norm inside adaLN). */
  static Tensor layerNorm(Tensor x) {
    return torch.layer_norm(x, new long[] {x.size(-1)}, new TensorOptional(), new TensorOptional(), 1e-6, false);
  }

  /** RMSNorm without a gain, eps 1e-6 (DiT-LLaMA's norm inside adaLN). */
  static Tensor rmsNorm(Tensor x) {
    return x.mul(x.pow(new Scalar(2)).mean(new long[] {-1}, true, new org.bytedeco.pytorch.ScalarTypeOptional())
        .add(new Scalar(1e-6)).rsqrt());
  }

  /**
   * The fixed 2D sin-cos table of MAE/DiT/SD3 for a gh × gw grid, (1, gh·gw, C) float32: the first
   * C/2 channels encode the column, the last C/2 the row, each as [sin(p·ω), cos(p·ω)] with ω_i =
   * 10000^(−i/(C/4)), i &lt; C/4.
   */
  static Tensor sincos2d(int dim, int gh, int gw) {
    int quarter = dim / 4;
    float[] out = new float[gh * gw * dim];
    for (int r = 0; r < gh; r++) {
      for (int c = 0; c < gw; c++) {
        int base = (r * gw + c) * dim;
        for (int i = 0; i < quarter; i++) {
          double omega = Math.pow(10000, -(double) i / quarter);
          out[base + i] = (float) Math.sin(c * omega);
          out[base + quarter + i] = (float) Math.cos(c * omega);
          out[base + 2 * quarter + i] = (float) Math.sin(r * omega);
          out[base + 3 * quarter + i] = (float) Math.cos(r * omega);
        }
      }
    }
    return Tensor.create(out).view(1, (long) gh * gw, dim);
  }

  /** A Linear with zero weight and bias (output projections of gated or final layers). */
  static Linear zeroLinear(long in, long out, Init init) {
    Linear l = new Linear(in, out, true, init);
    try (NoGradGuard g = new NoGradGuard()) {
      l.weight.zero_();
      l.bias.zero_();
    }
    return l;
  }
}
