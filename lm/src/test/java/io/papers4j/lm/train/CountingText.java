package io.papers4j.lm.train;

import io.papers4j.core.data.Corpora;
import io.papers4j.core.data.TextCorpus;
import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.core.tokenize.BpeTrainer;
import io.papers4j.core.tokenize.PreTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** 400 short lines of a counting text, enough structure to learn in a few steps, for training tests. */
public final class CountingText {
  private CountingText() {}

  /** Registers the text as corpus {@code name} and saves a 300-token BPE trained on it as {@code dir/tok.json}. */
  public static Path register(String name, Path dir) {
    List<String> units = new ArrayList<>();
    String[] words = {"and", "the", "lord", "said", "unto", "moses", "in", "the", "beginning"};
    for (int i = 0; i < 400; i++) {
      units.add(words[i % words.length] + " " + words[(i * 7) % words.length] + " verse " + (i % 50) + ".");
    }
    TextCorpus c = TextCorpus.of(name, "synthetic test text", units);
    Corpora.register(name, () -> c);
    BpeTokenizer tok = BpeTrainer.train(String.join("\n", units), 300, List.of(), PreTokenizer.GPT2);
    Path file = dir.resolve("tok.json");
    tok.save(file);
    return file;
  }
}
