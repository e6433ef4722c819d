package io.papers4j.lm.yi;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.core.tokenize.BpeTrainer;
import io.papers4j.core.tokenize.PreTokenizer;
import io.papers4j.core.train.Batch;
import io.papers4j.lm.train.TokenTrainData;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/** The pass-key rows as the model sees them in training: a fresh key per row, every key digit scored. */
class PasskeyTrainDataTest {
  static final Pattern NEEDLE = Pattern.compile("The pass key is (\\d{5})\\. Remember it\\. (\\d{5}) is the pass key\\.");

  static int[] row(Tensor t, long r) {
    Tensor x = t.select(0, r).contiguous();
    long[] a = new long[(int) x.size(0)];
    new LongPointer(x.data_ptr()).get(a);
    int[] o = new int[a.length];
    for (int i = 0; i < a.length; i++) o[i] = (int) a[i];
    return o;
  }

  @Test
  void every_row_has_its_own_key_in_the_inputs_and_all_its_digits_in_the_targets() {
    BpeTokenizer tok = BpeTrainer.train(PasskeyTest.TEXT, 300, List.of(), PreTokenizer.GPT2);
    int[] hay = tok.encode(PasskeyTest.TEXT.repeat(8));
    int seq = 96;
    PasskeyTrainData data = new PasskeyTrainData(new TokenTrainData(hay, hay, 4, seq, 1), hay, new Passkey(tok), 1.0, 3);
    Set<String> keys = new HashSet<>();
    for (long step = 0; step < 5; step++) {
      Batch b = data.train(step);
      for (long r = 0; r < 4; r++) {
        int[] x = row(b.inputs(), r);
        int[] y = row(b.targets(), r);
        for (int t = 0; t + 1 < seq; t++) assertThat(y[t]).isEqualTo(x[t + 1]); // targets = inputs shifted, nothing masked
        String in = tok.decode(x);
        Matcher m = NEEDLE.matcher(in);
        assertThat(m.find()).as("needle in row %d of step %d: %s", r, step, in).isTrue();
        String key = m.group(1);
        assertThat(m.group(2)).isEqualTo(key);
        // the question and the whole answer sit in the same window as the needle
        assertThat(tok.decode(y)).endsWith(" What is the pass key? The pass key is " + key + ".");
        keys.add(key);
      }
    }
    assertThat(keys).hasSizeGreaterThanOrEqualTo(19); // 20 rows, 5-digit keys: a repeat is a 1-in-470 event
  }

  @Test
  void repeated_rows_from_a_copy_vocabulary_repeat_a_span_of_its_ids_at_the_stated_distance_and_it_holds_every_key_digit() {
    BpeTokenizer tok = BpeTrainer.train(PasskeyTest.TEXT, 300, List.of(), PreTokenizer.GPT2);
    int[] hay = tok.encode(PasskeyTest.TEXT.repeat(8));
    int seq = 64;
    Passkey passkey = new Passkey(tok);
    int[] pool = passkey.copyVocabulary(24, 3);
    Set<Integer> ids = new HashSet<>();
    for (int id : pool) ids.add(id);
    assertThat(ids).hasSize(24); // distinct
    for (int k = 0; k < 50; k++) { // every token of any answer that holds a digit is in the pool
      for (int id : tok.encode(" " + Passkey.randomKey(new java.util.SplittableRandom(k)) + ".")) {
        if (tok.decode(new int[] {id}).chars().anyMatch(Character::isDigit)) assertThat(ids).contains(id);
      }
    }
    PasskeyTrainData data = new PasskeyTrainData(new TokenTrainData(hay, hay, 4, seq, 1), hay, passkey, 0, 0, 1.0, 24, 8, 32, 3);
    for (long step = 0; step < 5; step++) {
      Batch b = data.train(step);
      for (long r = 0; r < 4; r++) {
        int[] x = row(b.inputs(), r);
        int[] y = row(b.targets(), r);
        for (int t = 0; t + 1 < seq; t++) assertThat(y[t]).isEqualTo(x[t + 1]);
        for (int id : x) assertThat(ids).contains(id);
        int[] doc = java.util.Arrays.copyOf(x, seq + 1); // the row's document: inputs and the last target
        doc[seq] = y[seq - 1];
        assertThat(repeatsWithin(doc, 8, 32)).as("row %d of step %d repeats its span", r, step).isTrue();
      }
    }
  }

  @Test
  void a_copy_vocabulary_larger_than_the_vocabulary_is_refused_with_its_option_named() {
    BpeTokenizer tok = BpeTrainer.train(PasskeyTest.TEXT, 300, List.of(), PreTokenizer.GPT2);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Passkey(tok).copyVocabulary(tok.vocabSize() + 1, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--repeat-vocab");
  }

  /** True when doc[i] == doc[i - p] for every i, for some copy distance p in [lo, hi]. */
  static boolean repeatsWithin(int[] doc, int lo, int hi) {
    for (int p = lo; p <= hi; p++) {
      boolean ok = true;
      for (int i = p; i < doc.length && ok; i++) ok = doc[i] == doc[i - p];
      if (ok) return true;
    }
    return false;
  }
}
