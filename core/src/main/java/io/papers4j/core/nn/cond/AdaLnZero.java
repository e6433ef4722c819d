package io.papers4j.core.nn.cond;

import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.Parameterized;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * adaLN-Zero (DiT, Peebles and Xie 2023): a conditioning vector c produces per-channel shift, scale
 * and gate vectors, {@code chunks = Linear(SiLU(c))}, with the Linear initialised to ZERO so that
 * every gated residual branch starts switched off and the block is the identity at initialisation.
 *
 * <p>Shapes: c (B, condDim) → {@code chunks} tensors (B, C) each; diffusers stores the projection as
 * {@code norm1.linear}. With 6 chunks the order is shift_msa, scale_msa, gate_msa, shift_mlp,
 * scale_mlp, gate_mlp (diffusers' {@code AdaLayerNormZero}).
 */
public final class AdaLnZero implements Parameterized {
  public final Linear linear; // (chunks·C, condDim), zero at init
  private final int chunks;

  public AdaLnZero(long condDim, long channels, int chunks, Init init) {
    if (chunks < 1) throw new IllegalArgumentException("adaLN needs at least one chunk");
    this.chunks = chunks;
    this.linear = new Linear(condDim, chunks * channels, true, init);
    try (NoGradGuard g = new NoGradGuard()) {
      linear.weight.zero_();
    }
  }

  /** c (B, condDim) → chunks × (B, C). */
  public Tensor[] forward(Tensor c) {
    Tensor all = linear.forward(torch.silu(c)); // (B, chunks·C)
    TensorVector parts = all.chunk(chunks, 1);
    Tensor[] out = new Tensor[chunks];
    for (int i = 0; i < chunks; i++) out[i] = parts.get(i);
    return out;
  }

  /** x·(1 + scale) + shift over tokens: x (B, T, C), shift/scale (B, C). */
  public static Tensor modulate(Tensor x, Tensor shift, Tensor scale) {
    return x.mul(scale.unsqueeze(1).add(new Scalar(1.0))).add(shift.unsqueeze(1)); // (B, T, C)
  }

  /** x + gate·branch: x, branch (B, T, C), gate (B, C). */
  public static Tensor gatedResidual(Tensor x, Tensor gate, Tensor branch) {
    return x.add(branch.mul(gate.unsqueeze(1)));
  }

  public int chunks() {
    return chunks;
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    return new Params().add("linear", linear).map();
  }
}
