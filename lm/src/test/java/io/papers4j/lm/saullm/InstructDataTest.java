package io.papers4j.lm.saullm;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.core.tokenize.BpeTrainer;
import io.papers4j.core.tokenize.PreTokenizer;
import io.papers4j.core.train.Batch;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class InstructDataTest {
  static BpeTokenizer tok;
  static final List<LegalTasks.Example> XS = new ArrayList<>();

  @BeforeAll
  static void setUp() {
    Engine.init();
    tok = BpeTrainer.train("[INST] Is the licence above copyleft? Answer by only outputting 'Yes' or 'No'. [/INST] Yes\n"
        + "Who holds the copyright? Jane Roe, 2004. GPL-2+ MIT Apache\n", 320, List.of(), PreTokenizer.GPT2);
    String[] answers = {"Yes", "No", "Jane Roe", "2004", "GPL-2+"};
    for (int i = 0; i < 30; i++) {
      XS.add(new LegalTasks.Example("t", "d" + i, "Text " + "word ".repeat(i % 7) + "number " + i + "? Answer.",
          answers[i % answers.length]));
    }
    XS.add(new LegalTasks.Example("t", "long", "far too long ".repeat(200), "Yes")); // cannot fit a row
  }

  @Test
  void targets_are_exactly_the_answer_tokens_of_the_packed_examples() {
    int seq = 64;
    InstructData d = new InstructData(tok, XS, XS.subList(0, 6), 3, seq, 11);
    assertThat(d.dropped()).isEqualTo(1); // the long example (it is in the training list only)
    for (long step = 0; step < 4; step++) {
      try (PointerScope s = new PointerScope()) {
        Batch b = d.train(step);
        assertThat(new long[] {b.inputs().size(0), b.inputs().size(1)}).containsExactly(3, seq);
        long[] x = new long[3 * seq];
        long[] y = new long[3 * seq];
        b.inputs().contiguous().data_ptr_long().get(x);
        b.targets().contiguous().data_ptr_long().get(y);
        long kept = 0;
        for (int r = 0; r < 3; r++) {
          List<InstructTemplate.Encoded> row = d.row(step, r);
          assertThat(row).isNotEmpty();
          // rebuild the row by hand: the expected target at t is ids[t+1] where that id is an answer id
          List<Integer> ids = new ArrayList<>();
          List<Boolean> ans = new ArrayList<>();
          for (InstructTemplate.Encoded e : row) {
            for (int i = 0; i < e.ids().length; i++) {
              ids.add(e.ids()[i]);
              ans.add(e.answer()[i]);
            }
          }
          assertThat(ids.size()).isLessThanOrEqualTo(seq + 1);
          for (int t = 0; t < seq; t++) {
            long want = t + 1 < ids.size() && ans.get(t + 1) ? ids.get(t + 1) : InstructTemplate.IGNORE;
            assertThat(y[r * seq + t]).as("row %d target %d", r, t).isEqualTo(want);
            if (t + 1 < ids.size()) assertThat(x[r * seq + t]).isEqualTo((long) ids.get(t));
            if (want != InstructTemplate.IGNORE) kept++;
          }
        }
        assertThat(b.items()).isEqualTo(kept);
        // the same step gives the same batch (exact resume)
        long[] y2 = new long[3 * seq];
        d.train(step).targets().contiguous().data_ptr_long().get(y2);
        assertThat(y2).containsExactly(y);
      }
    }
  }

  @Test
  void the_supervised_text_of_a_validation_batch_is_the_answers_in_order() {
    List<LegalTasks.Example> val = XS.subList(0, 5);
    InstructData d = new InstructData(tok, XS.subList(0, 30), val, 8, 128, 0);
    StringBuilder want = new StringBuilder();
    for (LegalTasks.Example e : val) want.append(' ').append(e.answer()).append('\n');
    StringBuilder got = new StringBuilder();
    for (int i = 0; i < d.validationBatches(); i++) {
      try (PointerScope s = new PointerScope()) {
        Batch b = d.validation(i);
        long[] y = new long[(int) b.targets().numel()];
        b.targets().contiguous().data_ptr_long().get(y);
        List<Integer> kept = new ArrayList<>();
        for (long v : y) if (v != InstructTemplate.IGNORE) kept.add((int) v);
        got.append(tok.decode(kept.stream().mapToInt(Integer::intValue).toArray()));
      }
    }
    assertThat(got.toString()).isEqualTo(want.toString());
  }
}
