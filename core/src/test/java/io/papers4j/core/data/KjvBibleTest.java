package io.papers4j.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class KjvBibleTest {
  private static boolean bibleInstalled() {
    return Files.isExecutable(Path.of("/usr/bin/bible")) || Files.exists(KjvBible.cacheFile());
  }

  @Test
  void strips_verse_references() {
    assertThat(KjvBible.stripReference("Ge1:1 In the beginning God created the heaven and the earth."))
        .isEqualTo("In the beginning God created the heaven and the earth.");
    assertThat(KjvBible.stripReference("1Sm17:4 And there went out a champion")).isEqualTo("And there went out a champion");
    assertThat(KjvBible.stripReference("SSol8:14 Make haste, my beloved")).isEqualTo("Make haste, my beloved");
    assertThatThrownBy(() -> KjvBible.stripReference("no reference here")).hasMessageContaining("not a verse");
  }

  @Test
  void loads_all_31102_verses_from_bible_kjv() {
    assumeTrue(bibleInstalled(), "needs Debian bible-kjv (scripts/setup)");
    TextCorpus kjv = Corpora.load("kjv");
    List<String> v = kjv.units();
    assertThat(v).hasSize(31_102);
    assertThat(v.get(0)).isEqualTo("In the beginning God created the heaven and the earth.");
    assertThat(v.get(v.size() - 1)).isEqualTo("The grace of our Lord Jesus Christ be with you all. Amen.");
    assertThat(v).noneMatch(s -> s.matches("^[1-3]?[A-Za-z]+\\d+:\\d+ .*"));
    assertThat(kjv.text().length()).isBetween(4_100_000, 4_200_000); // 4,137,848 chars measured (bible-kjv 4.38)
    assertThat(Files.exists(KjvBible.cacheFile())).isTrue();
  }

  @Test
  void unknown_corpus_lists_the_known_ones() {
    assertThatThrownBy(() -> Corpora.load("nope")).hasMessageContaining("unknown corpus 'nope'").hasMessageContaining("kjv");
    Corpora.register("tiny-test", () -> TextCorpus.of("tiny-test", "test", List.of("a", "b")));
    assertThat(Corpora.load("tiny-test").text()).isEqualTo("a\nb");
  }
}
