package io.papers4j.lm.saullm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.data.Papers4jHome;
import io.papers4j.core.report.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole reproduction at smoke size on a small synthetic corpus written where the real one is
 * cached, under a temporary PAPERS4J_HOME (so no shared cache is read or written).
 */
class SaulLmReproductionSmokeTest {
  @TempDir Path home;
  @TempDir Path out;
  private String before;

  @AfterEach
  void restore() {
    if (before == null) System.clearProperty("papers4j.home");
    else System.setProperty("papers4j.home", before);
  }

  static String words(SplittableRandom r, String[] vocab, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) sb.append(i == 0 ? "" : " ").append(vocab[r.nextInt(vocab.length)]);
    return sb.toString();
  }

  @Test
  void smoke_preset_trains_every_model_and_writes_the_report() throws Exception {
    before = System.getProperty("papers4j.home");
    System.setProperty("papers4j.home", home.toString());
    SplittableRandom r = new SplittableRandom(1);
    String[] legalWords = {"licence", "copyright", "holder", "permission", "warranty", "software", "source", "notice",
        "granted", "distribute", "modify", "terms", "conditions", "liability", "damages", "redistribution"};
    String[] ids = {"MIT", "GPL-2.0-only", "Apache-2.0", "MPL-2.0", "BSD-3-Clause", "CC0-1.0", "LGPL-2.1-only"};
    List<LegalCorpus.Doc> raw = new ArrayList<>();
    for (int i = 0; i < 90; i++) {
      raw.add(LegalTasksTest.licence(ids[i % ids.length] + "-" + i, i % 2 == 0,
          "Licence " + i + ". " + words(r, legalWords, 80)));
    }
    for (int i = 0; i < 60; i++) {
      raw.add(LegalTasksTest.copyright("pkg" + i, "Format: x\n\nFiles: *\nCopyright: " + (1990 + i % 30) + " Holder " + i
          + "\nLicense: " + ids[i % ids.length] + "\n\n" + words(r, legalWords, 60)));
    }
    String[] genWords = {"and", "the", "lord", "said", "unto", "them", "came", "to", "pass", "in", "day", "went"};
    List<String> general = new ArrayList<>();
    for (int i = 0; i < 400; i++) general.add(words(r, genWords, 6 + i % 9) + ".");
    LegalCorpus.write(LegalCorpus.dedupAndSplit(raw), GeneralCorpus.split(general, "test"),
        Papers4jHome.resolve("saullm", "corpus"));

    Result res = new SaulLmReproduction().run("smoke", out);

    assertThat(res.preset()).isEqualTo("smoke");
    for (String arm : List.of("base", "cpt-replay-0", "cpt-replay-2", "cpt-replay-20", "instruct")) {
      for (String t : List.of("licence", "copyright", "general")) {
        assertThat((Double) res.metrics().get(arm + "_ppl_" + t)).as(arm + " " + t).isFinite().isGreaterThan(1.0);
      }
      assertThat((Double) res.metrics().get(arm + "_bench_balanced_accuracy")).isBetween(0.0, 1.0);
    }
    JsonNode j = new ObjectMapper().readTree(out.resolve("result.json").toFile());
    assertThat(j.get("system").asText()).isEqualTo("saullm");
    assertThat(j.get("reproduced").isBoolean()).isTrue();
    for (String f : List.of("README.md", "legal_perplexity.png", "general_perplexity.png", "replay.png", "benchmark.png")) {
      assertThat(out.resolve(f)).exists();
    }
    // the base is a Mistral-architecture model with a sliding window
    String cfg = Files.readString(Papers4jHome.resolve("runs", "saullm-smoke", "base", "config.json"));
    assertThat(cfg).containsPattern("\"sliding_window\"\\s*:\\s*16").contains("\"mistral\"");
  }
}
