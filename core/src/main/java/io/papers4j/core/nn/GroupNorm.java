package io.papers4j.core.nn;

import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * Group normalisation (Wu and He 2018), PyTorch's {@code nn.GroupNorm}: the C channels are split
 * into G groups of C/G and each (sample, group) is normalised over its channels and positions,
 *
 * <pre>y = (x − mean_g(x)) / sqrt(var_g(x) + ε) ⊙ γ_c + β_c</pre>
 *
 * with the biased variance. Shapes: x (B, C, …) → y (B, C, …); {@code weight} γ (C) starts at 1 and
 * {@code bias} β (C) at 0, both absent when {@code affine} is false. UNets use G = 32, ε = 1e-5
 * (ResNet blocks) or 1e-6 (attention blocks, diffusers).
 */
public final class GroupNorm implements Parameterized {
  public final Tensor weight; // (C) or null
  public final Tensor bias; // (C) or null
  private final int groups;
  private final long channels;
  private final double eps;

  public GroupNorm(int groups, long channels, double eps, boolean affine, Init init) {
    if (groups < 1 || channels < 1 || channels % groups != 0) {
      throw new IllegalArgumentException(
          "group norm needs channels (" + channels + ") divisible by a positive number of groups (" + groups + ")");
    }
    if (!(eps > 0)) throw new IllegalArgumentException("group norm eps must be > 0, got " + eps);
    this.groups = groups;
    this.channels = channels;
    this.eps = eps;
    this.weight = affine ? init.ones(channels) : null;
    this.bias = affine ? init.zeros(channels) : null;
  }

  /** x (B, C, …) → (B, C, …). */
  public Tensor forward(Tensor x) {
    if (x.dim() < 2 || x.size(1) != channels) {
      throw new IllegalArgumentException(
          "group norm expects (B, " + channels + ", …), got " + java.util.Arrays.toString(x.shape()));
    }
    return torch.group_norm(x, groups,
        weight == null ? new TensorOptional() : new TensorOptional(weight),
        bias == null ? new TensorOptional() : new TensorOptional(bias), eps, false); // (B, C, …)
  }

  public int groups() {
    return groups;
  }

  public double eps() {
    return eps;
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    return new Params().add("weight", weight).add("bias", bias).map();
  }
}
