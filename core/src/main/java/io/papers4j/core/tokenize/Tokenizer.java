package io.papers4j.core.tokenize;

import java.nio.file.Path;

/** Text ↔ token ids. */
public interface Tokenizer {
  /** Encodes {@code text}; special-token strings in it become their ids. */
  int[] encode(String text);

  /** Decodes ids back to text. */
  String decode(int[] ids);

  /** Highest id + 1: the embedding table size a model needs. */
  int vocabSize();

  /**
   * Loads any supported Hugging Face {@code tokenizer.json}: byte-level BPE (GPT-2, LLaMA-3) as
   * {@link BpeTokenizer}, SentencePiece-style BPE (LLaMA-2, Mistral, Yi) as {@link
   * SentencePieceBpe}.
   */
  static Tokenizer load(Path file) {
    return TokenizerJson.readAny(file);
  }
}
