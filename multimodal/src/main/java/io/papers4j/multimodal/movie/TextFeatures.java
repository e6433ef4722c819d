package io.papers4j.multimodal.movie;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.papers4j.core.nn.text.BertEncoder;
import io.papers4j.core.nn.text.MiniLm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The frozen text encoder of the keyframe model: all-MiniLM-L6-v2 (core.nn.text) with prompts padded
 * to a fixed length. For textual inversion one vocabulary word (the style keyword) can be given a
 * learned embedding row: wherever its token id occurs, the looked-up word embedding is replaced by
 * that row, and gradients reach only the row — the encoder's own weights are never written.
 */
public final class TextFeatures {
  /** Token features (B, L, d), mask (B, L) of 1/0, pooled sentence vector (B, d). */
  public record Encoded(Tensor tokens, Tensor mask, Tensor pooled) {
    /** Rows {@code idx} (K) of every part. */
    public Encoded select(Tensor idx) {
      return new Encoded(tokens.index_select(0, idx), mask.index_select(0, idx), pooled.index_select(0, idx));
    }
  }

  private final BertEncoder encoder;
  private final HuggingFaceTokenizer tokenizer;
  private final int maxTokens;

  private TextFeatures(BertEncoder encoder, HuggingFaceTokenizer tokenizer, int maxTokens) {
    this.encoder = encoder;
    this.tokenizer = tokenizer;
    this.maxTokens = maxTokens;
    encoder.namedParameters().values().forEach(w -> w.requires_grad_(false));
  }

  /** Loads MiniLM from the classpath (the langchain4j jar). */
  public static TextFeatures load(int maxTokens) {
    try {
      return new TextFeatures(MiniLm.load(), MiniLm.tokenizer(), maxTokens);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load the MiniLM text encoder: " + e.getMessage(), e);
    }
  }

  public BertEncoder encoder() {
    return encoder;
  }

  /** The vocabulary id of a word that is one WordPiece token, e.g. "noir"; clear error otherwise. */
  public long tokenId(String word) {
    Tensor[] enc = MiniLm.encode(tokenizer, List.of(word));
    if (enc[0].size(1) != 3) {
      throw new IllegalArgumentException("style keyword '" + word + "' is not a single token of the text encoder's vocabulary");
    }
    return enc[0].select(1, 1).item_long();
  }

  /** Ids and mask (B, maxTokens) of prompts; a prompt longer than maxTokens is refused naming it. */
  Tensor[] ids(List<String> prompts) {
    Tensor[] enc = MiniLm.encodePrompts(tokenizer, prompts); // (B, T) each
    long b = enc[0].size(0), t = enc[0].size(1);
    if (t > maxTokens) {
      for (int i = 0; i < prompts.size(); i++) {
        if (enc[1].select(0, i).sum().item_long() > maxTokens) {
          throw new IllegalArgumentException("prompt \"" + prompts.get(i) + "\" has more than " + maxTokens + " tokens");
        }
      }
    }
    Tensor ids = torch.zeros(b, maxTokens).to(torch.ScalarType.Long), mask = torch.zeros(b, maxTokens).to(torch.ScalarType.Long);
    ids.narrow(1, 0, t).copy_(enc[0]);
    mask.narrow(1, 0, t).copy_(enc[1]);
    return new Tensor[] {ids, mask};
  }

  /** Features of prompts, without gradients. */
  public Encoded encode(List<String> prompts) {
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor[] im = ids(prompts);
      BertEncoder.Features f = encoder.features(im[0], im[1]);
      return new Encoded(f.tokens(), im[1], f.pooled());
    }
  }

  /**
   * Features with {@code row} (d) used as the embedding of token {@code tokenId}; differentiable in
   * {@code row}.
   */
  public Encoded encode(List<String> prompts, long tokenId, Tensor row) {
    Tensor[] im = ids(prompts);
    Tensor words;
    try (NoGradGuard g = new NoGradGuard()) {
      words = torch.embedding(encoder.wordEmbeddings(), im[0]); // (B, L, d), frozen rows
    }
    Tensor hit = im[0].eq(new Scalar(tokenId)).unsqueeze(-1).to(torch.ScalarType.Float); // (B, L, 1)
    Tensor embeds = words.mul(hit.neg().add(new Scalar(1.0))).add(hit.mul(row.view(1, 1, -1))); // (B, L, d)
    BertEncoder.Features f = encoder.featuresFromEmbeddings(embeds, im[1]);
    return new Encoded(f.tokens(), im[1], f.pooled());
  }

  /** The empty prompt's features repeated B times: the classifier-free-guidance null condition. */
  public Encoded nullCondition(int batch) {
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor[] enc = MiniLm.encode(tokenizer, List.of("")); // [CLS] [SEP]
      Tensor ids = torch.zeros(1, maxTokens).to(torch.ScalarType.Long), mask = torch.zeros(1, maxTokens).to(torch.ScalarType.Long);
      ids.narrow(1, 0, enc[0].size(1)).copy_(enc[0]);
      mask.narrow(1, 0, enc[1].size(1)).copy_(enc[1]);
      BertEncoder.Features f = encoder.features(ids, mask);
      return new Encoded(f.tokens().expand(batch, -1, -1).contiguous(), mask.expand(batch, -1).contiguous(),
          f.pooled().expand(batch, -1).contiguous());
    }
  }

  public int maxTokens() {
    return maxTokens;
  }
}
