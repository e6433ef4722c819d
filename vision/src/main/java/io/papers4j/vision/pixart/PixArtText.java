package io.papers4j.vision.pixart;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.papers4j.core.nn.text.BertEncoder;
import io.papers4j.core.nn.text.MiniLm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The frozen text encoder PixArt cross-attends to: the real pretrained all-MiniLM-L6-v2 ({@link
 * MiniLm}) standing in for T5-XXL. A prompt becomes its last hidden states (384-d per word piece,
 * [CLS] and [SEP] included), zero-padded to the model's caption length, with the mask of real
 * tokens (PixArt passes T5's attention mask to its cross-attention the same way). There is no
 * pooled vector: adaLN-single conditions on the timestep only.
 */
public final class PixArtText {
  public static final int DIM = 384;
  private final BertEncoder encoder;
  private final HuggingFaceTokenizer tokenizer;

  private PixArtText(BertEncoder encoder, HuggingFaceTokenizer tokenizer) {
    this.encoder = encoder;
    this.tokenizer = tokenizer;
  }

  /** Loads MiniLM from its jar (a few seconds). */
  public static PixArtText load() {
    try {
      return new PixArtText(MiniLm.load(), MiniLm.tokenizer());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load all-MiniLM-L6-v2: " + e.getMessage(), e);
    }
  }

  /** Word pieces of a prompt, [CLS] and [SEP] included. */
  public int tokenCount(String prompt) {
    return tokenizer.encode(prompt).getIds().length;
  }

  /**
   * Long-lived captions (B, maxTokens, 384) for the prompts; an empty prompt, or one with more word
   * pieces than {@code maxTokens}, fails with one message naming it.
   */
  public Caption encode(List<String> prompts, int maxTokens) {
    int b = prompts.size();
    float[] tokens = new float[b * maxTokens * DIM];
    boolean[] real = new boolean[b * maxTokens];
    try (PointerScope s = new PointerScope();
        NoGradGuard g = new NoGradGuard()) {
      Tensor[] enc = MiniLm.encodePrompts(tokenizer, prompts); // ids, mask (B, T)
      long t = enc[0].size(1);
      for (int i = 0; i < b; i++) {
        long n = enc[1].select(0, i).sum().item_long();
        if (n > maxTokens) {
          String p = prompts.get(i);
          throw new IllegalArgumentException("prompt " + (i + 1) + " (\"" + (p.length() > 40 ? p.substring(0, 40) + "…" : p) + "\") has " + n
              + " word pieces with [CLS] and [SEP]; this model reads at most " + maxTokens);
        }
        for (int j = 0; j < n; j++) real[i * maxTokens + j] = true;
      }
      BertEncoder.Features f = encoder.features(enc[0], enc[1]);
      Tensor masked = f.tokens().mul(enc[1].to(torch.ScalarType.Float).unsqueeze(-1)); // (B, T, 384), padding zeroed
      Tensor padded = torch.zeros(b, maxTokens, DIM);
      long keep = Math.min(t, maxTokens);
      padded.narrow(1, 0, keep).copy_(masked.narrow(1, 0, keep));
      padded.contiguous().data_ptr_float().get(tokens);
    }
    float[] m = new float[real.length];
    for (int i = 0; i < m.length; i++) m[i] = real[i] ? 1f : 0f;
    return new Caption(Tensor.create(tokens).view(b, maxTokens, DIM), Tensor.create(m).view(b, maxTokens).gt(new Scalar(0.5)));
  }
}
