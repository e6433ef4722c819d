package io.papers4j.vision.visionllama;

import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.PositionEncoding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
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
  private final Tensor patchWeight; // (C, in, p, p)
  private final Tensor patchBias; // (C)
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
    this.patchWeight = init.weights(c, config.channels(), p, p);
    this.patchBias = init.zeros(c);
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
    for (int i = 0; i < config.depth(); i++) blocks.add(new VisionBlock(config, pe, init));
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

  @Override
  public int imageSize() {
    return config.imageSize();
  }

  /** Selects how RoPE positions adapt to a new resolution (no effect at the training one, nor on a ViT). */
  @Override
  public VisionModel positionRule(PositionRule rule) {
    this.positionRule = rule;
    if (trainedRope != null) {
      this.rope = rule == PositionRule.NTK ? trainedRope.withTheta(2 * trainedRope.theta()) : trainedRope;
    }
    return this;
  }

  public PositionRule positionRule() {
    return positionRule;
  }

  /** images (B, channels, H, W) with H, W multiples of the patch size → logits (B, classes). */
  @Override
  public Tensor forward(Tensor images) {
    if (images.dim() != 4 || images.size(1) != config.channels()) {
      throw new IllegalArgumentException(
          "images must be (B, " + config.channels() + ", H, W), got " + java.util.Arrays.toString(images.shape()));
    }
    int p = config.patchSize();
    long h = images.size(2);
    long w = images.size(3);
    if (h % p != 0 || w % p != 0) {
      throw new IllegalArgumentException("image size " + h + "×" + w + " is not a multiple of the patch size " + p);
    }
    int gh = (int) (h / p);
    int gw = (int) (w / p);
    long b = images.size(0);
    Tensor x =
        torch.conv2d(images, patchWeight, new TensorOptional(patchBias), new long[] {p, p}, new long[] {0, 0},
            new long[] {1, 1}, 1); // (B, C, gh, gw)
    x = x.flatten(2, 3).transpose(1, 2); // (B, N, C)
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
    boolean scale = positionRule == PositionRule.AUTO_SCALE;
    double sh = scale ? (double) grid / gh : 1.0;
    double sw = scale ? (double) grid / gw : 1.0;
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

  /** Cross-entropy with label smoothing ε (config), mean over the batch; targets (B) int64. */
  @Override
  public Tensor loss(Tensor images, Tensor targets) {
    return torch.cross_entropy_loss(
        forward(images), targets, new TensorOptional(), 1 /* mean */, -100, config.labelSmoothing());
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Params p = new Params().add("patch_embed.proj.weight", patchWeight).add("patch_embed.proj.bias", patchBias)
        .add("cls_token", clsToken).add("pos_embed", posEmbed);
    for (int i = 0; i < blocks.size(); i++) p.add("blocks." + i, blocks.get(i));
    return p.add("norm", norm).add("head", head).map();
  }
}
