package io.papers4j.vision.visionllama;

import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.pos.GridPositions;
import io.papers4j.core.nn.pos.GridRope;
import io.papers4j.core.nn.pos.PositionEncoding;
import io.papers4j.core.nn.pos.PositionRule;
import io.papers4j.core.nn.vision.ImageShapes;
import io.papers4j.core.nn.vision.Norm;
import io.papers4j.core.nn.vision.PatchEmbed;
import io.papers4j.core.nn.vision.VisionBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * The plain VisionLLaMA classifier and its DeiT-style ViT twin (same width, depth, class token and
 * head; they differ only in position information and MLP).
 *
 * <pre>tokens = [cls; PatchEmbed(x)] (+ pos_embed for the ViT)      // (B, 1+N, C)
 * tokens = blocks(tokens, positions)                              // RoPE in attention (plain)
 * logits = head(LN(tokens[:, 0]))                                 // (B, classes)</pre>
 *
 * <p>Any resolution that is a multiple of the patch size is accepted: the RoPE models get grid
 * positions per {@link #positionRule}; the ViT's learned embedding is bicubically interpolated to
 * the new grid (the DeiT3 practice).
 */
public final class VisionModel implements ImageClassifier {
  private final VisionConfig config;
  private final PatchEmbed patchEmbed; // (C, in, p, p) conv + bias
  private final Tensor clsToken; // (1, 1, C)
  private final Tensor posEmbed; // (1, 1+N, C) for vit, else null
  private final List<VisionBlock> blocks = new ArrayList<>();
  private final Norm norm;
  private final Linear head;
  private final GridRope trainedRope; // null for vit
  private GridRope rope; // the table in use (NTK swaps θ)
  private PositionRule positionRule = PositionRule.AUTO_SCALE;

  public VisionModel(VisionConfig config, long seed) {
    this.config = config;
    Init init = Init.normal(seed, 0.02);
    int c = config.hiddenSize();
    int p = config.patchSize();
    this.patchEmbed = new PatchEmbed(config.channels(), c, p, init);
    this.clsToken = init.weights(1, 1, c);
    boolean vit = config.arch().equals("vit");
    int n = config.trainGrid() * config.trainGrid();
    this.posEmbed = vit ? init.weights(1, 1 + n, c) : null;
    this.trainedRope =
        vit ? null
            : new GridRope(
                config.rope().equals("1d") ? GridRope.Kind.ROPE_1D : GridRope.Kind.ROPE_2D,
                config.headDim(),
                config.ropeTheta());
    this.rope = trainedRope;
    // One table shared by every layer and head; a lambda so that NTK can swap θ at test time.
    PositionEncoding pe = vit ? PositionEncoding.NONE : (q, k, pos) -> rope.apply(q, k, pos);
    VisionBlock.Config block = new VisionBlock.Config(
        c, config.numHeads(), config.intermediateSize(), config.norm(), !vit, config.layerScale());
    for (int i = 0; i < config.depth(); i++) blocks.add(new VisionBlock(block, pe, init));
    this.norm = new Norm(config.norm(), c, init);
    this.head = new Linear(c, config.numClasses(), true, init);
  }

  @Override
  public VisionConfig config() {
    return config;
  }

  @Override
  public String arch() {
    return config.arch();
  }

  /** Selects how RoPE positions adapt to a new resolution (no effect at the training one, nor on a ViT). */
  @Override
  public VisionModel positionRule(PositionRule rule) {
    this.positionRule = rule;
    if (trainedRope != null) {
      this.rope = rule == PositionRule.NTK ? trainedRope.withTheta(rule.theta(trainedRope.theta())) : trainedRope;
    }
    return this;
  }

  public PositionRule positionRule() {
    return positionRule;
  }

  /** images (B, channels, H, W) with H, W multiples of the patch size → logits (B, classes). */
  @Override
  public Tensor forward(Tensor images) {
    int[] grid = ImageShapes.patchGrid(images, config.channels(), config.patchSize());
    int gh = grid[0];
    int gw = grid[1];
    long b = images.size(0);
    Tensor x = PatchEmbed.tokens(patchEmbed.forward(images)); // (B, C, gh, gw) → (B, N, C)
    Tensor cls = clsToken.expand(b, 1, config.hiddenSize());
    x = torch.cat(new TensorVector(cls, x), 1); // (B, 1+N, C)
    if (posEmbed != null) x = x.add(positionEmbedding(gh, gw));
    Tensor positions = positions(gh, gw);
    for (VisionBlock block : blocks) x = block.forward(x, positions);
    return head.forward(norm.forward(x.select(1, 0))); // (B, classes)
  }

  /** (T, 2) RoPE coordinates at a gh × gw grid under the current rule (zeros for a ViT). */
  Tensor positions(int gh, int gw) {
    if (trainedRope == null) return torch.zeros(1 + (long) gh * gw, 2);
    int grid = config.trainGrid();
    double sh = positionRule.scale(grid, gh);
    double sw = positionRule.scale(grid, gw);
    return GridPositions.of(trainedRope.kind(), gh, gw, sh, sw, true);
  }

  /** The ViT's learned embedding at a gh × gw grid (bicubic interpolation when it differs). */
  private Tensor positionEmbedding(int gh, int gw) {
    int grid = config.trainGrid();
    if (gh == grid && gw == grid) return posEmbed;
    int c = config.hiddenSize();
    Tensor clsPos = posEmbed.narrow(1, 0, 1); // (1, 1, C)
    Tensor gridPos = posEmbed.narrow(1, 1, (long) grid * grid).reshape(1, grid, grid, c).permute(0, 3, 1, 2);
    Tensor resized = torch.upsample_bicubic2d(gridPos, new long[] {gh, gw}, false); // (1, C, gh, gw)
    resized = resized.permute(0, 2, 3, 1).reshape(1, (long) gh * gw, c);
    return torch.cat(new TensorVector(clsPos, resized), 1); // (1, 1+N', C)
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Params p = new Params().add("patch_embed", patchEmbed).add("cls_token", clsToken).add("pos_embed", posEmbed);
    for (int i = 0; i < blocks.size(); i++) p.add("blocks." + i, blocks.get(i));
    return p.add("norm", norm).add("head", head).map();
  }
}
