package io.papers4j.multimodal.movie;

import io.papers4j.core.io.ModelDirectory;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import io.papers4j.multimodal.vlm.VisionEncoder;
import java.util.Map;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * The long-video QA model in LLaMA-VID's form (Li et al. 2023, used by MovieLLM): every frame
 * becomes two tokens for the language model — a context token, the frame's patch features
 * attended by the question, and a content token, their average.
 *
 * <pre>F   = VisionEncoder(frames)                        // (B·n, 1+P, Cv), penultimate ViT layer
 * q   = Linear(mean_{question words} Embed(question))  // (B, Cv) text query
 * ctx = softmax(q Fᵀ / √Cv) F                         // (B·n, 1, Cv) context token
 * cnt = mean_P F                                      // (B·n, 1, Cv) content token
 * E   = [Linear(ctx); Linear(cnt)] per frame            // (B, 2n, C), padded frames = a learned pair
 * logits = LLaMA([E; Embed(question, &lt;sep&gt;, answer)])   // (B, 2n + T, V)</pre>
 */
public final class VideoQa implements Parameterized {
  private final VideoQaConfig config;
  final VisionEncoder vision;
  final Linear query; // (Cv, C)
  final Linear contextProj; // (C, Cv)
  final Linear contentProj; // (C, Cv)
  final Tensor emptyFrame; // (1, 1, 2, C)
  final LlamaModel lm;

  public VideoQa(VideoQaConfig c, int vocab, long seed) {
    this.config = c;
    Init init = Init.normal(seed, 0.02);
    vision = new VisionEncoder(new VisionEncoder.Config(c.patch(), c.visionDim(), c.visionLayers(), c.visionHeads(), c.frameSize()), init);
    query = new Linear(c.lmDim(), c.visionDim(), false, init);
    contextProj = new Linear(c.visionDim(), c.lmDim(), true, init);
    contentProj = new Linear(c.visionDim(), c.lmDim(), true, init);
    emptyFrame = init.weights(1, 1, 2, c.lmDim());
    lm = new LlamaModel(LlamaConfig.llama(vocab, c.lmDim(), 3 * c.lmDim(), c.lmLayers(), c.lmHeads(), c.lmHeads(), c.sequence() + 8,
        1e-5, 10000.0, true), seed + 1);
  }

  public VideoQaConfig config() {
    return config;
  }

  /**
   * Two tokens per frame.
   *
   * @param frames (B, n, 3, S, S) in [−1, 1]
   * @param valid (B, n) 1 for real frames, 0 for padding
   * @param question (B, Q) word ids, {@link QaVocab#PAD} for padding
   * @return (B, 2n, C)
   */
  public Tensor frameTokens(Tensor frames, Tensor valid, Tensor question) {
    long b = frames.size(0), n = frames.size(1), s = frames.size(3);
    Tensor feats = vision.forward(frames.reshape(b * n, 3, s, s)); // (B·n, 1+P, Cv)
    Tensor qMask = question.ne(new Scalar(QaVocab.PAD)).unsqueeze(-1).to(torch.ScalarType.Float); // (B, Q, 1)
    Tensor qEmb = lm.embedTokens.forward(question).mul(qMask).sum(new long[] {1}, false, new ScalarTypeOptional())
        .div(qMask.sum(new long[] {1}, false, new ScalarTypeOptional()).clamp_min(new Scalar(1.0))); // (B, C)
    Tensor q = query.forward(qEmb).repeat_interleave(n, new LongOptional(0), new LongOptional()).unsqueeze(1); // (B·n, 1, Cv)
    Tensor att = torch.softmax(q.matmul(feats.transpose(1, 2)).div(new Scalar(Math.sqrt(config.visionDim()))), -1); // (B·n, 1, 1+P)
    Tensor ctx = contextProj.forward(att.matmul(feats)); // (B·n, 1, C) context token
    Tensor cnt = contentProj.forward(feats.mean(new long[] {1}, true, new ScalarTypeOptional())); // (B·n, 1, C) content token
    Tensor tok = torch.cat(new TensorVector(ctx, cnt), 1).view(b, n, 2, config.lmDim()); // (B, n, 2, C)
    Tensor v = valid.to(torch.ScalarType.Float).view(b, n, 1, 1);
    tok = tok.mul(v).add(emptyFrame.mul(v.neg().add(new Scalar(1.0)))); // padded frames → learned pair
    return tok.reshape(b, 2 * n, config.lmDim()); // (B, 2n, C)
  }

  /** Logits of the text part (B, T, V) for frames and text ids (B, T) (question, &lt;sep&gt;, answer…). */
  public Tensor textLogits(Tensor frames, Tensor valid, Tensor question, Tensor ids) {
    Tensor e = frameTokens(frames, valid, question); // (B, 2n, C)
    Tensor h = torch.cat(new TensorVector(e, lm.embedTokens.forward(ids)), 1); // (B, 2n + T, C)
    Tensor positions = torch.arange(new Scalar(h.size(1)));
    for (LlamaModel.DecoderLayer layer : lm.layers) h = layer.forward(h, positions, null);
    Tensor logits = lm.logits(lm.norm.forward(h)); // (B, 2n + T, V)
    return logits.narrow(1, e.size(1), ids.size(1)); // (B, T, V)
  }

  /** config.json + model.safetensors + papers4j.json, each written atomically. */
  public void save(java.nio.file.Path dir, Map<String, Object> info) {
    Map<String, Object> meta = new java.util.LinkedHashMap<>();
    meta.put("vocab_size", lm.config().vocabSize());
    meta.putAll(info);
    ModelDirectory.save(dir, config, namedParameters(), "moviellm-video-qa", meta);
  }

  /** Loads a directory written by {@link #save}; one message for a missing or mismatched file. */
  public static VideoQa load(java.nio.file.Path dir, int vocab) {
    VideoQaConfig c = ModelDirectory.readConfig(dir, VideoQaConfig.class, "a video QA model", "train one with 'papers4j movie train'");
    VideoQa m = new VideoQa(c, vocab, 0);
    Params.load(m, ModelDirectory.readWeights(dir), ModelDirectory.weightsFile(dir).toString());
    return m;
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Params p = new Params().add("vision_model", vision).add("context_attention.query", query).add("context_projection", contextProj)
        .add("content_projection", contentProj).add("empty_frame", emptyFrame);
    lm.namedParameters().forEach((k, v) -> p.add("language_model." + k, v));
    return p.map();
  }
}
