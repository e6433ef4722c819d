package io.papers4j.lm.saullm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LegalCorpusTest {
  @TempDir Path tmp;

  private static String words(long seed, int n) {
    String[] vocab = {"licence", "copyright", "holder", "permission", "warranty", "software", "source", "notice",
        "granted", "distribute", "modify", "terms", "conditions", "liability", "damages", "redistribution"};
    SplittableRandom r = new SplittableRandom(seed);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) sb.append(vocab[r.nextInt(vocab.length)]).append(' ');
    return sb.toString().strip();
  }

  @Test
  void exact_and_near_duplicates_are_removed_and_distinct_texts_kept() {
    String a = words(1, 300);
    String b = words(2, 300);
    String aSpaced = "  " + a.toUpperCase().replace(" ", "\n ") + " ";
    String aEdited = a.replaceFirst("licence", "license"); // one word of 300: Jaccard of 5-shingles ~ 0.98
    Dedup.Outcome o = Dedup.run(List.of(a, b, aSpaced, aEdited));
    assertThat(o.kept()).containsExactly(0, 1);
    assertThat(o.exactDuplicates()).isEqualTo(1);
    assertThat(o.nearDuplicates()).isEqualTo(1);
  }

  @Test
  void no_held_out_document_appears_in_training_by_hash() throws Exception {
    List<LegalCorpus.Doc> raw = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      raw.add(new LegalCorpus.Doc(i % 2 == 0 ? "licence" : "copyright", "d" + i, "test", words(100 + i, 80),
          Map.of(), false));
    }
    raw.add(raw.get(3)); // a duplicate must not land on both sides either
    LegalCorpus.Built b = LegalCorpus.dedupAndSplit(raw);
    assertThat(b.heldOut()).isNotEmpty();
    LegalCorpus.write(b, GeneralCorpus.split(List.of(words(9, 20), words(10, 20)), "test"), tmp);
    Set<String> train = new HashSet<>();
    for (LegalCorpus.Doc d : LegalCorpus.read(tmp, false)) train.add(d.sha256());
    List<LegalCorpus.Doc> held = LegalCorpus.read(tmp, true);
    assertThat(held).hasSize(b.heldOut().size());
    assertThat(train).hasSize(b.train().size());
    for (LegalCorpus.Doc d : held) assertThat(train).doesNotContain(d.sha256());
    // The rule is a function of the text alone: SHA-256 prefix mod 10 == 0.
    for (LegalCorpus.Doc d : held) assertThat(Long.parseLong(d.sha256().substring(0, 8), 16) % 10).isZero();
    assertThat(Files.readString(tmp.resolve("README.md"))).contains("| licence |", "| copyright |");
  }

  @Test
  void dep5_facts_read_holders_years_and_the_licence_of_files_star() {
    String t = """
        Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
        Upstream-Name: demo

        Files: *
        Copyright: 2001-2004, 2019 Jane Roe <jane@example.org>
                   2020 Example Corp.
        License: GPL-2+

        Files: debian/*
        Copyright: 2022 Packager
        License: MIT
        """;
    Map<String, Object> m = LegalCorpus.Dep5.facts(t);
    assertThat(m.get("license")).isEqualTo("GPL-2+");
    assertThat(m.get("holders")).isEqualTo(List.of("Jane Roe <jane@example.org>", "Example Corp."));
    assertThat(m.get("years")).isEqualTo(List.of("2001", "2004", "2019", "2020"));
  }

  @Test
  void reading_a_directory_that_is_not_a_corpus_fails_readably() {
    assertThatThrownBy(() -> LegalCorpus.read(tmp, false)).hasMessageContaining("saullm corpus build");
  }
}
