package io.papers4j.lm.saullm;

import io.papers4j.core.data.Corpora;
import io.papers4j.core.data.KjvBible;
import io.papers4j.core.data.TextCorpus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * General English text for the base model and for replay: the King James Bible (one verse per
 * unit) and the non-legal Debian {@code fortunes} topics (one record per unit). Units are held out
 * by the same SHA-256 rule as the legal documents.
 */
public final class GeneralCorpus {
  /** The units on each side and where they come from. */
  public record Texts(List<String> train, List<String> heldOut, String source) {}

  private GeneralCorpus() {}

  public static Texts build() {
    TextCorpus kjv = Corpora.load(KjvBible.NAME);
    List<String> units = new ArrayList<>(kjv.units());
    int fortunes = 0;
    for (Path f : LegalCorpus.list(Path.of("/usr/share/games/fortunes"))) {
      String name = f.getFileName().toString();
      if (name.contains(".") || name.equals("law") || name.equals("ascii-art") || !java.nio.file.Files.isRegularFile(f)) continue;
      for (LegalCorpus.Doc d : LegalCorpus.fortunes(f, "general")) {
        units.add(d.text());
        fortunes++;
      }
    }
    return split(units, kjv.source() + " (" + kjv.units().size() + " verses) + Debian fortunes, non-law topics ("
        + fortunes + " records)");
  }

  static Texts split(List<String> units, String source) {
    List<String> tr = new ArrayList<>();
    List<String> ho = new ArrayList<>();
    for (String u : units) (LegalCorpus.heldOut(u) ? ho : tr).add(u);
    return new Texts(tr, ho, source);
  }
}
