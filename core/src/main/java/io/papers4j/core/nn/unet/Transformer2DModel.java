package io.papers4j.core.nn.unet;

import io.papers4j.core.nn.Conv2d;
import io.papers4j.core.nn.GroupNorm;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * diffusers' {@code Transformer2DModel} on a feature map (LDM's SpatialTransformer):
 *
 * <pre>h = proj_in(norm(x)) as tokens;  h = blocks(h, context);  y = x + proj_out(h) as a map</pre>
 *
 * <p>Shapes: x (B, C, H, W), context (B, M, D) → (B, C, H, W), with H·W tokens of width C. {@code
 * norm} is a GroupNorm with ε = 1e-6; {@code proj_in}/{@code proj_out} are Linear layers on tokens
 * when {@code linearProjection} (SD 2.x, SDXL) or 1×1 convolutions on the map (SD 1.x), which is how
 * diffusers' {@code use_linear_projection} stores them.
 */
public final class Transformer2DModel implements Parameterized {
  public final GroupNorm norm;
  private final Linear projInLinear, projOutLinear; // (C, C) when linearProjection
  private final Conv2d projInConv, projOutConv; // (C, C, 1, 1) otherwise
  public final List<BasicTransformerBlock> blocks = new ArrayList<>();

  public Transformer2DModel(long channels, int heads, long contextDim, int layers, int groups, boolean linearProjection, Init init) {
    if (channels % heads != 0) {
      throw new IllegalArgumentException("channels (" + channels + ") must be a multiple of the heads (" + heads + ")");
    }
    this.norm = new GroupNorm(groups, channels, 1e-6, true, init);
    this.projInLinear = linearProjection ? new Linear(channels, channels, true, init) : null;
    this.projInConv = linearProjection ? null : new Conv2d(channels, channels, 1, 1, 1, 0, true, init);
    for (int i = 0; i < layers; i++) {
      blocks.add(new BasicTransformerBlock(channels, heads, (int) (channels / heads), contextDim, init));
    }
    this.projOutLinear = linearProjection ? new Linear(channels, channels, true, init) : null;
    this.projOutConv = linearProjection ? null : new Conv2d(channels, channels, 1, 1, 1, 0, true, init);
  }

  /** x (B, C, H, W), context (B, M, D) → (B, C, H, W). */
  public Tensor forward(Tensor x, Tensor context) {
    return forward(x, context, null);
  }

  /** With a context mask (B, M) for the cross-attention (non-zero = real token). */
  public Tensor forward(Tensor x, Tensor context, Tensor contextMask) {
    return forward(x, context, contextMask, null);
  }

  /** With a {@link SelfAttentionHook} on every block's self-attention (null for none). */
  public Tensor forward(Tensor x, Tensor context, Tensor contextMask, SelfAttentionHook hook) {
    long b = x.size(0), c = x.size(1), hh = x.size(2), ww = x.size(3);
    Tensor h = norm.forward(x); // (B, C, H, W)
    if (projInConv != null) h = projInConv.forward(h);
    h = h.flatten(2, 3).transpose(1, 2); // (B, HW, C)
    if (projInLinear != null) h = projInLinear.forward(h);
    for (BasicTransformerBlock block : blocks) h = block.forward(h, context, contextMask, hook); // (B, HW, C)
    if (projOutLinear != null) h = projOutLinear.forward(h);
    h = h.transpose(1, 2).reshape(b, c, hh, ww); // (B, C, H, W)
    if (projOutConv != null) h = projOutConv.forward(h);
    return h.add(x);
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Params p = new Params().add("norm", norm).add("proj_in", projInLinear != null ? projInLinear : projInConv);
    for (int i = 0; i < blocks.size(); i++) p.add("transformer_blocks." + i, blocks.get(i));
    return p.add("proj_out", projOutLinear != null ? projOutLinear : projOutConv).map();
  }
}
