package io.papers4j.lm.yi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.core.tokenize.BpeTrainer;
import io.papers4j.core.tokenize.PreTokenizer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PasskeyTest {
  static final String TEXT =
      "In the beginning God created the heaven and the earth. And the earth was without form, and void; "
          + "and darkness was upon the face of the deep. The pass key is 12345. What is it? 0 1 2 3 4 5 6 7 8 9";
  static BpeTokenizer tok;
  static int[] hay;

  @BeforeAll
  static void tokenizer() {
    tok = BpeTrainer.train(TEXT, 300, List.of(), PreTokenizer.GPT2);
    hay = tok.encode(TEXT.repeat(4));
  }

  /** The shared test tokenizer (trained once). */
  static synchronized BpeTokenizer tok() {
    if (tok == null) tokenizer();
    return tok;
  }

  static int[] hay() {
    tok();
    return hay;
  }

  @Test
  void trial_has_the_requested_length_and_ends_with_the_question() {
    Passkey p = new Passkey(tok);
    Passkey.Trial t = p.trial(hay, 7, 120, 0.5, "48213");
    assertThat(t.prompt()).hasSize(120);
    int[] q = tok.encode(" What is the pass key? The pass key is");
    assertThat(Arrays.copyOfRange(t.prompt(), 120 - q.length, 120)).containsExactly(q);
    assertThat(tok.decode(t.prompt())).contains("The pass key is 48213. Remember it. 48213 is the pass key.");
    assertThat(tok.decode(t.answer())).isEqualTo(" 48213.");
  }

  @Test
  void depth_places_the_needle_at_that_fraction_of_the_haystack() {
    Passkey p = new Passkey(tok);
    int needle = p.needle("48213").length;
    int q = tok.encode(" What is the pass key? The pass key is").length;
    int fill = 200 - needle - q;
    assertThat(p.trial(hay, 0, 200, 0, "48213").needleAt()).isZero();
    assertThat(p.trial(hay, 0, 200, 1, "48213").needleAt()).isEqualTo(fill);
    assertThat(p.trial(hay, 0, 200, 0.25, "48213").needleAt()).isEqualTo(Math.round(0.25 * fill));
    // the haystack around the needle is the text in order, from the offset
    Passkey.Trial t = p.trial(hay, 5, 200, 0.25, "48213");
    assertThat(Arrays.copyOfRange(t.prompt(), 0, t.needleAt())).containsExactly(Arrays.copyOfRange(hay, 5, 5 + t.needleAt()));
  }

  @Test
  void document_ends_with_the_answer_and_has_the_exact_length() {
    Passkey p = new Passkey(tok);
    int[] doc = p.document(hay, 150, new SplittableRandom(3));
    assertThat(doc).hasSize(150);
    String text = tok.decode(doc);
    String key = text.replaceAll("(?s).*The pass key is (\\d{5})\\. Remember it\\..*", "$1");
    assertThat(text).endsWith("The pass key is " + key + ".");
    assertThat(new Passkey(tok).document(hay, 150, new SplittableRandom(3))).containsExactly(doc);
  }

  @Test
  void scoring_is_exact_match_of_the_first_number() {
    Passkey p = new Passkey(tok);
    assertThat(p.correct(tok.encode(" 48213."), "48213")).isTrue();
    assertThat(p.correct(tok.encode(" 48213"), "48213")).isTrue();
    assertThat(p.correct(tok.encode(" 4821"), "48213")).isFalse();
    assertThat(p.correct(tok.encode(" 482133"), "48213")).isFalse();
    assertThat(p.correct(tok.encode(" the 48213"), "48213")).isFalse();
  }

  @Test
  void the_whole_needle_sits_at_its_position_at_every_length_and_depth() {
    Passkey p = new Passkey(tok);
    int[] q = tok.encode(" What is the pass key? The pass key is");
    for (int length : new int[] {100, 128, 256, 512, 1024}) {
      for (double depth : new double[] {0, 0.25, 0.5, 0.75, 1}) {
        String key = Passkey.randomKey(new SplittableRandom(length + (long) (100 * depth)));
        Passkey.Trial t = p.trial(hay, 11 * length, length, depth, key);
        int[] needle = p.needle(key);
        assertThat(t.prompt()).hasSize(length);
        // never cut: the needle is whole at needleAt and the question whole at the end
        assertThat(Arrays.copyOfRange(t.prompt(), t.needleAt(), t.needleAt() + needle.length)).containsExactly(needle);
        assertThat(Arrays.copyOfRange(t.prompt(), length - q.length, length)).containsExactly(q);
        assertThat(t.needleAt() + needle.length).isLessThanOrEqualTo(length - q.length);
        // the answer's key tokens are the very tokens of the key inside the needle
        int[] keyInAnswer = Arrays.copyOfRange(t.answer(), 0, t.answer().length - tok.encode(".").length);
        assertThat(indexOf(needle, keyInAnswer)).isNotNegative();
      }
    }
  }

  @Test
  void training_documents_use_the_prompt_format_of_the_test() {
    Passkey p = new Passkey(tok);
    SplittableRandom rng = new SplittableRandom(8);
    for (int i = 0; i < 20; i++) {
      int[] doc = p.document(hay, 129, rng);
      String text = tok.decode(doc);
      String key = text.replaceAll("(?s).*The pass key is (\\d{5})\\. Remember it\\..*", "$1");
      int[] answer = tok.encode(" " + key + ".");
      int[] q = tok.encode(" What is the pass key? The pass key is");
      // ... question, then the answer the needle test expects, ending the document
      assertThat(Arrays.copyOfRange(doc, 129 - answer.length, 129)).containsExactly(answer);
      assertThat(Arrays.copyOfRange(doc, 129 - answer.length - q.length, 129 - answer.length)).containsExactly(q);
      assertThat(indexOf(doc, p.needle(key))).isNotNegative();
    }
  }

  @Test
  void recitation_repeats_a_passage_that_holds_a_needle() {
    Passkey p = new Passkey(tok);
    for (int passage : new int[] {60, 80, 100}) {
      int[] doc = p.recitation(hay, 129, passage, new SplittableRandom(passage));
      assertThat(doc).hasSize(129);
      assertThat(Arrays.copyOfRange(doc, passage, 129)).containsExactly(Arrays.copyOfRange(doc, 0, 129 - passage));
      assertThat(tok.decode(Arrays.copyOfRange(doc, 0, passage)))
          .containsPattern("The pass key is (\\d{5})\\. Remember it\\. \\1 is the pass key\\.");
    }
    // the drawn passage length varies, so the copy distance does too
    java.util.Set<Integer> firstRepeat = new java.util.HashSet<>();
    SplittableRandom rng = new SplittableRandom(4);
    for (int i = 0; i < 10; i++) {
      int[] doc = p.recitation(hay, 129, rng);
      int at = -1;
      for (int k = 32; k <= 96 && at < 0; k++) {
        if (Arrays.equals(Arrays.copyOfRange(doc, k, 129), Arrays.copyOfRange(doc, 0, 129 - k))) at = k;
      }
      assertThat(at).as("a period between 32 and 96").isPositive();
      firstRepeat.add(at);
    }
    assertThat(firstRepeat.size()).isGreaterThan(1);
    assertThatThrownBy(() -> p.recitation(hay, 129, 30, new SplittableRandom(4))).hasMessageContaining("cannot hold");
  }

  static int indexOf(int[] a, int[] b) {
    outer:
    for (int i = 0; i + b.length <= a.length; i++) {
      for (int j = 0; j < b.length; j++) if (a[i + j] != b[j]) continue outer;
      return i;
    }
    return -1;
  }

  @Test
  void too_short_a_length_is_refused_clearly() {
    assertThatThrownBy(() -> new Passkey(tok).trial(hay, 0, 10, 0.5, "48213"))
        .hasMessageContaining("cannot hold the needle");
    assertThatThrownBy(() -> new Passkey(tok).trial(hay, 0, 100, 1.5, "48213")).hasMessageContaining("depth");
  }
}
