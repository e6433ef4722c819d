package io.papers4j.speech.naturalspeech3;

import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Factorised vector quantisation (FACodec 6(b); DAC's factorised codes): one group of
 * {@code codebooks} residual codebooks. Each codebook projects the D-dim input to a
 * {@code codeDim}-dim space (the information bottleneck), L2-normalises it and the codebook, takes
 * the nearest code by cosine similarity, passes gradients straight through, and projects back to D.
 *
 * <p>Loss per codebook: ‖sg(e) − q‖² (moves the code) + {@code commitWeight}·‖e − sg(q)‖² (keeps the
 * encoder near its code), both on the normalised vectors.
 */
final class Fvq implements Parameterized {
  /** Quantised output (B, T, D), integer codes (B, T, n), summed VQ loss (scalar). */
  record Out(Tensor z, Tensor codes, Tensor loss) {}

  final List<Linear> projIn = new ArrayList<>(), projOut = new ArrayList<>();
  final List<Tensor> codebooks = new ArrayList<>(); // each (K, codeDim)
  final double commitWeight;

  Fvq(Init init, int dim, int codebooks, int codeDim, int size, double commitWeight) {
    this.commitWeight = commitWeight;
    for (int i = 0; i < codebooks; i++) {
      projIn.add(Layers.linear(init, dim, codeDim));
      this.codebooks.add(Layers.fanIn(init, 1, size, codeDim));
      projOut.add(Layers.linear(init, codeDim, dim));
    }
  }

  int size() {
    return codebooks.size();
  }

  Out forward(Tensor x) { // x (B, T, D)
    Tensor residual = x;
    Tensor z = null, loss = null;
    List<Tensor> codes = new ArrayList<>();
    for (int i = 0; i < codebooks.size(); i++) {
      Tensor e = Layers.l2normalise(projIn.get(i).forward(residual)); // (B, T, d)
      Tensor cb = Layers.l2normalise(codebooks.get(i)); // (K, d)
      Tensor idx = e.detach().matmul(cb.detach().t()).argmax(new org.bytedeco.pytorch.LongOptional(-1), false); // (B, T)
      Tensor q = torch.embedding(cb, idx); // (B, T, d), gradient reaches the codebook
      Tensor l = torch.mse_loss(q, e.detach()).add(torch.mse_loss(e, q.detach()).mul(new Scalar(commitWeight)));
      Tensor st = e.add(q.sub(e).detach()); // straight-through: forward q, gradient to e
      Tensor out = projOut.get(i).forward(st); // (B, T, D)
      residual = residual.sub(out);
      z = z == null ? out : z.add(out);
      loss = loss == null ? l : loss.add(l);
      codes.add(idx);
    }
    return new Out(z, torch.stack(new org.bytedeco.pytorch.TensorVector(codes.toArray(new Tensor[0])), 2), loss);
  }

  /** Codes (B, T, n) back to the quantised vectors (B, T, D). */
  Tensor decode(Tensor codes) {
    Tensor z = null;
    for (int i = 0; i < codebooks.size(); i++) {
      Tensor cb = Layers.l2normalise(codebooks.get(i));
      Tensor out = projOut.get(i).forward(torch.embedding(cb, codes.select(2, i)));
      z = z == null ? out : z.add(out);
    }
    return z;
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Params p = new Params();
    for (int i = 0; i < codebooks.size(); i++) {
      p.add("quantizers." + i + ".in_proj", projIn.get(i));
      p.add("quantizers." + i + ".codebook.weight", codebooks.get(i));
      p.add("quantizers." + i + ".out_proj", projOut.get(i));
    }
    return p.map();
  }
}
