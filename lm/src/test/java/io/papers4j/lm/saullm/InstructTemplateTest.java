package io.papers4j.lm.saullm;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.core.tokenize.BpeTrainer;
import io.papers4j.core.tokenize.PreTokenizer;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstructTemplateTest {
  static final BpeTokenizer TOK = BpeTrainer.train(
      "[INST] Is the MIT licence OSI-approved? [/INST] Yes\n[INST] Who holds the copyright? [/INST] No\n", 300,
      List.of(), PreTokenizer.GPT2);

  @Test
  void loss_is_on_the_answer_tokens_only() {
    String q = "Is the MIT licence OSI-approved? Answer by only outputting 'Yes' or 'No'.";
    InstructTemplate.Encoded e = InstructTemplate.encode(TOK, q, "Yes");
    int[] prompt = TOK.encode(InstructTemplate.prompt(q));
    int[] answer = TOK.encode(" Yes\n");
    assertThat(e.ids()).hasSize(prompt.length + answer.length);
    int[][] xy = e.inputsAndTargets();
    int[] x = xy[0];
    int[] y = xy[1];
    assertThat(x).hasSize(e.ids().length - 1);
    // Targets 0 .. P-2 predict prompt tokens: ignored. Targets P-1 .. end predict the answer: kept.
    for (int i = 0; i < y.length; i++) {
      if (i < prompt.length - 1) {
        assertThat(y[i]).as("target %d", i).isEqualTo(InstructTemplate.IGNORE);
      } else {
        assertThat(y[i]).as("target %d", i).isEqualTo(answer[i - prompt.length + 1]);
      }
    }
    // The decoded supervised tokens are exactly the answer and its end marker.
    int[] kept = java.util.Arrays.stream(y).filter(v -> v != InstructTemplate.IGNORE).toArray();
    assertThat(TOK.decode(kept)).isEqualTo(" Yes\n");
  }
}
