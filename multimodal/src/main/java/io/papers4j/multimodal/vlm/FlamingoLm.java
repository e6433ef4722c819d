package io.papers4j.multimodal.vlm;

import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Params;
import io.papers4j.lm.llama.LlamaModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A LLaMA decoder with Flamingo-style {@link GatedCrossAttention} inserted after every N-th decoder
 * layer ({@code (i + 1) % N == 0}, InfiMM-HD's {@code cross_attn_every_n_layers}). The token
 * vocabulary includes {@code <image>} (where an image sits in the text) and {@code <|endofchunk|>}.
 *
 * <pre>h₀ = embed(ids)
 * hᵢ₊₁ = decoder_i(hᵢ);  if (i + 1) % N = 0:  hᵢ₊₁ = xattn(hᵢ₊₁, visual, immediate-media mask)
 * logits = lm_head(norm(h_L))</pre>
 *
 * <p>Shapes: ids (B, T), visual (B, n·L, Cv) for n images of L tokens each → logits (B, T, V).
 * Tensor names: the LM's own ({@code model.layers.…}) plus {@code cross_attn.{j}.…}.
 */
public final class FlamingoLm implements io.papers4j.core.nn.Parameterized {
  public final LlamaModel lm;
  public final List<GatedCrossAttention> crossAttn;
  private final int everyN;
  private final long imageTokenId;

  /**
   * @param lm the decoder (its vocabulary must contain {@code imageTokenId})
   * @param visualDim width of the visual tokens
   * @param everyN insert a block after every N-th decoder layer
   * @param heads cross-attention heads; headDim their width
   */
  public FlamingoLm(LlamaModel lm, int visualDim, int everyN, int heads, int headDim, long imageTokenId, Init init) {
    int layers = lm.layers.size();
    if (everyN < 1 || everyN > layers) {
      throw new IllegalArgumentException("cross-attention every N layers needs 1 <= N <= " + layers + ", got " + everyN);
    }
    if (imageTokenId < 0 || imageTokenId >= lm.config().vocabSize()) {
      throw new IllegalArgumentException("<image> token id " + imageTokenId + " is outside the vocabulary");
    }
    this.lm = lm;
    this.everyN = everyN;
    this.imageTokenId = imageTokenId;
    List<GatedCrossAttention> xs = new ArrayList<>();
    for (int i = 0; i < layers / everyN; i++) {
      xs.add(new GatedCrossAttention(lm.config().hiddenSize(), visualDim, heads, headDim, 1, init));
    }
    this.crossAttn = List.copyOf(xs);
  }

  public long imageTokenId() {
    return imageTokenId;
  }

  /** ids (B, T), visual (B, n·L, Cv) (or null: text only), L tokens per image → logits (B, T, V). */
  public Tensor forward(Tensor ids, Tensor visual, long tokensPerImage) {
    return forward(ids, visual, tokensPerImage, null);
  }

  /**
   * As {@link #forward(Tensor, Tensor, long)}, with {@code keyValid} (B, n·L) bool marking the
   * visual tokens that exist (images padded to a common token count in a batch), or null.
   */
  public Tensor forward(Tensor ids, Tensor visual, long tokensPerImage, Tensor keyValid) {
    Tensor allowed = null;
    if (visual != null) {
      long images = visual.size(1) / tokensPerImage;
      if (images * tokensPerImage != visual.size(1)) {
        throw new IllegalArgumentException("visual tokens " + visual.size(1) + " are not a multiple of " + tokensPerImage);
      }
      long present = MediaMask.mediaIndex(ids, imageTokenId).max().item_long();
      if (present > images) {
        throw new IllegalArgumentException("the text has " + present + " <image> tokens but only " + images + " images were given");
      }
      allowed = MediaMask.allowed(ids, imageTokenId, images, tokensPerImage); // (B, T, n·L)
      if (keyValid != null) allowed = allowed.logical_and(keyValid.unsqueeze(1));
    }
    Tensor positions = torch.arange(new Scalar(ids.size(1)));
    Tensor h = lm.embedTokens.forward(ids); // (B, T, C)
    for (int i = 0; i < lm.layers.size(); i++) {
      h = lm.layers.get(i).forward(h, positions, null);
      if (allowed != null && (i + 1) % everyN == 0 && (i + 1) / everyN - 1 < crossAttn.size()) {
        h = crossAttn.get((i + 1) / everyN - 1).forward(h, visual, allowed);
      }
    }
    return lm.logits(lm.norm.forward(h)); // (B, T, V)
  }

  /** Mean next-token cross entropy over targets (B, T) (−100 = ignored, e.g. question tokens). */
  public Tensor loss(Tensor ids, Tensor visual, long tokensPerImage, Tensor keyValid, Tensor targets) {
    Tensor logits = forward(ids, visual, tokensPerImage, keyValid);
    return torch.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1));
  }

  /** Fraction of element-wise gates with |tanh(g)| below {@code threshold}, over all blocks. */
  public double fractionOfGatesBelow(double threshold) {
    long below = 0, total = 0;
    for (GatedCrossAttention x : crossAttn) {
      Tensor g = x.gateMagnitudes();
      below += g.lt(new Scalar(threshold)).sum().item_long();
      total += g.numel();
    }
    return total == 0 ? 0 : (double) below / total;
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Params p = new Params();
    lm.namedParameters().forEach(p::add);
    for (int j = 0; j < crossAttn.size(); j++) p.add("cross_attn." + j, crossAttn.get(j));
    return p.map();
  }

  /** Only the cross-attention tensors (stage-1 training trains these alone). */
  public Map<String, Tensor> crossAttentionParameters() {
    Params p = new Params();
    for (int j = 0; j < crossAttn.size(); j++) p.add("cross_attn." + j, crossAttn.get(j));
    return p.map();
  }
}
