package io.papers4j.datapipe.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class LanguageIdentifierTest {
  private static final LanguageIdentifier ID = LanguageIdentifier.bundled();

  @Test
  void held_out_man_pages_are_identified() throws Exception {
    Path man = Path.of("/usr/share/man");
    Assumptions.assumeTrue(Files.isDirectory(man.resolve("de/man1")), "needs Debian's translated man pages");
    List<LanguageIdTrainer.Sample> held =
        LanguageIdTrainer.manPages(man, 400).stream().filter(s -> LanguageIdTrainer.heldOut(Path.of(s.path()))).toList();
    Map<String, int[]> perLang = new TreeMap<>();
    int right = 0;
    int evaluated = 0;
    for (LanguageIdTrainer.Sample s : held) {
      // Score a 600-character excerpt from the middle, where the page is running text.
      String t = s.text();
      String excerpt = t.substring(t.length() / 3, Math.min(t.length(), t.length() / 3 + 600));
      // Translations are partial (shadow's pages in de/fr/it are English): an excerpt found verbatim
      // in the English page of the same name is English, whatever its directory says.
      if (!s.language().equals("en") && untranslated(man, Path.of(s.path()), excerpt)) continue;
      boolean ok = ID.identify(excerpt).language().equals(s.language());
      if (!ok && System.getenv("LANGID_DEBUG") != null) System.out.println("MISS " + s.language() + " -> " + ID.identify(excerpt) + " " + s.path() + " :: " + excerpt.replace("\n", " ").substring(0, Math.min(300, excerpt.length())));
      int[] c = perLang.computeIfAbsent(s.language(), k -> new int[2]);
      c[0] += ok ? 1 : 0;
      c[1]++;
      right += ok ? 1 : 0;
      evaluated++;
    }
    StringBuilder sb = new StringBuilder();
    perLang.forEach((k, v) -> sb.append(k).append(' ').append(v[0]).append('/').append(v[1]).append("  "));
    System.out.println("held-out man-page accuracy: " + right + "/" + evaluated + "  " + sb);
    assertThat(evaluated).isGreaterThan(100);
    assertThat(right / (double) evaluated).isGreaterThanOrEqualTo(0.9);
  }

  private static boolean untranslated(Path man, Path page, String excerpt) throws Exception {
    Path english = man.resolve(page.getParent().getFileName()).resolve(page.getFileName());
    if (!Files.exists(english)) return false;
    String en = io.papers4j.datapipe.text.RoffText.of(LanguageIdTrainer.readGz(english));
    String probe = excerpt.substring(excerpt.length() / 2, Math.min(excerpt.length(), excerpt.length() / 2 + 60));
    return en.contains(probe);
  }

  @Test
  void common_sentences_get_their_language() {
    assertThat(ID.identify("The quick brown fox jumps over the lazy dog and runs into the forest.").language()).isEqualTo("en");
    assertThat(ID.identify("Der schnelle braune Fuchs springt über den faulen Hund und läuft in den Wald.").language()).isEqualTo("de");
    assertThat(ID.identify("Le renard brun rapide saute par-dessus le chien paresseux et court dans la forêt.").language()).isEqualTo("fr");
    System.out.println("confidence of a clear English sentence: " + ID.identify("The quick brown fox jumps over the lazy dog and runs into the forest."));
    assertThat(ID.identify("Быстрая коричневая лиса прыгает через ленивую собаку.").language()).isEqualTo("ru");
  }

  @Test
  void text_without_letters_is_undetermined() {
    assertThat(ID.identify("1234 5678 ---- ####").language()).isEqualTo("und");
  }
}
