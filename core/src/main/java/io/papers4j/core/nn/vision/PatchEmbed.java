package io.papers4j.core.nn.vision;

import io.papers4j.core.nn.Convolutions;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
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
    return Convolutions.conv2d(images, weight, bias, new long[] {patch, patch}, new long[] {0, 0}, new long[] {1, 1});
  }

  /** (B, C, h, w) → (B, h·w, C), row-major over the grid. */
  public static Tensor tokens(Tensor map) {
    return map.flatten(2, 3).transpose(1, 2);
  }

  /**
   * The inverse of patch embedding's layout for a model's output tokens, as diffusers' DiT and SD3
   * transformers do it: each token holds one p×p patch with channels last, {@code (p, q, c)}, and
   *
   * <pre>(B, h·w, p·p·C) → (B, h, w, p, p, C) → einsum nhwpqc→nchpwq → (B, C, h·p, w·p)</pre>
   */
  public static Tensor unpatchify(Tensor tokens, int gridH, int gridW, int patch, int channels) {
    long want = (long) patch * patch * channels;
    if (tokens.dim() != 3 || tokens.size(1) != (long) gridH * gridW || tokens.size(2) != want) {
      throw new IllegalArgumentException("unpatchify expects (B, " + gridH * gridW + ", " + want + ") for a "
          + gridH + "×" + gridW + " grid of " + patch + "×" + patch + "×" + channels + " patches, got "
          + java.util.Arrays.toString(tokens.shape()));
    }
    long b = tokens.size(0);
    return tokens.reshape(b, gridH, gridW, patch, patch, channels) // (B, h, w, p, q, C)
        .permute(0, 5, 1, 3, 2, 4) // (B, C, h, p, w, q)
        .reshape(b, channels, (long) gridH * patch, (long) gridW * patch); // (B, C, h·p, w·p)
  }

  /** The exact inverse of {@link #unpatchify}: (B, C, H, W) → (B, (H/p)·(W/p), p·p·C), channels last per patch. */
  public static Tensor patchify(Tensor images, int patch) {
    if (images.dim() != 4) {
      throw new IllegalArgumentException("images must be (B, C, H, W), got " + java.util.Arrays.toString(images.shape()));
    }
    int[] grid = ImageShapes.patchGrid(images, (int) images.size(1), patch);
    long b = images.size(0), c = images.size(1);
    return images.reshape(b, c, grid[0], patch, grid[1], patch) // (B, C, h, p, w, q)
        .permute(0, 2, 4, 3, 5, 1) // (B, h, w, p, q, C)
        .reshape(b, (long) grid[0] * grid[1], (long) patch * patch * c); // (B, h·w, p·p·C)
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    return new Params().add("proj.weight", weight).add("proj.bias", bias).map();
  }
}
