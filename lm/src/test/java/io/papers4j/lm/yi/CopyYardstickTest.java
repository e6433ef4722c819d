package io.papers4j.lm.yi;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import io.papers4j.lm.train.TokenTrainData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The yardstick scores exactly the tokens only a lookup can predict, and nothing else. */
class CopyYardstickTest {
  static final int SEQ = 128;
  static final int DOCS = 6;

  @Test
  void it_scores_the_five_key_digits_of_the_second_mention_and_of_the_answer() {
    CopyYardstick y = new CopyYardstick(new Passkey(PasskeyTest.tok()), PasskeyTest.hay(), SEQ, DOCS, 5);
    for (int r = 0; r < DOCS; r++) {
      List<Long> mention = new ArrayList<>();
      List<Long> answer = new ArrayList<>();
      for (int t = 0; t < SEQ; t++) {
        int i = r * SEQ + t;
        assertThat(y.mentionAt[i] && y.answerAt[i]).isFalse();
        if (y.mentionAt[i]) mention.add(y.passkeyNext[i]);
        if (y.answerAt[i]) answer.add(y.passkeyNext[i]);
      }
      String m = PasskeyTest.tok().decode(mention.stream().mapToInt(Long::intValue).toArray());
      String a = PasskeyTest.tok().decode(answer.stream().mapToInt(Long::intValue).toArray());
      assertThat(m.strip()).matches("\\d{5}"); // this small test BPE may merge the space into the first digit
      assertThat(a).isEqualTo(m);
      // the answer digits are the last five scored tokens before the closing full stop
      assertThat(PasskeyTest.tok().decode(new int[] {(int) y.passkeyNext[r * SEQ + SEQ - 1]})).isEqualTo(".");
      assertThat(y.answerAt[r * SEQ + SEQ - 2]).isTrue();
    }
  }

  @Test
  void repeated_token_documents_score_every_token_after_the_first_span() {
    CopyYardstick y = new CopyYardstick(new Passkey(PasskeyTest.tok()), PasskeyTest.hay(), SEQ, DOCS, 5);
    for (int r = 0; r < DOCS; r++) {
      int first = -1;
      for (int t = 0; t < SEQ; t++) {
        int i = r * SEQ + t;
        if (y.repeat.at()[i] && first < 0) first = t;
        if (first >= 0) assertThat(y.repeat.at()[i]).isTrue();
      }
      int span = first + 1; // the input at `first` predicts doc[span], the first copied token
      assertThat(span).isBetween(Passkey.MIN_REPEAT, Passkey.MAX_REPEAT);
      for (int t = span; t < SEQ; t++) assertThat(y.repeat.next()[r * SEQ + t - 1]).isEqualTo(y.repeat.docs()[r * SEQ + t - span]);
    }
  }

  @Test
  void repeated_tokens_copy_at_a_distance_that_varies_over_16_to_120() {
    Passkey p = new Passkey(PasskeyTest.tok());
    SplittableRandom rng = new SplittableRandom(3);
    int lo = Integer.MAX_VALUE;
    int hi = 0;
    for (int k = 0; k < 400; k++) {
      int[] doc = p.repeatedTokens(129, rng);
      int span = CopyYardstick.period(doc);
      for (int i = span; i < doc.length; i++) assertThat(doc[i]).isEqualTo(doc[i - span]);
      lo = Math.min(lo, span);
      hi = Math.max(hi, span);
    }
    assertThat(lo).isLessThanOrEqualTo(20);
    assertThat(hi).isGreaterThanOrEqualTo(115).isLessThanOrEqualTo(120);
  }

  @Test
  void repeat_train_draws_the_ids_and_distances_the_training_rows_do_and_repeat_the_whole_vocabulary() {
    Passkey p = new Passkey(PasskeyTest.tok());
    int[] hay = PasskeyTest.hay();
    int seq = SEQ;
    // the rows of lm train --repeat-fraction 1 --repeat-vocab 24 --repeat-span 8-32 --seed 3
    PasskeyTrainData train = new PasskeyTrainData(new TokenTrainData(hay, hay, 4, seq, 1), hay, p, 0, 0, 1.0, 24, 8, 32, 3);
    Set<Long> trained = new HashSet<>();
    for (long step = 0; step < 20; step++) {
      for (long r = 0; r < 4; r++) for (int id : PasskeyTrainDataTest.row(train.train(step).inputs(), r)) trained.add((long) id);
    }
    assertThat(trained).hasSize(24); // 80 rows cover the whole copy vocabulary

    CopyYardstick y = new CopyYardstick(p, hay, seq, DOCS, 5, new CopyYardstick.RepeatRows(24, 3, 8, 32));
    for (int r = 0; r < DOCS; r++) {
      int first = -1;
      for (int t = 0; t < seq && first < 0; t++) if (y.repeatTrain.at()[r * seq + t]) first = t;
      assertThat(first + 1).as("copy distance of document %d", r).isBetween(8, 32);
      for (int t = 0; t < seq; t++) assertThat(trained).contains(y.repeatTrain.docs()[r * seq + t]);
    }
    // repeat keeps the documents of a yardstick without rows (the numbers logged before), which reach beyond the pool
    CopyYardstick plain = new CopyYardstick(p, hay, seq, DOCS, 5);
    assertThat(y.repeat.docs()).isEqualTo(plain.repeat.docs());
    assertThat(y.passkeyDocs).isEqualTo(plain.passkeyDocs);
    assertThat(Arrays.stream(y.repeat.docs()).filter(id -> !trained.contains(id)).count()).isPositive();
    // with the default rows the two scores are one measurement on the same documents
    assertThat(plain.repeatTrain).isSameAs(plain.repeat);
    assertThat(new CopyYardstick.RepeatRows(0, 3, Passkey.MIN_REPEAT, Passkey.MAX_REPEAT))
        .isEqualTo(CopyYardstick.RepeatRows.WHOLE_VOCABULARY);
  }

  @Test
  void an_untrained_model_scores_near_chance_and_the_scores_are_fractions() {
    LlamaConfig c = LlamaConfig.llama(PasskeyTest.tok().vocabSize(), 32, 64, 2, 2, 2, 256, 1e-5, 10000.0, true);
    CopyYardstick y = new CopyYardstick(new Passkey(PasskeyTest.tok()), PasskeyTest.hay(), SEQ, DOCS, 5);
    CopyYardstick.Score s = y.score(new LlamaModel(c, 1), 0);
    assertThat(s.repeat()).isLessThan(0.2); // chance 1/300
    assertThat(s.repeatTrain()).isEqualTo(s.repeat()); // the default rows: the same documents
    CopyYardstick pooled = new CopyYardstick(new Passkey(PasskeyTest.tok()), PasskeyTest.hay(), SEQ, DOCS, 5,
        new CopyYardstick.RepeatRows(24, 3, 8, 32));
    assertThat(pooled.score(new LlamaModel(c, 1), 0).repeatTrain()).isBetween(0.0, 1.0);
    assertThat(s.mention()).isBetween(0.0, 1.0);
    assertThat(s.answer()).isBetween(0.0, 1.0);
  }
}
