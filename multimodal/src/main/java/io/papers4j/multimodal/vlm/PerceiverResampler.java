package io.papers4j.multimodal.vlm;

import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.LayerNorm;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Flamingo's Perceiver resampler: a fixed set of R learned latents cross-attends to an image's
 * visual tokens (keys/values are the tokens concatenated with the latents), so any number of tokens
 * becomes R. InfiMM-HD's ablation (Tab. 7) adds it to show it caps high-resolution gains.
 *
 * <pre>z ← z + Attn(LN(z), [LN(x); LN(z)])
 * z ← z + FFN(LN(z))            (repeated per layer), output LN(z)</pre>
 *
 * <p>Shapes: x (B, M, C) → (B, R, C).
 */
public final class PerceiverResampler implements Parameterized {
  private static final class Layer implements Parameterized {
    final LayerNorm normX, normZ, normFf;
    final Linear toQ, toKv, toOut, fc1, fc2;

    Layer(int dim, int heads, Init init) {
      normX = new LayerNorm(dim, 1e-5, true, init);
      normZ = new LayerNorm(dim, 1e-5, true, init);
      toQ = new Linear(dim, dim, false, init);
      toKv = new Linear(dim, 2L * dim, false, init);
      toOut = new Linear(dim, dim, false, init);
      normFf = new LayerNorm(dim, 1e-5, true, init);
      fc1 = new Linear(dim, 4L * dim, false, init);
      fc2 = new Linear(4L * dim, dim, false, init);
    }

    @Override
    public Map<String, Tensor> namedParameters() {
      return new Params().add("norm_media", normX).add("norm_latents", normZ).add("to_q", toQ).add("to_kv", toKv)
          .add("to_out", toOut).add("ff_norm", normFf).add("ff.fc1", fc1).add("ff.fc2", fc2).map();
    }
  }

  private final int heads;
  final Tensor latents; // (R, C)
  private final List<Layer> layers;
  final LayerNorm norm;

  public PerceiverResampler(int dim, int latents, int layers, int heads, Init init) {
    if (latents < 1 || layers < 1 || heads < 1 || dim % heads != 0) {
      throw new IllegalArgumentException("resampler: latents, layers and heads must be positive and divide the width");
    }
    this.heads = heads;
    this.latents = init.weights(latents, dim);
    List<Layer> ls = new ArrayList<>();
    for (int i = 0; i < layers; i++) ls.add(new Layer(dim, heads, init));
    this.layers = List.copyOf(ls);
    this.norm = new LayerNorm(dim, 1e-5, true, init);
  }

  public long latentCount() {
    return latents.size(0);
  }

  /** x (B, M, C) → (B, R, C). */
  public Tensor forward(Tensor x) {
    long b = x.size(0), c = x.size(2), r = latents.size(0), d = c / heads;
    Tensor z = latents.unsqueeze(0).expand(b, r, c); // (B, R, C)
    for (Layer l : layers) {
      Tensor zn = l.normZ.forward(z);
      Tensor kvIn = torch.cat(new TensorVector(l.normX.forward(x), zn), 1); // (B, M+R, C)
      long m = kvIn.size(1);
      Tensor q = l.toQ.forward(zn).view(b, r, heads, d).transpose(1, 2); // (B, H, R, D)
      Tensor kv = l.toKv.forward(kvIn); // (B, M+R, 2C)
      Tensor k = kv.narrow(2, 0, c).view(b, m, heads, d).transpose(1, 2);
      Tensor v = kv.narrow(2, c, c).view(b, m, heads, d).transpose(1, 2);
      Tensor att = torch.softmax(q.matmul(k.transpose(-2, -1)).mul(new Scalar(1.0 / Math.sqrt(d))), -1).matmul(v);
      z = z.add(l.toOut.forward(att.transpose(1, 2).reshape(b, r, c))); // (B, R, C)
      z = z.add(l.fc2.forward(torch.gelu(l.fc1.forward(l.normFf.forward(z)))));
    }
    return norm.forward(z);
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Params p = new Params().add("latents", latents);
    for (int i = 0; i < layers.size(); i++) p.add("layers." + i, layers.get(i));
    return p.add("norm", norm).map();
  }
}
