package io.papers4j.lm.cli;

import io.papers4j.core.tokenize.BpeTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;

/** Shared look-ups in a checkpoint directory for the lm verbs. */
final class ModelDir {
  static final String TOKENIZER = "tokenizer.json";

  private ModelDir() {}

  /** DIR/tokenizer.json, with a clear message when it is absent. */
  static BpeTokenizer tokenizer(Path dir) {
    Path f = dir.resolve(TOKENIZER);
    if (!Files.exists(f)) {
      throw new IllegalArgumentException(
          f + ": no such file; this command needs the model's tokenizer saved beside it as "
              + TOKENIZER + " (papers4j lm train writes one)");
    }
    return BpeTokenizer.load(f);
  }
}
