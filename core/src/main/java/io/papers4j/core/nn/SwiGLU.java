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
 * Tensor names are Hugging Face's {@code gate_proj}, {@code up_proj}, {@code down_proj}. In
 * inference (one row, or under autocast) gate and up run as one {@link StackedLinear} product.
 */
public final class SwiGLU implements Parameterized {
  public final Linear gateProj; // (F, C)
  public final Linear upProj; // (F, C)
  public final Linear downProj; // (C, F)
  private final StackedLinear gateUp; // gate and up as one product in inference

  public SwiGLU(long dim, long hidden, boolean bias, Init init) {
    this.gateProj = new Linear(dim, hidden, bias, init);
    this.upProj = new Linear(dim, hidden, bias, init);
    this.downProj = new Linear(hidden, dim, bias, init);
    this.gateUp = new StackedLinear(gateProj, upProj);
  }

  public Tensor forward(Tensor x) {
    Tensor both = gateUp.forward(x); // (…, 2F), or null: kept separate
    Tensor h;
    if (both != null) { // one product for gate and up (inference: one row, or under autocast)
      long f = gateProj.outFeatures();
      h = torch.silu(both.narrow(-1, 0, f)).mul(both.narrow(-1, f, f)); // (…, F)
    } else {
      h = torch.silu(gateProj.forward(x)).mul(upProj.forward(x)); // (…, F)
    }
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
