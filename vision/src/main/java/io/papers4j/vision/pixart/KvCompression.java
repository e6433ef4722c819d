package io.papers4j.vision.pixart;

import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.Parameterized;
import java.util.Map;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * PixArt-Σ's key/value token compression f_c (official {@code AttentionKVCompress}): keys and values,
 * after the qkv projection and before the head split, are laid out as their token grid and reduced
 * by R×R windows, so attention becomes softmax(Q·f_c(K)ᵀ/√d)·f_c(V) with all N queries and
 * ⌈H/R⌉·⌈W/R⌉ keys. K and V pass through the same module.
 *
 * <pre>x (B, N, C) → grid (B, C, H, W) → pad → f → (B, C, H', W') → (B, H'·W', C)
 * conv:    depthwise Conv2d(C, C, kernel = stride = R, groups = C) → LayerNorm(C)   // "Conv 2×2"
 * discard: x[:, :, ::R, ::R]                                                       // token discarding
 * pool:    AvgPool(R) (a true mean; the official 'ave' is a nearest-neighbour subsample)</pre>
 *
 * <p>Average init ("Conv Avg Init", the paper's): every weight 1/R², bias 0, so the convolution is
 * exactly R×R average pooling (the LayerNorm that follows keeps its default init, so a freshly
 * inserted layer is a normalised average, not the identity). Depthwise with 1/R² equals a full
 * C→C convolution whose weight is 1/R² on the diagonal channel pairs and 0 elsewhere, with C× fewer
 * parameters. Random init: PyTorch's default for a Conv2d, U(−1/√fan_in, 1/√fan_in) with fan_in =
 * R² for weight and bias.
 *
 * <p><b>Odd grids.</b> When H or W is not a multiple of R, the grid is padded on the bottom and right
 * by repeating its last row / column (replicate padding) up to the next multiple, so no token is
 * dropped (the official convolution has no padding and silently drops the last row and column).
 * For R = 2 a window that sticks out then averages only real tokens: the padded mean of (a, b, a,
 * b) is (a + b)/2. Discarding keeps the top-left token of every window (indices 0, R, 2R, … of the
 * unpadded grid), which never needs padding. A 7×7 grid gives 4×4 keys in every mode.
 *
 * <p>Names (under {@code blocks.i.attn}): {@code sr.weight} (C, 1, R, R), {@code sr.bias} (C),
 * {@code norm.weight}, {@code norm.bias} (C); discard and pool have no parameters.
 */
public final class KvCompression implements Parameterized {
  private final String mode;
  private final int ratio;
  private final Tensor weight; // (C, 1, R, R) conv only
  private final Tensor bias; // (C)
  private final Tensor normWeight; // (C)
  private final Tensor normBias; // (C)

  /**
   * @param mode conv, discard or pool
   * @param init avg or random (conv only)
   * @param seed seed of the random init
   */
  public KvCompression(int channels, int ratio, String mode, String init, long seed) {
    if (!PixArtConfig.KV_MODES.contains(mode)) throw new IllegalArgumentException("kv mode must be one of " + PixArtConfig.KV_MODES + ", got " + mode);
    if (!init.equals("avg") && !init.equals("random")) throw new IllegalArgumentException("--kv-init must be avg or random, got " + init);
    if (ratio < 2) throw new IllegalArgumentException("kv compression ratio must be >= 2, got " + ratio);
    this.mode = mode;
    this.ratio = ratio;
    if (!mode.equals("conv")) {
      weight = bias = normWeight = normBias = null;
      return;
    }
    TensorOptions f32 = new TensorOptions().dtype(new ScalarTypeOptional(torch.ScalarType.Float));
    if (init.equals("avg")) {
      weight = torch.full(new long[] {channels, 1, ratio, ratio}, new org.bytedeco.pytorch.Scalar(1.0 / (ratio * ratio)), f32);
      bias = torch.zeros(new long[] {channels}, f32);
    } else {
      double bound = 1.0 / ratio; // 1/√fan_in, fan_in = 1·R·R
      Generator g = torch.createCPUGenerator(seed);
      weight = torch.rand(new long[] {channels, 1, ratio, ratio}, new GeneratorOptional(g), f32).mul(new org.bytedeco.pytorch.Scalar(2 * bound))
          .sub(new org.bytedeco.pytorch.Scalar(bound));
      bias = torch.rand(new long[] {channels}, new GeneratorOptional(g), f32).mul(new org.bytedeco.pytorch.Scalar(2 * bound))
          .sub(new org.bytedeco.pytorch.Scalar(bound));
    }
    normWeight = torch.ones(new long[] {channels}, f32);
    normBias = torch.zeros(new long[] {channels}, f32);
    for (Tensor t : new Tensor[] {weight, bias, normWeight, normBias}) t.set_requires_grad(true);
  }

  public String mode() {
    return mode;
  }

  public int ratio() {
    return ratio;
  }

  /** Side of the compressed grid for an input side h: ⌈h / R⌉. */
  public int compressedSide(int h) {
    return (h + ratio - 1) / ratio;
  }

  /** x (B, h·w, C) tokens of an h × w grid, row-major → (B, ⌈h/R⌉·⌈w/R⌉, C). */
  public Tensor forward(Tensor x, int h, int w) {
    if (x.dim() != 3 || x.size(1) != (long) h * w) {
      throw new IllegalArgumentException("kv compression expects (B, " + h * w + ", C) for a " + h + "×" + w + " grid, got "
          + java.util.Arrays.toString(x.shape()));
    }
    long b = x.size(0), c = x.size(2);
    Tensor g = x.transpose(1, 2).reshape(b, c, h, w); // (B, C, h, w)
    Tensor y = switch (mode) {
      case "discard" -> g.slice(2, new org.bytedeco.pytorch.LongOptional(0), new org.bytedeco.pytorch.LongOptional(h), ratio)
          .slice(3, new org.bytedeco.pytorch.LongOptional(0), new org.bytedeco.pytorch.LongOptional(w), ratio); // (B, C, h', w')
      case "pool" -> torch.avg_pool2d(pad(g, h, w), new long[] {ratio, ratio}); // (B, C, h', w')
      default -> conv(pad(g, h, w));
    };
    Tensor t = y.flatten(2, 3).transpose(1, 2); // (B, h'·w', C)
    if (!mode.equals("conv")) return t;
    return torch.layer_norm(t, new long[] {c}, new TensorOptional(normWeight), new TensorOptional(normBias), 1e-5, false);
  }

  /**
   * The convolution alone (before the LayerNorm), on a padded grid (B, C, H, W), H and W multiples
   * of R. A depthwise kernel = stride = R convolution only ever sees disjoint windows, so it is
   * computed as a weighted sum over each window (the same numbers as conv2d with groups = C, checked
   * against it in the tests, without a grouped-convolution kernel):
   *
   * <pre>(B, C, H, W) → (B, C, H/R, R, W/R, R) · w (1, C, 1, R, 1, R) → Σ over the two R axes + bias</pre>
   */
  Tensor conv(Tensor grid) {
    long b = grid.size(0), c = grid.size(1), h = grid.size(2) / ratio, w = grid.size(3) / ratio;
    Tensor windows = grid.reshape(b, c, h, ratio, w, ratio); // (B, C, H', R, W', R)
    Tensor wt = weight.view(1, c, 1, ratio, 1, ratio);
    return windows.mul(wt).sum(new long[] {3, 5}, false, new ScalarTypeOptional()).add(bias.view(1, c, 1, 1)); // (B, C, H', W')
  }

  /** Replicate padding on the bottom and right up to multiples of R (see the class comment). */
  Tensor pad(Tensor grid, int h, int w) {
    int ph = (ratio - h % ratio) % ratio, pw = (ratio - w % ratio) % ratio;
    if (ph == 0 && pw == 0) return grid;
    return torch.replication_pad2d(grid, new long[] {0, pw, 0, ph}); // (left, right, top, bottom)
  }

  /** Sets the convolution to the average (1/R², bias 0): the paper's init, for a layer inserted into a trained model. */
  public void averageInit() {
    if (weight == null) return;
    try (NoGradGuard ng = new NoGradGuard()) {
      weight.fill_(new org.bytedeco.pytorch.Scalar(1.0 / (ratio * ratio)));
      bias.zero_();
      normWeight.fill_(new org.bytedeco.pytorch.Scalar(1.0));
      normBias.zero_();
    }
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    return new Params().add("sr.weight", weight).add("sr.bias", bias).add("norm.weight", normWeight).add("norm.bias", normBias).map();
  }
}
