package io.papers4j.lm.train;

import io.papers4j.core.data.Corpora;
import io.papers4j.core.data.Split;
import io.papers4j.core.data.TextCorpus;
import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.core.tokenize.TokenizerCache;
import java.util.List;

/**
 * A corpus split and tokenized for language-model training: blocks of 100 units (verses for the
 * KJV) with a seeded 5% to validation, so every book is on both sides and no unit is cut; the
 * byte-level BPE is trained on the training side only (cached under {@code $PAPERS4J_HOME}).
 *
 * @param corpus the corpus name ("kjv")
 * @param source where the text comes from, for reports
 * @param tokenizer the tokenizer used
 * @param train training token ids
 * @param validation validation token ids
 */
public record CorpusTokens(String corpus, String source, BpeTokenizer tokenizer, int[] train, int[] validation) {
  static final int BLOCK_UNITS = 100;
  static final double VALIDATION_FRACTION = 0.05;
  static final long SPLIT_SEED = 42;

  /** Loads corpus {@code name}, trains (or loads the cached) BPE of {@code vocabSize}, encodes. */
  public static CorpusTokens load(String name, int vocabSize) {
    TextCorpus c = Corpora.load(name);
    Split split = split(c);
    String trainText = split.trainText();
    // Same key as other KJV experiments, so the tokenizer is trained once per vocabulary size.
    BpeTokenizer tok =
        TokenizerCache.trainOrLoad(name + "-train-blocks100-val5-seed42", trainText, vocabSize, List.of());
    return new CorpusTokens(name, c.source(), tok, tok.encode(trainText), tok.encode(split.validationText()));
  }

  /** Loads corpus {@code name} and encodes it with a given tokenizer (e.g. a model's). */
  public static CorpusTokens load(String name, BpeTokenizer tok) {
    TextCorpus c = Corpora.load(name);
    Split split = split(c);
    return new CorpusTokens(name, c.source(), tok, tok.encode(split.trainText()), tok.encode(split.validationText()));
  }

  static Split split(TextCorpus c) {
    return Split.blocks(c.units(), BLOCK_UNITS, VALIDATION_FRACTION, SPLIT_SEED);
  }
}
