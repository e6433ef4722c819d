package io.papers4j.vision.flow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The word-level caption tokeniser of spec 3C: lower-cased words split on spaces and commas, one id
 * per known word, padded with id 0 to a fixed length (id 0 alone is the empty caption, the null
 * condition). An empty prompt, an over-long one or an unknown word fails with one message.
 */
public final class WordTokenizer {
  public static final int PAD = 0;
  private final Map<String, Integer> ids = new LinkedHashMap<>();
  private final int maxTokens;

  /** Ids 1…n for {@code words} in order (duplicates once). */
  public WordTokenizer(List<String> words, int maxTokens) {
    if (maxTokens < 1) throw new IllegalArgumentException("max tokens must be >= 1");
    for (String w : words) ids.putIfAbsent(w.toLowerCase(Locale.ROOT), ids.size() + 1);
    this.maxTokens = maxTokens;
  }

  /** Vocabulary size including the padding id. */
  public int vocabSize() {
    return ids.size() + 1;
  }

  public int maxTokens() {
    return maxTokens;
  }

  public List<String> words() {
    return new ArrayList<>(ids.keySet());
  }

  /** The ids of one caption, padded to {@link #maxTokens}. */
  public long[] encode(String caption) {
    String text = caption == null ? "" : caption.trim().toLowerCase(Locale.ROOT);
    if (text.isEmpty()) throw new IllegalArgumentException("the prompt is empty");
    String[] words = text.split("[\\s,]+");
    if (words.length > maxTokens) {
      throw new IllegalArgumentException("the prompt has " + words.length + " words; this model reads at most " + maxTokens);
    }
    long[] out = new long[maxTokens];
    for (int i = 0; i < words.length; i++) {
      Integer id = ids.get(words[i]);
      if (id == null) {
        throw new IllegalArgumentException("unknown word '" + words[i] + "' in the prompt; this model knows: " + String.join(" ", ids.keySet()));
      }
      out[i] = id;
    }
    return out;
  }

  /** (B, maxTokens) int64 ids of the captions. */
  public Tensor encode(List<String> captions) {
    long[] all = new long[captions.size() * maxTokens];
    for (int i = 0; i < captions.size(); i++) System.arraycopy(encode(captions.get(i)), 0, all, i * maxTokens, maxTokens);
    return Tensor.create(all).view(captions.size(), maxTokens).to(ScalarType.Long);
  }
}
