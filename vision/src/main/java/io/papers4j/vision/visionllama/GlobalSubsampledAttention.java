package io.papers4j.vision.visionllama;

import io.papers4j.core.nn.Attention;
import io.papers4j.core.nn.Convolutions;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.LayerNorm;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.pos.GridRope;
import io.papers4j.core.nn.pos.RotaryEmbedding;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Global sub-sampled attention (GSA; Twins-SVT, code {@code GSAttention}): queries from all N
 * tokens, keys and values from a strided-conv summary of the map.
 *
 * <pre>q = W_q x                                       // (B, N, C)
 * x̃ = LN(Conv_{sr×sr, stride sr}(x))               // (B, N/sr², C); x̃ = x when sr = 1
 * k = W_k x̃,  v = W_v x̃
 * out = W_o softmax(R_q q (R_k k)ᵀ / √D) v</pre>
 *
 * <p>R_q rotates query (i, j) by its scaled grid position and R_k each key by the coordinate of
 * its window ({@link PyramidPositions#keys}). With sr = 1 this is plain global attention with 2D
 * RoPE (both placements coincide there).
 */
final class GlobalSubsampledAttention implements Parameterized {
  final Linear qProj;
  final Linear kProj;
  final Linear vProj;
  final Linear oProj;
  final Tensor srWeight; // (C, C, sr, sr) or null when sr = 1
  final Tensor srBias; // (C)
  final LayerNorm srNorm;
  private final int heads;
  private final int sr;

  GlobalSubsampledAttention(int dim, int heads, int sr, Init init) {
    this.qProj = new Linear(dim, dim, true, init);
    this.kProj = new Linear(dim, dim, true, init);
    this.vProj = new Linear(dim, dim, true, init);
    this.oProj = new Linear(dim, dim, true, init);
    this.heads = heads;
    this.sr = sr;
    this.srWeight = sr > 1 ? init.weights(dim, dim, sr, sr) : null;
    this.srBias = sr > 1 ? init.zeros(dim) : null;
    this.srNorm = sr > 1 ? new LayerNorm(dim, 1e-5, true, init) : null;
  }

  int sr() {
    return sr;
  }

  /**
   * @param x (B, H·W, C)
   * @param rope the table (θ, possibly NTK-scaled)
   * @param qPos (H·W, 2) query coordinates
   * @param kPos (⌊H/sr⌋·⌊W/sr⌋, 2) key coordinates
   * @return (B, H·W, C)
   */
  Tensor forward(Tensor x, int h, int w, GridRope rope, Tensor qPos, Tensor kPos) {
    long b = x.size(0);
    long n = x.size(1);
    long c = x.size(2);
    long d = c / heads;
    Tensor kv = x;
    if (sr > 1) {
      Tensor map = x.transpose(1, 2).reshape(b, c, h, w); // (B, C, H, W)
      Tensor red = Convolutions.conv2d(map, srWeight, srBias, new long[] {sr, sr}, new long[] {0, 0},
          new long[] {1, 1}); // (B, C, H/sr, W/sr)
      kv = srNorm.forward(red.flatten(2, 3).transpose(1, 2)); // (B, M, C)
    }
    long m = kv.size(1);
    Tensor q = qProj.forward(x).view(b, n, heads, d).transpose(1, 2); // (B, heads, N, D)
    Tensor k = kProj.forward(kv).view(b, m, heads, d).transpose(1, 2); // (B, heads, M, D)
    Tensor v = vProj.forward(kv).view(b, m, heads, d).transpose(1, 2);
    Tensor[] cq = rope.cosSin(qPos, torch.ScalarType.Float);
    Tensor[] ck = rope.cosSin(kPos, torch.ScalarType.Float);
    q = RotaryEmbedding.rotate(q, cq[0], cq[1]);
    k = RotaryEmbedding.rotate(k, ck[0], ck[1]);
    Tensor out = Attention.attendFused(q, k, v, null, false); // (B, heads, N, D)
    return oProj.forward(out.transpose(1, 2).reshape(b, n, c)); // (B, N, C)
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Params p = new Params().add("q_proj", qProj).add("k_proj", kProj).add("v_proj", vProj).add("o_proj", oProj)
        .add("sr.weight", srWeight).add("sr.bias", srBias);
    if (srNorm != null) p.add("norm", srNorm);
    return p.map();
  }
}
