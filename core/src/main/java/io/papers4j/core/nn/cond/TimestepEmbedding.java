package io.papers4j.core.nn.cond;

import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.Parameterized;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Timestep conditioning: sinusoidal features of t followed by Linear → SiLU → Linear, as diffusers'
 * {@code Timesteps} + {@code TimestepEmbedding} (tensor names {@code linear_1}, {@code linear_2}).
 *
 * <p>Sinusoid (diffusers {@code get_timestep_embedding}): with h = ⌊dim/2⌋,
 * f_j = exp(−ln(maxPeriod)·j/(h − downscaleFreqShift)), features [sin(t f), cos(t f)] — swapped to
 * [cos, sin] when {@code flipSinToCos} — and a zero column appended when dim is odd. SD3 and DiT use
 * flip = true, shift = 0 with t in [0, 1000).
 */
public final class TimestepEmbedding implements Parameterized {
  public final Linear linear1; // (hidden, freqDim)
  public final Linear linear2; // (hidden, hidden)
  private final int freqDim;

  public TimestepEmbedding(int freqDim, long hidden, Init init) {
    this.freqDim = freqDim;
    this.linear1 = new Linear(freqDim, hidden, true, init);
    this.linear2 = new Linear(hidden, hidden, true, init);
  }

  /** t (B) in the network's units (e.g. 1000·σ) → (B, hidden). */
  public Tensor forward(Tensor t) {
    Tensor f = sinusoid(t, freqDim, true, 0.0, 10000.0).to(linear1.weight.scalar_type().intern()); // (B, freqDim)
    return linear2.forward(torch.silu(linear1.forward(f))); // (B, hidden)
  }

  /** The sinusoidal features (B) → (B, dim), in float64 if t is float64, else float32. */
  public static Tensor sinusoid(Tensor t, int dim, boolean flipSinToCos, double downscaleFreqShift, double maxPeriod) {
    if (t.dim() != 1) throw new IllegalArgumentException("timesteps must be 1-D (B), got rank " + t.dim());
    if (dim < 2) throw new IllegalArgumentException("embedding dim must be >= 2, got " + dim);
    int half = dim / 2;
    boolean dbl = t.scalar_type().intern() == torch.ScalarType.Double;
    Tensor tt = dbl ? t : t.to(torch.ScalarType.Float);
    Tensor j = torch.arange(new Scalar(half)).to(tt.scalar_type().intern()); // (h)
    Tensor freqs = j.mul(new Scalar(-Math.log(maxPeriod) / (half - downscaleFreqShift))).exp(); // (h)
    Tensor arg = tt.unsqueeze(1).mul(freqs.unsqueeze(0)); // (B, h)
    Tensor sin = arg.sin(), cos = arg.cos();
    Tensor emb = flipSinToCos ? torch.cat(new TensorVector(cos, sin), 1) : torch.cat(new TensorVector(sin, cos), 1);
    if (dim % 2 == 1) emb = torch.cat(new TensorVector(emb, torch.zeros_like(emb.narrow(1, 0, 1))), 1);
    return emb; // (B, dim)
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    return new Params().add("linear_1", linear1).add("linear_2", linear2).map();
  }
}
