package io.papers4j.multimodal.vlm;

import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.pos.PositionEncoding;
import io.papers4j.core.nn.vision.Norm;
import io.papers4j.core.nn.vision.PatchEmbed;
import io.papers4j.core.nn.vision.VisionBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A ViT image encoder (CLS token, learned absolute position embeddings, the shared {@link
 * VisionBlock} with a GELU MLP) whose output is the penultimate block's tokens, as InfiMM-HD and
 * Flamingo take EVA-CLIP features.
 *
 * <pre>t = [cls; PatchEmbed(x)] + pos            // (B, 1 + (H/p)(W/p), C)
 * t = block_1 … block_{L-1}(t)                  // penultimate layer
 * return LN(t)</pre>
 *
 * <p>The position embedding is learned for a {@code baseResolution} grid; any other square size
 * (a multiple of the patch) gets the patch part resized bilinearly, as InfiMM-HD's 448-px ViT is made
 * from the 224-px one ({@link #interpolatedPositions}).
 */
public final class VisionEncoder implements Parameterized {
  /**
   * @param patch patch size p (pixels)
   * @param dim width C
   * @param layers ViT blocks (features come from the penultimate one)
   * @param heads attention heads
   * @param baseResolution square image side the position table is learned for (multiple of p)
   */
  public record Config(int patch, int dim, int layers, int heads, int baseResolution) {
    public Config {
      if (patch < 1 || dim < 1 || heads < 1 || dim % heads != 0) {
        throw new IllegalArgumentException("vision encoder: patch, width and heads must be positive, width a multiple of heads");
      }
      if (layers < 2) throw new IllegalArgumentException("vision encoder needs >= 2 layers (features are the penultimate), got " + layers);
      if (baseResolution < patch || baseResolution % patch != 0) {
        throw new IllegalArgumentException("base resolution " + baseResolution + " must be a multiple of the patch " + patch);
      }
    }

    /** Patch grid side at the base resolution. */
    public int baseGrid() {
      return baseResolution / patch;
    }
  }

  private final Config config;
  final PatchEmbed patchEmbed;
  final Tensor clsToken; // (1, 1, C)
  final Tensor posEmbed; // (1, 1 + g², C)
  final List<VisionBlock> blocks;
  final Norm norm;

  public VisionEncoder(Config c, Init init) {
    this.config = c;
    this.patchEmbed = new PatchEmbed(3, c.dim(), c.patch(), init);
    this.clsToken = init.weights(1, 1, c.dim());
    this.posEmbed = init.weights(1, 1 + (long) c.baseGrid() * c.baseGrid(), c.dim());
    VisionBlock.Config bc = new VisionBlock.Config(c.dim(), c.heads(), 4 * c.dim(), "layernorm", false, 0);
    List<VisionBlock> bs = new ArrayList<>();
    // the last block's output is never used (features are the penultimate layer's), so it is not built
    for (int i = 0; i < c.layers() - 1; i++) bs.add(new VisionBlock(bc, PositionEncoding.NONE, init));
    this.blocks = List.copyOf(bs);
    this.norm = new Norm("layernorm", c.dim(), init);
  }

  public Config config() {
    return config;
  }

  /** Tokens per image of side {@code side}: 1 + (side/p)². */
  public long tokens(int side) {
    long g = side / config.patch();
    return 1 + g * g;
  }

  /** images (B, 3, S, S) with S a multiple of the patch → features (B, 1 + (S/p)², C). */
  public Tensor forward(Tensor images) {
    if (images.dim() != 4 || images.size(1) != 3 || images.size(2) != images.size(3)) {
      throw new IllegalArgumentException("vision encoder expects square RGB images (B, 3, S, S), got "
          + java.util.Arrays.toString(images.shape()));
    }
    int side = (int) images.size(2);
    if (side % config.patch() != 0) {
      throw new IllegalArgumentException("image side " + side + " is not a multiple of the patch " + config.patch());
    }
    Tensor t = PatchEmbed.tokens(patchEmbed.forward(images)); // (B, N, C)
    long b = t.size(0);
    t = torch.cat(new org.bytedeco.pytorch.TensorVector(clsToken.expand(b, 1, config.dim()), t), 1); // (B, 1+N, C)
    t = t.add(interpolatedPositions(side / config.patch())); // (B, 1+N, C)
    for (VisionBlock block : blocks) t = block.forward(t, null); // up to the penultimate layer
    return norm.forward(t);
  }

  /** The position table for a g×g grid: CLS row kept, the patch rows resized bilinearly → (1, 1 + g², C). */
  public Tensor interpolatedPositions(int grid) {
    int g0 = config.baseGrid();
    if (grid == g0) return posEmbed;
    long c = config.dim();
    Tensor cls = posEmbed.narrow(1, 0, 1); // (1, 1, C)
    Tensor patch = posEmbed.narrow(1, 1, (long) g0 * g0).reshape(1, g0, g0, c).permute(0, 3, 1, 2); // (1, C, g0, g0)
    Tensor resized = torch.upsample_bilinear2d(patch, new long[] {grid, grid}, false); // (1, C, g, g)
    Tensor rows = resized.permute(0, 2, 3, 1).reshape(1, (long) grid * grid, c); // (1, g², C)
    return torch.cat(new org.bytedeco.pytorch.TensorVector(cls, rows), 1);
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Params p = new Params().add("embeddings.patch_embedding", patchEmbed)
        .add("embeddings.class_embedding", clsToken).add("embeddings.position_embedding", posEmbed);
    for (int i = 0; i < blocks.size(); i++) p.add("encoder.layers." + i, blocks.get(i));
    return p.add("post_layernorm", norm).map();
  }
}
