package io.papers4j.multimodal.vlm;

import io.papers4j.core.io.ModelDirectory;
import io.papers4j.core.nn.Embedding;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.pos.PositionEncoding;
import io.papers4j.core.nn.vision.Norm;
import io.papers4j.core.nn.vision.VisionBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A small CLIP trained in this project: the in-project stand-in for OpenAI CLIP wherever a paper
 * uses CLIP scores (it is NOT OpenAI's model and its scores are not comparable to theirs).
 *
 * <pre>u = normalize(W_img · ViT(x)[CLS]),  w = normalize(W_txt · mean(TextEncoder(chars)))
 * logits = exp(s) · u wᵀ                      (s learned, starts at log(1/0.07), exp(s) capped at 100)
 * loss = ½ [CE(logits, diag) + CE(logitsᵀ, diag)]</pre>
 *
 * <p>Text is bytes (vocabulary 256) padded with 0; the text tower is {@link VisionBlock}s without a
 * causal mask over learned positions, mean-pooled over non-pad positions.
 */
public final class Clip implements Parameterized {
  /** Sizes; {@code maxText} bytes per caption. */
  public record Config(VisionEncoder.Config vision, int textDim, int textLayers, int textHeads, int maxText, int embedDim) {
    public Config {
      if (textDim < 1 || textLayers < 1 || textHeads < 1 || textDim % textHeads != 0 || maxText < 1 || embedDim < 1) {
        throw new IllegalArgumentException("clip: text sizes must be positive and the width a multiple of the heads");
      }
    }

    /** The default used by {@code papers4j clip train}: 32-px images, patch 8, widths 64. */
    public static Config small() {
      return new Config(new VisionEncoder.Config(8, 64, 3, 4, 32), 64, 2, 4, 32, 64);
    }
  }

  private final Config config;
  public final VisionEncoder vision;
  final Linear visualProjection; // (E, Cv)
  final Embedding tokenEmbedding; // (256, Ct)
  final Tensor positionEmbedding; // (maxText, Ct)
  final List<VisionBlock> textBlocks;
  final Norm textNorm;
  final Linear textProjection; // (E, Ct)
  final Tensor logitScale; // () log temperature⁻¹

  public Clip(Config c, long seed) {
    Init init = Init.normal(seed, 0.02);
    this.config = c;
    this.vision = new VisionEncoder(c.vision(), init);
    this.visualProjection = new Linear(c.vision().dim(), c.embedDim(), false, init);
    this.tokenEmbedding = new Embedding(256, c.textDim(), init);
    this.positionEmbedding = init.weights(c.maxText(), c.textDim());
    VisionBlock.Config bc = new VisionBlock.Config(c.textDim(), c.textHeads(), 4 * c.textDim(), "layernorm", false, 0);
    List<VisionBlock> bs = new ArrayList<>();
    for (int i = 0; i < c.textLayers(); i++) bs.add(new VisionBlock(bc, PositionEncoding.NONE, init));
    this.textBlocks = List.copyOf(bs);
    this.textNorm = new Norm("layernorm", c.textDim(), init);
    this.textProjection = new Linear(c.textDim(), c.embedDim(), false, init);
    this.logitScale = init.zeros();
    try (NoGradGuard ng = new NoGradGuard()) {
      logitScale.add_(new Scalar(Math.log(1 / 0.07)));
    }
  }

  public Config config() {
    return config;
  }

  /** Captions → (B, maxText) int64 byte ids (UTF-8, truncated, 0-padded). */
  public Tensor encodeText(List<String> captions) {
    long[] ids = new long[captions.size() * config.maxText()];
    for (int i = 0; i < captions.size(); i++) {
      byte[] b = captions.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      for (int j = 0; j < Math.min(b.length, config.maxText()); j++) ids[i * config.maxText() + j] = b[j] & 0xff;
    }
    return Tensor.create(ids).view(captions.size(), config.maxText());
  }

  /** images (B, 3, S, S) → unit embeddings (B, E). */
  public Tensor embedImages(Tensor images) {
    Tensor cls = vision.forward(images).select(1, 0); // (B, Cv)
    return normalize(visualProjection.forward(cls));
  }

  /** byte ids (B, maxText) → unit embeddings (B, E). */
  public Tensor embedText(Tensor ids) {
    Tensor h = tokenEmbedding.forward(ids).add(positionEmbedding); // (B, Lt, Ct)
    for (VisionBlock b : textBlocks) h = b.forward(h, null);
    h = textNorm.forward(h);
    Tensor keep = ids.ne(new Scalar(0)).to(h.scalar_type()).unsqueeze(2); // (B, Lt, 1)
    Tensor pooled = h.mul(keep).sum(new long[] {1}, false, new ScalarTypeOptional()).div(keep.sum(new long[] {1}, false, new ScalarTypeOptional()).clamp_min(new Scalar(1))); // (B, Ct)
    return normalize(textProjection.forward(pooled));
  }

  /** exp(s), capped at 100 as in CLIP. */
  public Tensor temperatureInverse() {
    return logitScale.exp().clamp_max(new Scalar(100));
  }

  /** The symmetric contrastive loss of a batch of matching (image, caption) pairs. */
  public Tensor loss(Tensor images, Tensor textIds) {
    return contrastiveLoss(embedImages(images), embedText(textIds), temperatureInverse());
  }

  /** u, w (B, E) unit rows, scale () → ½ [CE(scale·u wᵀ, diag) + CE(scale·w uᵀ, diag)]. */
  public static Tensor contrastiveLoss(Tensor u, Tensor w, Tensor scale) {
    Tensor logits = u.matmul(w.t()); // (B, B)
    // bfloat16 under autocast: back to float32, so the cross-entropy reduces in float32
    if (logits.scalar_type().intern() == org.bytedeco.pytorch.global.torch.ScalarType.BFloat16) {
      logits = logits.to(org.bytedeco.pytorch.global.torch.ScalarType.Float);
    }
    logits = logits.mul(scale);
    Tensor labels = torch.arange(new Scalar(u.size(0)));
    return torch.cross_entropy(logits, labels).add(torch.cross_entropy(logits.t(), labels)).mul(new Scalar(0.5));
  }

  /** Cosine similarity of each image with its caption × 100 (CLIP-score convention, clipped at 0): (B). */
  public Tensor score(Tensor images, Tensor textIds) {
    return embedImages(images).mul(embedText(textIds)).sum(new long[] {1}, false, new ScalarTypeOptional()).clamp_min(new Scalar(0)).mul(new Scalar(100));
  }

  /** Writes config.json, model.safetensors and papers4j.json (atomically). */
  public void save(java.nio.file.Path dir, Map<String, Object> info) {
    ModelDirectory.save(dir, config, namedParameters(), "clip (papers4j small CLIP, the in-project stand-in for OpenAI CLIP)", info);
  }

  /** Loads a directory written by {@link #save}, checking every tensor name and shape. */
  public static Clip load(java.nio.file.Path dir) {
    Config c = ModelDirectory.readConfig(dir, Config.class, "a CLIP model", "train one with 'papers4j clip train'");
    Clip clip = new Clip(c, 0);
    try (NoGradGuard ng = new NoGradGuard()) {
      Params.load(clip, ModelDirectory.readWeights(dir), ModelDirectory.weightsFile(dir).toString());
    }
    return clip;
  }

  static Tensor normalize(Tensor x) {
    return x.div(x.mul(x).sum(new long[] {-1}, true, new ScalarTypeOptional()).sqrt().clamp_min(new Scalar(1e-12)));
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Params p = new Params().add("vision_model", vision).add("visual_projection", visualProjection)
        .add("text_model.embeddings.token_embedding", tokenEmbedding)
        .add("text_model.embeddings.position_embedding.weight", positionEmbedding);
    for (int i = 0; i < textBlocks.size(); i++) p.add("text_model.encoder.layers." + i, textBlocks.get(i));
    return p.add("text_model.final_layer_norm", textNorm).add("text_projection", textProjection)
        .add("logit_scale", logitScale).map();
  }
}
