package io.papers4j.vision.flow;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.papers4j.core.nn.text.BertEncoder;
import io.papers4j.core.nn.text.MiniLm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The frozen text encoder of the caption models: the real pretrained all-MiniLM-L6-v2 ({@link
 * MiniLm}), standing in for SD3's CLIP-L/G and T5. A prompt becomes its last hidden states, padded
 * with zeros to a fixed {@code maxTokens} (the padding positions zeroed, as SD3 zero-pads CLIP to
 * T5's width), and the mean-pooled, L2-normalised sentence vector:
 *
 * <pre>context (B, L, 384), pooled (B, 384)</pre>
 *
 * An empty prompt, or one with more word pieces than the model reads, fails with one message.
 */
public final class FlowTextEncoder {
  public static final int DIM = 384;
  private final BertEncoder encoder;
  private final HuggingFaceTokenizer tokenizer;
  private final int maxTokens;

  private FlowTextEncoder(BertEncoder encoder, HuggingFaceTokenizer tokenizer, int maxTokens) {
    this.encoder = encoder;
    this.tokenizer = tokenizer;
    this.maxTokens = maxTokens;
  }

  /** Loads MiniLM from its jar; {@code maxTokens} counts [CLS] and [SEP]. */
  public static FlowTextEncoder load(int maxTokens) {
    if (maxTokens < 3 || maxTokens > MiniLm.MAX_TOKENS) throw new IllegalArgumentException("max tokens must be in [3, " + MiniLm.MAX_TOKENS + "]");
    try {
      return new FlowTextEncoder(MiniLm.load(), MiniLm.tokenizer(), maxTokens);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load all-MiniLM-L6-v2: " + e.getMessage(), e);
    }
  }

  public int maxTokens() {
    return maxTokens;
  }

  /** Long-lived (B, L, 384) features and (B, 384) pooled vectors of the prompts. */
  public Cond encode(List<String> prompts) {
    for (String p : prompts) {
      if (p == null || p.isBlank()) throw new IllegalArgumentException("the prompt is empty");
    }
    int b = prompts.size();
    float[] ctx = new float[b * maxTokens * DIM];
    float[] pooled = new float[b * DIM];
    try (PointerScope s = new PointerScope();
        NoGradGuard g = new NoGradGuard()) {
      Tensor[] enc = MiniLm.encode(tokenizer, prompts); // ids, mask (B, T)
      long t = enc[0].size(1);
      if (t > maxTokens) {
        int worst = 0;
        for (int i = 0; i < b; i++) worst = Math.max(worst, (int) enc[1].select(0, i).sum().item_long());
        if (worst > maxTokens) {
          throw new IllegalArgumentException("the prompt has " + worst + " word pieces with [CLS] and [SEP]; this model reads at most " + maxTokens);
        }
      }
      BertEncoder.Features f = encoder.features(enc[0], enc[1]);
      Tensor tokens = f.tokens().mul(enc[1].to(torch.ScalarType.Float).unsqueeze(-1)).narrow(1, 0, Math.min(t, maxTokens)); // (B, T', 384)
      Tensor padded = torch.zeros(b, maxTokens, DIM);
      padded.narrow(1, 0, tokens.size(1)).copy_(tokens);
      padded.contiguous().data_ptr_float().get(ctx);
      f.pooled().contiguous().to(torch.ScalarType.Float).data_ptr_float().get(pooled);
    }
    return Cond.features(Tensor.create(ctx).view(b, maxTokens, DIM), Tensor.create(pooled).view(b, DIM));
  }
}
