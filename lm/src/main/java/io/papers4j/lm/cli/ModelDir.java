package io.papers4j.lm.cli;

import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.core.tokenize.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;

/** Shared look-ups in a checkpoint directory for the lm verbs. */
final class ModelDir {
  static final String TOKENIZER = "tokenizer.json";

  private ModelDir() {}

  /** DIR/tokenizer.json as byte-level BPE, with a clear message when it is absent. */
  static BpeTokenizer tokenizer(Path dir) {
    return BpeTokenizer.load(tokenizerFile(dir));
  }

  /** DIR/tokenizer.json of any supported kind (byte-level, or SentencePiece-style for LLaMA-2/Mistral/Yi). */
  static Tokenizer anyTokenizer(Path dir) {
    return Tokenizer.load(tokenizerFile(dir));
  }

  private static Path tokenizerFile(Path dir) {
    Path f = dir.resolve(TOKENIZER);
    if (!Files.exists(f)) {
      throw new IllegalArgumentException(
          f + ": no such file; this command needs the model's tokenizer saved beside it as "
              + TOKENIZER + " (papers4j lm train writes one)");
    }
    return f;
  }
}
