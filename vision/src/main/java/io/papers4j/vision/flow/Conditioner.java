package io.papers4j.vision.flow;

import io.papers4j.core.nn.Embedding;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.cond.TimestepEmbedding;
import java.util.Arrays;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Turns (t, condition) into the conditioning vector y that drives every adaLN and, for the backbones
 * that read tokens, a context sequence:
 *
 * <pre>y   = TimestepEmbedding(timestep) + (ClassTable[label] | TextProj(pooled))     // (B, C)
 * ctx = ClassTable[label] as one token | ContextEmbedder(tokens)              // (B, L, C)</pre>
 *
 * For {@code words} the tokens are rows of a learned word table and pooled is their mean. Names:
 * DiTTransformer2DModel's {@code transformer_blocks.0.norm1.emb.{timestep_embedder,
 * class_embedder.embedding_table}} for the class-conditional DiT family (diffusers repeats them per
 * block; {@link FlowCheckpoint} writes the copies), SD3Transformer2DModel's {@code
 * time_text_embed.{timestep_embedder, text_embedder}} and {@code context_embedder} otherwise.
 */
final class Conditioner implements Parameterized {
  final FlowConfig cfg;
  final String prefix;
  final TimestepEmbedding timestep; // 256 → C
  final Embedding classTable; // (N + 1, C), the last row is the null label
  final Embedding wordTable; // (V, Dc), row 0 is padding / the empty caption
  final Linear text1, text2; // pooled (Dp) → C → C (PixArtAlphaTextProjection)
  final Linear contextEmbedder; // (C, Dc)

  Conditioner(FlowConfig cfg, Init init) {
    this.cfg = cfg;
    int c = cfg.hiddenSize();
    boolean ditFamily = !cfg.arch().equals("mmdit");
    this.prefix = ditFamily && !cfg.text() ? "transformer_blocks.0.norm1.emb" : "time_text_embed";
    this.timestep = new TimestepEmbedding(256, c, init);
    this.classTable = cfg.text() ? null : new Embedding(cfg.numClasses() + 1, c, init);
    this.wordTable = cfg.conditioning().equals("words") ? new Embedding(cfg.vocabSize(), cfg.contextDim(), init) : null;
    this.text1 = cfg.text() ? new Linear(cfg.pooledDim(), c, true, init) : null;
    this.text2 = cfg.text() ? new Linear(c, c, true, init) : null;
    this.contextEmbedder = cfg.text() ? new Linear(cfg.contextDim(), c, true, init) : null;
  }

  /** t (B) in network units (1000·σ), → {y (B, C), ctx (B, L, C) or null when {@code tokens} is false}. */
  Tensor[] encode(Tensor t, Cond cond, boolean tokens) {
    check(cond, t.size(0));
    Tensor y = timestep.forward(t.to(torch.ScalarType.Float)); // (B, C)
    if (!cfg.text()) {
      Tensor e = classTable.forward(cond.labels()); // (B, C)
      return new Tensor[] {y.add(e), tokens ? e.unsqueeze(1) : null};
    }
    Tensor ctx;
    Tensor pooled;
    if (wordTable != null) {
      ctx = wordTable.forward(cond.words()); // (B, L, Dc)
      pooled = ctx.mean(new long[] {1}, false, new org.bytedeco.pytorch.ScalarTypeOptional()); // (B, Dc)
    } else {
      ctx = cond.context();
      pooled = cond.pooled();
    }
    y = y.add(text2.forward(torch.silu(text1.forward(pooled)))); // (B, C)
    return new Tensor[] {y, contextEmbedder.forward(ctx)}; // (B, L, C)
  }

  /** The unconditional input of classifier-free guidance for a batch of b. */
  Cond nullCond(long b) {
    return switch (cfg.conditioning()) {
      case "class" -> Cond.classes(torch.full(new long[] {b}, new Scalar(cfg.numClasses()), new org.bytedeco.pytorch.TensorOptions().dtype(new org.bytedeco.pytorch.ScalarTypeOptional(torch.ScalarType.Long))));
      case "words" -> Cond.words(torch.zeros(new long[] {b, cfg.maxTextTokens()}, new org.bytedeco.pytorch.TensorOptions().dtype(new org.bytedeco.pytorch.ScalarTypeOptional(torch.ScalarType.Long))));
      default -> Cond.features(torch.zeros(b, cfg.maxTextTokens(), cfg.contextDim()), torch.zeros(b, cfg.pooledDim()));
    };
  }

  /** {@code cond} with the examples where {@code drop} is true replaced by the null condition. */
  Cond drop(Cond cond, boolean[] drop) {
    long b = cond.batch();
    float[] keep = new float[(int) b];
    for (int i = 0; i < b; i++) keep[i] = drop[i] ? 0f : 1f;
    Tensor k = Tensor.create(keep); // (B) 1 = keep
    Cond none = nullCond(b);
    return switch (cfg.conditioning()) {
      case "class" -> Cond.classes(torch.where(k.gt(new Scalar(0.5)), cond.labels(), none.labels()));
      case "words" -> Cond.words(cond.words().mul(k.to(torch.ScalarType.Long).unsqueeze(1)));
      default -> Cond.features(cond.context().mul(k.view(b, 1, 1)), cond.pooled().mul(k.view(b, 1)));
    };
  }

  /** One readable message for a condition that does not fit the model. */
  void check(Cond cond, long batch) {
    if (cond == null) throw new IllegalArgumentException("a flow model needs a condition (use nullCond for none)");
    if (cond.batch() != batch) throw new IllegalArgumentException("condition batch " + cond.batch() + " != image batch " + batch);
    switch (cfg.conditioning()) {
      case "class" -> {
        if (cond.labels() == null) throw new IllegalArgumentException("this model is class-conditional; give class labels");
      }
      case "words" -> {
        if (cond.words() == null || cond.words().dim() != 2 || cond.words().size(1) != cfg.maxTextTokens()) {
          throw new IllegalArgumentException("this model reads captions as word ids (B, " + cfg.maxTextTokens() + ")"
              + (cond.words() == null ? "" : ", got " + Arrays.toString(cond.words().shape())));
        }
      }
      default -> {
        if (cond.context() == null || cond.context().size(-1) != cfg.contextDim() || cond.pooled() == null
            || cond.pooled().size(-1) != cfg.pooledDim()) {
          throw new IllegalArgumentException("this model reads text-encoder features (B, L, " + cfg.contextDim()
              + ") and a pooled vector (B, " + cfg.pooledDim() + ")");
        }
      }
    }
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Params p = new Params().add(prefix + ".timestep_embedder", timestep);
    if (classTable != null) p.add(prefix + ".class_embedder.embedding_table", classTable);
    if (text1 != null) p.add("time_text_embed.text_embedder.linear_1", text1).add("time_text_embed.text_embedder.linear_2", text2);
    if (contextEmbedder != null) p.add("context_embedder", contextEmbedder);
    if (wordTable != null) p.add("caption_embedder.embedding_table", wordTable);
    return p.map();
  }
}
