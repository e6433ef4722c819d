package io.papers4j.lm.galore;

import io.papers4j.core.data.KjvBible;
import io.papers4j.core.data.Split;
import io.papers4j.core.data.TextCorpus;
import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.core.tokenize.TokenizerCache;
import java.util.List;

/**
 * The reproduction's corpus: the KJV Bible (Debian {@code bible-kjv}), split by blocks of 100
 * verses with a seeded 5% to validation (every book is represented on both sides, no verse is
 * split), tokenized by a byte-level BPE trained on the training side only.
 *
 * @param train training token ids
 * @param validation validation token ids
 * @param vocabSize the tokenizer's vocabulary size
 */
public record KjvTokens(int[] train, int[] validation, int vocabSize) {
  static final int BLOCK_VERSES = 100;
  static final double VALIDATION_FRACTION = 0.05;
  static final long SPLIT_SEED = 42;

  /** Loads (and caches the tokenizer of) the split at vocabulary {@code vocabSize}. */
  public static KjvTokens load(int vocabSize) {
    TextCorpus kjv = KjvBible.load();
    Split split = Split.blocks(kjv.units(), BLOCK_VERSES, VALIDATION_FRACTION, SPLIT_SEED);
    String trainText = split.trainText();
    BpeTokenizer tok = TokenizerCache.trainOrLoad("kjv-train-blocks100-val5-seed42", trainText, vocabSize, List.of());
    return new KjvTokens(tok.encode(trainText), tok.encode(split.validationText()), tok.vocabSize());
  }
}
