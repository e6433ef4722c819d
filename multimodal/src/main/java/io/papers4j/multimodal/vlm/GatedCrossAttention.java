package io.papers4j.multimodal.vlm;

import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.LayerNorm;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Flamingo's gated cross-attention block as InfiMM-HD uses it (element-wise tanh gates, FFN
 * multiplier 1, no biases, a reduced inner width):
 *
 * <pre>x ← x + tanh(g_attn) ⊙ XAttn(LN(x), V)        queries from text, keys/values from visual tokens
 * x ← x + tanh(g_ff)   ⊙ FFN(LN(x))</pre>
 *
 * <p>Both gates (C) start at 0, so the block is exactly the identity when inserted into a trained LM.
 * The attention mask is {@link MediaMask#allowed}; a text row with no visible image gets zero
 * attention output, and a sample with no image at all skips the block. Shapes: x (B, T, C), visual
 * (B, M, Cv), mask (B, T, M) → (B, T, C).
 */
public final class GatedCrossAttention implements Parameterized {
  private final int heads;
  private final int headDim;
  final LayerNorm attnNorm;
  final Linear toQ; // (inner, C)
  final Linear toKv; // (2·inner, Cv)
  final Linear toOut; // (C, inner)
  final Tensor attnGate; // (C)
  final LayerNorm ffNorm;
  final Linear ffIn; // (C·mult, C)
  final Linear ffOut; // (C, C·mult)
  final Tensor ffGate; // (C)

  /**
   * @param dim LM width C
   * @param visualDim visual token width Cv
   * @param heads attention heads (inner width = heads · headDim)
   * @param headDim width per head
   * @param ffMult FFN hidden multiplier (1 in InfiMM-HD)
   */
  public GatedCrossAttention(int dim, int visualDim, int heads, int headDim, int ffMult, Init init) {
    if (dim < 1 || visualDim < 1 || heads < 1 || headDim < 1 || ffMult < 1) {
      throw new IllegalArgumentException("gated cross-attention sizes must be positive");
    }
    this.heads = heads;
    this.headDim = headDim;
    int inner = heads * headDim;
    this.attnNorm = new LayerNorm(dim, 1e-5, true, init);
    this.toQ = new Linear(dim, inner, false, init);
    this.toKv = new Linear(visualDim, 2L * inner, false, init);
    this.toOut = new Linear(inner, dim, false, init);
    this.attnGate = init.zeros(dim);
    this.ffNorm = new LayerNorm(dim, 1e-5, true, init);
    this.ffIn = new Linear(dim, (long) dim * ffMult, false, init);
    this.ffOut = new Linear((long) dim * ffMult, dim, false, init);
    this.ffGate = init.zeros(dim);
  }

  /** x (B, T, C), visual (B, M, Cv), allowed (B, T, M) bool → (B, T, C). */
  public Tensor forward(Tensor x, Tensor visual, Tensor allowed) {
    long b = x.size(0), t = x.size(1), m = visual.size(1);
    Tensor q = toQ.forward(attnNorm.forward(x)).view(b, t, heads, headDim).transpose(1, 2); // (B, H, T, D)
    Tensor kv = toKv.forward(visual); // (B, M, 2·inner)
    Tensor k = kv.narrow(2, 0, (long) heads * headDim).view(b, m, heads, headDim).transpose(1, 2); // (B, H, M, D)
    Tensor v = kv.narrow(2, (long) heads * headDim, (long) heads * headDim).view(b, m, heads, headDim).transpose(1, 2);
    Tensor scores = q.matmul(k.transpose(-2, -1)).mul(new Scalar(1.0 / Math.sqrt(headDim))); // (B, H, T, M)
    Tensor mask = allowed.unsqueeze(1); // (B, 1, T, M)
    scores = scores.masked_fill(mask.logical_not(), new Scalar(-1e9));
    Tensor anyVisible = allowed.any(2).unsqueeze(1).unsqueeze(3).to(x.scalar_type()); // (B, 1, T, 1)
    Tensor attn = torch.softmax(scores, -1).matmul(v).mul(anyVisible); // (B, H, T, D); 0 with no image
    Tensor a = toOut.forward(attn.transpose(1, 2).reshape(b, t, (long) heads * headDim)); // (B, T, C)
    Tensor hasImage = allowed.flatten(1, 2).any(1).view(b, 1, 1).to(x.scalar_type()); // (B, 1, 1)
    Tensor h = x.add(attnGate.tanh().mul(a).mul(hasImage)); // (B, T, C)
    Tensor f = ffOut.forward(torch.gelu(ffIn.forward(ffNorm.forward(h)))); // (B, T, C)
    return h.add(ffGate.tanh().mul(f).mul(hasImage));
  }

  /** |tanh(g)| of both gates, concatenated: (2C). */
  public Tensor gateMagnitudes() {
    return torch.cat(new org.bytedeco.pytorch.TensorVector(attnGate.tanh().abs(), ffGate.tanh().abs())).detach();
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    return new Params()
        .add("attn_norm", attnNorm).add("to_q", toQ).add("to_kv", toKv).add("to_out", toOut)
        .add("attn_gate", attnGate)
        .add("ff_norm", ffNorm).add("ff.fc1", ffIn).add("ff.fc2", ffOut).add("ff_gate", ffGate)
        .map();
  }
}
