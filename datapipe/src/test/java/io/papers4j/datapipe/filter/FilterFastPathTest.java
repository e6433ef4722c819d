package io.papers4j.datapipe.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.papers4j.datapipe.eval.RealCorpus;
import io.papers4j.datapipe.text.Words;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The filters' fast paths against their naive twins, on real text in several languages. */
class FilterFastPathTest {
  private static List<String> texts() throws Exception {
    List<String> t = new ArrayList<>();
    for (RealCorpus.Text x : RealCorpus.commonLicenses()) t.add(x.text());
    for (RealCorpus.Text x : RealCorpus.kjvChapters(20)) t.add(x.text());
    for (RealCorpus.Text x : RealCorpus.foreignManPages(2)) t.add(x.text());
    Assumptions.assumeTrue(t.size() >= 17, "needs /usr/share/common-licenses");
    // Repetitive and edge-case texts: repeated n-grams, emoji (surrogate pairs), an unpaired surrogate, empty.
    t.add("the cat sat on the mat the cat sat on the mat and the dog sat on the cat sat on the mat ".repeat(5));
    t.add("Grüße 😀 aus Köln, 東京 ist weit; \uD800 allein ... ... # # done.");
    t.add("");
    t.add("   \n\n  ");
    return t;
  }

  @Test
  void ngram_statistics_equal_the_string_versions() throws Exception {
    for (String text : texts()) {
      List<String> words = Words.split(text);
      long chars = words.stream().mapToLong(String::length).sum();
      if (chars == 0) continue;
      HeuristicRules.Ngrams g = new HeuristicRules.Ngrams(words);
      for (int n = 2; n <= 4; n++) assertEquals(HeuristicRules.topNgramCharFraction(words, n, chars), g.topCharFraction(n, chars), 0.0, "top n=" + n);
      for (int n = 5; n <= 10; n++) assertEquals(HeuristicRules.dupNgramCharFraction(words, n, chars), g.dupCharFraction(n, chars), 0.0, "dup n=" + n);
    }
    // The repetitive text does repeat (the comparison is not between two zeros).
    List<String> w = Words.split(texts().get(texts().size() - 4));
    assertTrue(new HeuristicRules.Ngrams(w).dupCharFraction(5, w.stream().mapToLong(String::length).sum()) > 0.5);
  }

  @Test
  void stopword_form_equals_the_regex_form() {
    for (String w : List.of("The", "THE,", "«and»", "ıt", "İs", "wıth", "Straße", "to-day", "", "123")) {
      assertEquals(w.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z]", ""), HeuristicRules.asciiLetters(w), w);
    }
  }

  @Test
  void language_guess_equals_the_string_lookup() throws Exception {
    LanguageIdentifier id = LanguageIdentifier.bundled();
    for (String text : texts()) {
      LanguageIdentifier.Guess fast = id.identify(text), slow = id.identifyByStrings(text);
      assertEquals(slow.language(), fast.language());
      assertEquals(slow.confidence(), fast.confidence(), 0.0);
    }
  }
}
