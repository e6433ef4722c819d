package io.papers4j.core.tokenize;

import io.papers4j.core.data.Papers4jHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Trained tokenizers cached as {@code $PAPERS4J_HOME/tokenizers/<key>-bpe<V>.json}, so a BPE
 * vocabulary is learned once per corpus and size (about 10-30 s for the KJV Bible on 2 cores)
 * and then loaded in well under a second.
 */
public final class TokenizerCache {
  private TokenizerCache() {}

  /** The cache file for {@code key} and {@code vocabSize}. */
  public static Path file(String key, int vocabSize) {
    if (!key.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("tokenizer cache key '" + key + "' must be [A-Za-z0-9._-]+");
    }
    return Papers4jHome.resolve("tokenizers", key + "-bpe" + vocabSize + ".json");
  }

  /**
   * Loads the cached tokenizer, or trains one on {@code trainText} with GPT-2 pre-tokenization
   * and caches it. The key must identify the training text (e.g. "kjv-train95").
   */
  public static BpeTokenizer trainOrLoad(
      String key, String trainText, int vocabSize, List<String> specialTokens) {
    Path f = file(key, vocabSize);
    if (Files.exists(f)) {
      BpeTokenizer t = BpeTokenizer.load(f);
      if (t.vocabSize() == vocabSize && t.specialTokens().keySet().containsAll(specialTokens)) return t;
    }
    BpeTokenizer t = BpeTrainer.train(trainText, vocabSize, specialTokens, PreTokenizer.GPT2);
    t.save(f);
    return t;
  }
}
