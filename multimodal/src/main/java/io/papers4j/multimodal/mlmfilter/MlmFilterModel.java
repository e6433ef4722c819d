package io.papers4j.multimodal.mlmfilter;

import io.papers4j.core.io.ModelDirectory;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import io.papers4j.multimodal.vlm.FlamingoLm;
import io.papers4j.multimodal.vlm.GatedCrossAttention;
import io.papers4j.multimodal.vlm.VisionEncoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * The MLM filter: the shared vision-language stack (a ViT whose penultimate tokens are the keys and
 * values of gated cross-attention inside a byte-level LLaMA decoder) answering scoring prompts.
 *
 * <pre>image (B, 3, S, S) → ViT → visual (B, L, Cv)                   L = 1 + (S/p)²
 * prompt = <image> caption[:Lc] PAD* "\n" tag ":"                   fixed length P (one layout for a whole batch)
 * answer = score "\n" explanation <|endofchunk|> PAD*               loss on the answer only
 * score  = greedy decode of ≤ 4 tokens after the prompt, stop at "\n" → {@link ScoreParser}
 *          (after a first line "yes" / "no", {@link AnswerFormat#PRESENCE}, ≤ 4 more for the score's line)</pre>
 *
 * Tensor names: {@code vision_model.…} (CLIP-vision style) and {@code language_model.model.layers.…},
 * {@code language_model.cross_attn.{j}.…}.
 */
public final class MlmFilterModel implements Parameterized {
  private final MlmFilterConfig config;
  public final VisionEncoder vision;
  public final FlamingoLm lm;

  public MlmFilterModel(MlmFilterConfig c, long seed) {
    Init init = Init.normal(seed, 0.02);
    this.config = c;
    this.vision = new VisionEncoder(c.vision(), init);
    LlamaConfig lc = LlamaConfig.llama(MlmFilterConfig.VOCAB, c.lmDim(), 3 * c.lmDim(), c.lmLayers(), c.lmHeads(), c.lmHeads(),
        c.sequenceLength(), 1e-5, 10000, false);
    this.lm = new FlamingoLm(new LlamaModel(lc, Init.normal(seed + 1, 0.02), null), c.visionDim(), c.crossEvery(),
        c.crossHeads(), c.crossHeadDim(), MlmFilterConfig.IMAGE, init);
  }

  public MlmFilterConfig config() {
    return config;
  }

  /** Prompt ids (P): <image>, caption bytes cut or PAD-padded to the field, "\n", tag, ":". */
  public long[] prompt(String field, String tag) {
    if (tag.length() != 3) throw new IllegalArgumentException("prompt tag must be 3 characters, got '" + tag + "'");
    long[] ids = new long[config.promptLength()];
    Arrays.fill(ids, MlmFilterConfig.PAD);
    ids[0] = MlmFilterConfig.IMAGE;
    byte[] b = field.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < Math.min(b.length, config.captionBytes()); i++) ids[1 + i] = b[i] & 0xff;
    int at = 1 + config.captionBytes();
    ids[at++] = '\n';
    for (char ch : tag.toCharArray()) ids[at++] = ch;
    ids[at] = ':';
    return ids;
  }

  /** {ids (T), targets (T)} of a prompt and its answer (cut to the answer field, ended by <|endofchunk|>); −100 off the answer. */
  public long[][] example(String field, String tag, String answer) {
    long[] p = prompt(field, tag);
    int t = config.sequenceLength();
    long[] ids = new long[t], tg = new long[t];
    Arrays.fill(ids, MlmFilterConfig.PAD);
    Arrays.fill(tg, -100);
    System.arraycopy(p, 0, ids, 0, p.length);
    byte[] a = answer.getBytes(StandardCharsets.UTF_8);
    int n = Math.min(a.length, config.answerBytes() - 1);
    for (int i = 0; i < n; i++) ids[p.length + i] = a[i] & 0xff;
    ids[p.length + n] = MlmFilterConfig.END_OF_CHUNK;
    for (int i = p.length - 1; i < p.length + n; i++) tg[i] = ids[i + 1];
    return new long[][] {ids, tg};
  }

  /** images (B, 3, S, S) → visual tokens (B, L, Cv). */
  public Tensor encodeImages(Tensor images) {
    return vision.forward(images);
  }

  /** Mean cross entropy over the answer tokens of a batch: images (B, 3, S, S), ids and targets (B, T). */
  public Tensor loss(Tensor images, Tensor ids, Tensor targets) {
    return answerLoss(encodeImages(images), ids, targets);
  }

  /** As {@link #loss} from visual tokens (B, L, Cv) already computed (e.g. by a frozen ViT). */
  public Tensor answerLoss(Tensor visual, Tensor ids, Tensor targets) {
    return lm.loss(ids, visual, visual.size(1), null, targets);
  }

  /**
   * Greedy generation of up to {@link MlmFilterConfig#SCORE_TOKENS} tokens after each prompt, stopping a row at "\n" or
   * a special token: the raw texts the {@link ScoreParser} reads. A row whose first line is "yes" or "no" (an {@link
   * AnswerFormat#PRESENCE} answer) goes on to its second line, up to {@link MlmFilterConfig#PRESENCE_TOKENS} more tokens
   * within the answer field.
   */
  public List<String> generate(Tensor images, List<long[]> prompts) {
    int b = prompts.size(), p = config.promptLength();
    int max = Math.min(MlmFilterConfig.SCORE_TOKENS + MlmFilterConfig.PRESENCE_TOKENS, config.answerBytes());
    long[] flat = new long[b * (p + max)];
    Arrays.fill(flat, MlmFilterConfig.PAD);
    for (int i = 0; i < b; i++) System.arraycopy(prompts.get(i), 0, flat, i * (p + max), p);
    Tensor ids = Tensor.create(flat).view(b, p + max); // (B, P + max)
    ByteArrayOutputStream[] out = new ByteArrayOutputStream[b];
    boolean[] done = new boolean[b];
    int[] limit = new int[b]; // tokens a row may still decode: SCORE_TOKENS, more after a presence line
    Arrays.fill(limit, MlmFilterConfig.SCORE_TOKENS);
    for (int i = 0; i < b; i++) out[i] = new ByteArrayOutputStream();
    try (NoGradGuard ng = new NoGradGuard()) {
      Tensor visual = encodeImages(images); // (B, L, Cv)
      for (int k = 0; k < max; k++) {
        Tensor prefix = ids.narrow(1, 0, p + k); // (B, P + k); causal, so later positions do not matter
        Tensor logits = lm.forward(prefix, visual, visual.size(1)); // (B, P + k, V)
        long[] next = new long[b];
        logits.select(1, p + k - 1).argmax(new LongOptional(-1), false).contiguous().data_ptr_long().get(next); // (B)
        boolean all = true;
        for (int i = 0; i < b; i++) {
          if (done[i]) continue;
          if (next[i] >= 256) { done[i] = true; continue; }
          out[i].write((int) next[i]);
          ids.select(0, i).select(0, p + k).fill_(new org.bytedeco.pytorch.Scalar(next[i]));
          if (next[i] == '\n') {
            boolean presence = k < MlmFilterConfig.PRESENCE_TOKENS && ScoreParser.isPresence(out[i].toString(StandardCharsets.UTF_8).strip());
            if (presence) limit[i] = k + 1 + MlmFilterConfig.SCORE_TOKENS;
            else done[i] = true;
          }
          if (!done[i] && k + 1 >= limit[i]) done[i] = true;
          if (!done[i]) all = false;
        }
        if (all) break;
      }
    }
    List<String> texts = new ArrayList<>(b);
    for (ByteArrayOutputStream o : out) texts.add(o.toString(StandardCharsets.UTF_8));
    return texts;
  }

  /**
   * Sets every element of every cross-attention gate (attention and feed-forward, before tanh) to {@code value}. New
   * blocks start at 0, where each is the identity and passes no gradient to the ViT or to its own attention.
   */
  public void setCrossAttentionGates(double value) {
    try (NoGradGuard ng = new NoGradGuard()) {
      for (GatedCrossAttention x : lm.crossAttn) {
        x.namedParameters().forEach((k, v) -> {
          if (k.equals("attn_gate") || k.equals("ff_gate")) v.fill_(new org.bytedeco.pytorch.Scalar(value));
        });
      }
    }
  }

  /** Stacks (3, S, S) images into (B, 3, S, S). */
  public static Tensor stack(List<Tensor> images) {
    return torch.stack(new TensorVector(images.toArray(new Tensor[0])));
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Params p = new Params().add("vision_model", vision);
    lm.namedParameters().forEach((k, v) -> p.add("language_model." + k, v));
    return p.map();
  }

  /** Writes config.json, model.safetensors and papers4j.json (atomically). */
  public void save(Path dir, Map<String, Object> info) {
    ModelDirectory.save(dir, config, namedParameters(), "mlm-filter", info);
  }

  /** Loads a directory written by {@link #save}, checking every tensor name and shape. */
  public static MlmFilterModel load(Path dir) {
    if (!Files.isDirectory(dir)) throw new IllegalArgumentException("model directory not found: " + dir);
    MlmFilterConfig c = ModelDirectory.readConfig(dir, MlmFilterConfig.class, "an MLM-filter model", "train one with 'papers4j mlmfilter train'");
    MlmFilterModel m = new MlmFilterModel(c, 0);
    try (NoGradGuard ng = new NoGradGuard()) {
      Params.load(m, ModelDirectory.readWeights(dir), ModelDirectory.weightsFile(dir).toString());
    }
    return m;
  }
}
