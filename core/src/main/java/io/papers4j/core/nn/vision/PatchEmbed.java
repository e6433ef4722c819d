package io.papers4j.core.nn.vision;

import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * Patch embedding: a p×p convolution with stride p (ViT's {@code patch_embed.proj}),
 *
 * <pre>map = Conv_{p×p, stride p}(x)      // (B, in, H, W) → (B, C, H/p, W/p)</pre>
 *
 * weight (C, in, p, p), bias (C); {@link #tokens} flattens a map to (B, N, C) tokens in row-major
 * order. Parameter names {@code proj.weight, proj.bias}. Weights are drawn from {@code init}
 * (weight first, then a zero bias), so a model that builds it draws in the same order as one that
 * inlined the two tensors.
 */
public final class PatchEmbed implements Parameterized {
  private final int patch;
  private final Tensor weight; // (C, in, p, p)
  private final Tensor bias; // (C)

  public PatchEmbed(int inChannels, int dim, int patch, Init init) {
    if (inChannels < 1 || dim < 1 || patch < 1) {
      throw new IllegalArgumentException(
          "patch embedding needs positive channels, width and patch, got " + inChannels + ", " + dim + ", " + patch);
    }
    this.patch = patch;
    this.weight = init.weights(dim, inChannels, patch, patch);
    this.bias = init.zeros(dim);
  }

  public int patch() {
    return patch;
  }

  /** images (B, in, H, W) → (B, C, ⌊H/p⌋, ⌊W/p⌋). */
  public Tensor forward(Tensor images) {
    return torch.conv2d(images, weight, new TensorOptional(bias), new long[] {patch, patch}, new long[] {0, 0},
        new long[] {1, 1}, 1);
  }

  /** (B, C, h, w) → (B, h·w, C), row-major over the grid. */
  public static Tensor tokens(Tensor map) {
    return map.flatten(2, 3).transpose(1, 2);
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    return new Params().add("proj.weight", weight).add("proj.bias", bias).map();
  }
}
