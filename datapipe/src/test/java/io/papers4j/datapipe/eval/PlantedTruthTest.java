package io.papers4j.datapipe.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.datapipe.eval.RealCorpus.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PlantedTruthTest {
  /** A document of 60 distinct words drawn from its own vocabulary range, so unrelated documents share no shingles. */
  private static String words(int doc) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 60; i++) sb.append("w").append(doc).append('x').append(i).append(' ');
    return sb.toString().strip();
  }

  private static List<Text> corpus() {
    List<Text> c = new ArrayList<>();
    c.add(new Text("a", "copyright", words(1)));
    c.add(new Text("b", "copyright", words(2)));
    c.add(new Text("b-again", "copyright", words(2) + " trailer")); // a natural near-duplicate of b
    c.add(new Text("c", "kjv", words(3)));
    c.add(new Text("planted/exact/0/a", "planted-exact", words(1)));
    List<String> vocab = List.of("alpha", "beta", "gamma");
    c.add(new Text("planted/near-0.05/0/c", "planted-near-0.05", Planter.edit(words(3), 0.05, vocab, new SplittableRandom(1))));
    c.add(new Text("planted/near-0.05/1/b-again", "planted-near-0.05", words(2))); // copy of a dropped source
    c.add(new Text("planted/paragraph/0", "planted-paragraph", words(4))); // a new document, must be kept
    return c;
  }

  @Test
  void natural_duplicates_and_their_copies_leave_the_evaluation_set() {
    PlantedTruth.EvalSet e = PlantedTruth.build(corpus(), 2, 0.3);
    assertThat(e.docs()).extracting(Text::id)
        .containsExactly("a", "b", "c", "planted/exact/0/a", "planted/near-0.05/0/c", "planted/paragraph/0");
    assertThat(e.droppedNatural()).isEqualTo(1);
    assertThat(e.droppedCopies()).isEqualTo(1);
    assertThat(e.planted()).containsExactlyInAnyOrder(3, 4);
    assertThat(e.category("exact")).containsExactly(3);
    assertThat(e.category("0.05")).containsExactly(4);
    assertThat(e.category("0.1")).isEmpty();
  }

  @Test
  void scoring_against_planted_truth_counts_a_removed_real_document_as_a_false_positive() {
    PlantedTruth.EvalSet e = PlantedTruth.build(corpus(), 2, 0.3);
    DedupQuality.Score s = DedupQuality.score(Set.of(3, 1), e.planted()); // one copy and the real "b"
    assertThat(s.precision()).isEqualTo(0.5);
    assertThat(s.recall()).isEqualTo(0.5);
    assertThat(s.truePositives()).isEqualTo(1);
  }

  @Test
  void planted_ids_name_their_source_and_other_documents_have_no_category() {
    assertThat(PlantedTruth.sourceId(new Text("planted/near-0.1/7/copyright/pkg", "planted-near-0.1", "")))
        .isEqualTo("copyright/pkg");
    assertThat(PlantedTruth.category(new Text("planted/paragraph/0", "planted-paragraph", ""))).isNull();
    assertThat(PlantedTruth.category(new Text("x", "planted-near-0.02", ""))).isEqualTo("0.02");
    assertThatThrownBy(() -> PlantedTruth.sourceId(new Text("planted/exact", "planted-exact", "")))
        .hasMessageContaining("does not name its source");
  }
}
