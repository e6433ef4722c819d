package io.papers4j.lm.saullm;

import io.papers4j.core.data.Corpora;
import io.papers4j.core.data.Papers4jHome;
import io.papers4j.core.data.TextCorpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Registers {@code legal} (the training side of the legal corpus, one document per unit; held-out
 * documents are never included) and {@code general} (the training side of the general corpus) as
 * corpus names, so {@code lm train --data legal:0.98,general:0.02} can mix them. The corpus is
 * built once into {@code $PAPERS4J_HOME/saullm/corpus}.
 */
public final class SaulCorpora {
  private SaulCorpora() {}

  /** The cached corpus directory, built on first use. */
  public static synchronized Path dir() {
    Path d = Papers4jHome.resolve("saullm", "corpus");
    if (!Files.isRegularFile(d.resolve("manifest.json"))) {
      System.err.println("saullm: building the legal and general corpora into " + d);
      LegalCorpus.write(LegalCorpus.build(), GeneralCorpus.build(), d);
    }
    return d;
  }

  public static void register() {
    Corpora.register("legal", () -> TextCorpus.of("legal", "papers4j saullm legal corpus (training side)",
        LegalCorpus.read(dir(), false).stream().map(LegalCorpus.Doc::text).toList()));
    Corpora.register("general", () -> {
      try {
        List<String> lines = Files.readAllLines(dir().resolve("general").resolve("train.txt"));
        return TextCorpus.of("general", "KJV + Debian fortunes (training side)", lines);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot read the general corpus: " + e.getMessage(), e);
      }
    });
  }
}
