package io.papers4j.vision.visionllama;

import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.LayerNorm;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.pos.GridRope;
import io.papers4j.core.nn.pos.PositionRule;
import io.papers4j.core.nn.vision.ImageShapes;
import io.papers4j.core.nn.vision.PatchEmbed;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The pyramid VisionLLaMA classifier (paper §3.2, Twins-SVT layout without its PEG; code {@code
 * PyramidVisionLLaMA}).
 *
 * <pre>for stage i:  x = LN(Conv_{p_i×p_i, stride p_i}(x))        // (B, H_i·W_i, C_i); p_0 = patch, then 2
 *               x = blocks_i(x)   (LSA, GSA, LSA, GSA, …)
 * logits = head(mean_tokens(LN(x)))                              // (B, classes)</pre>
 *
 * <p>No class token and no absolute position embedding: position enters only through 2D RoPE, on
 * window-local coordinates in LSA and on (scaled) grid coordinates in GSA. At another resolution
 * the {@link PositionRule} acts on GSA only, like the code: AUTO_SCALE (AS2DRoPE) multiplies GSA
 * coordinates by (training grid / test grid) of the stage (or base / H_stage with {@code
 * auto_scale_base}), NTK uses θ' = 2θ, UNSCALED extrapolates. With {@code rope = "1d"} (Table 12's
 * 1D row) every coordinate is flattened row-major ({@link PyramidPositions#flatten}); AUTO_SCALE
 * then leaves positions unscaled, as for the plain 1D model. (The code applies LN twice before
 * the head, LN(mean(LN(x))); we use Twins' single LN.)
 */
public final class PyramidVisionModel implements ImageClassifier {
  private final PyramidConfig config;
  private final List<PatchEmbed> patchEmbeds = new ArrayList<>(); // (C_i, C_{i-1}, p, p) conv + bias
  private final List<LayerNorm> patchNorms = new ArrayList<>();
  private final List<List<PyramidBlock>> stages = new ArrayList<>();
  private final LayerNorm norm;
  private final Linear head;
  private PositionRule positionRule = PositionRule.AUTO_SCALE;
  private boolean scaleWindows = false;

  public PyramidVisionModel(PyramidConfig config, long seed) {
    this.config = config;
    Init init = Init.normal(seed, 0.02);
    int in = config.channels();
    for (int i = 0; i < config.stages(); i++) {
      int c = config.dims()[i];
      int p = config.stagePatch(i);
      patchEmbeds.add(new PatchEmbed(in, c, p, init));
      patchNorms.add(new LayerNorm(c, 1e-5, true, init));
      List<PyramidBlock> blocks = new ArrayList<>();
      for (int j = 0; j < config.depths()[i]; j++) blocks.add(new PyramidBlock(config, i, j % 2 == 0, init));
      stages.add(blocks);
      in = c;
    }
    int last = config.dims()[config.stages() - 1];
    this.norm = new LayerNorm(last, 1e-6, true, init);
    this.head = new Linear(last, config.numClasses(), true, init);
  }

  @Override
  public PyramidConfig config() {
    return config;
  }

  @Override
  public String arch() {
    return "pyramid";
  }

  @Override
  public PyramidVisionModel positionRule(PositionRule rule) {
    this.positionRule = rule;
    return this;
  }

  public PositionRule positionRule() {
    return positionRule;
  }

  /**
   * Diagnostic, not the paper's model: with {@code true}, LSA windows grow with the test grid
   * (side ws·H_stage / H_train, coordinates scaled back to 0 … ws−1), so each window covers the
   * same part of an upsampled image as in training. Identity at the training resolution.
   */
  public PyramidVisionModel scaleWindows(boolean on) {
    this.scaleWindows = on;
    return this;
  }

  /** images (B, channels, H, W) → logits (B, classes). */
  @Override
  public Tensor forward(Tensor images) {
    ImageShapes.requireImages(images, config.channels());
    int side = (int) Math.min(images.size(2), images.size(3));
    for (int i = 0; i < config.stages(); i++) {
      int g = config.stageGrid(i, side);
      if (g < config.srRatios()[i]) {
        throw new IllegalArgumentException("image " + images.size(2) + "×" + images.size(3) + " gives a " + g
            + "-token side at stage " + i + ", smaller than its sr_ratio " + config.srRatios()[i]);
      }
    }
    long b = images.size(0);
    Tensor x = images; // (B, C_in, H, W)
    Tensor tokens = null;
    for (int i = 0; i < config.stages(); i++) {
      Tensor map = patchEmbeds.get(i).forward(x); // (B, C_i, H_i, W_i)
      int h = (int) map.size(2);
      int w = (int) map.size(3);
      tokens = patchNorms.get(i).forward(PatchEmbed.tokens(map)); // (B, H_i·W_i, C_i)
      StagePositions sp = stagePositions(i, h, w);
      for (PyramidBlock block : stages.get(i)) tokens = block.forward(tokens, h, w, sp.window, sp.rope, sp.q, sp.k);
      x = tokens.transpose(1, 2).reshape(b, config.dims()[i], h, w); // (B, C_i, H_i, W_i) for the next merge
    }
    return head.forward(norm.forward(tokens).mean(new long[] {1}, false, new org.bytedeco.pytorch.ScalarTypeOptional())); // (B, classes)
  }

  /** The LSA window side, the GSA rope table and query/key coordinates of stage i at an h×w map under the current rule. */
  record StagePositions(int window, GridRope rope, Tensor q, Tensor k) {}

  StagePositions stagePositions(int i, int h, int w) {
    int train = config.stageGrid(i, config.imageSize());
    int window = scaleWindows ? Math.max(1, (int) Math.round((double) config.windowSize() * h / train)) : config.windowSize();
    int headDim = config.dims()[i] / config.heads()[i];
    double theta = positionRule.theta(config.ropeTheta());
    GridRope table = new GridRope(config.ropeKind(), headDim, theta);
    int sr = config.srRatios()[i];
    if (config.ropeKind() == GridRope.Kind.ROPE_1D) { // flat index on this map's width; no auto-scale for 1D (as in the plain model)
      return new StagePositions(window, table, PyramidPositions.flatten(PyramidPositions.queries(h, w, 1, 1), w),
          PyramidPositions.flatten(PyramidPositions.keys(h, w, sr, config.keyPlacement(), 1, 1), w));
    }
    double sh = 1.0;
    double sw = 1.0;
    if (positionRule == PositionRule.AUTO_SCALE) {
      if (config.autoScaleBase() > 0) { // the code: s = base / H at every stage, one scale for both axes
        sh = sw = (double) config.autoScaleBase() / h;
      } else { // the paper's rule: training grid / test grid, 1 at the training resolution
        sh = positionRule.scale(train, h);
        sw = positionRule.scale(train, w);
      }
    }
    return new StagePositions(window, table, PyramidPositions.queries(h, w, sh, sw),
        PyramidPositions.keys(h, w, sr, config.keyPlacement(), sh, sw));
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Params p = new Params();
    for (int i = 0; i < config.stages(); i++) {
      p.add("patch_embeds." + i, patchEmbeds.get(i)).add("patch_embeds." + i + ".norm", patchNorms.get(i));
      for (int j = 0; j < stages.get(i).size(); j++) p.add("blocks." + i + "." + j, stages.get(i).get(j));
    }
    return p.add("norm", norm).add("head", head).map();
  }
}
