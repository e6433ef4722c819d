package io.papers4j.core.nn;

import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The gated feed-forward block of LLaMA (Shazeer 2020, "GLU variants"):
 *
 * <pre>y = W_down (SiLU(W_gate x) ⊙ W_up x)</pre>
 *
 * <p>Shapes: x (…, C) → y (…, C) through a hidden width F (LLaMA: about 8/3·C rounded up).
 * Tensor names are Hugging Face's {@code gate_proj}, {@code up_proj}, {@code down_proj}.
 */
public final class SwiGLU implements Parameterized {
  public final Linear gateProj; // (F, C)
  public final Linear upProj; // (F, C)
  public final Linear downProj; // (C, F)

  public SwiGLU(long dim, long hidden, boolean bias, Init init) {
    this.gateProj = new Linear(dim, hidden, bias, init);
    this.upProj = new Linear(dim, hidden, bias, init);
    this.downProj = new Linear(hidden, dim, bias, init);
  }

  public Tensor forward(Tensor x) {
    Tensor h = torch.silu(gateProj.forward(x)).mul(upProj.forward(x)); // (…, F)
    return downProj.forward(h); // (…, C)
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    return new Params()
        .add("gate_proj", gateProj)
        .add("up_proj", upProj)
        .add("down_proj", downProj)
        .map();
  }
}
