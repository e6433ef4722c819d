package io.papers4j.multimodal.mlmfilter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OracleTest {
  private static final Scene TWO = new Scene(List.of(new Scene.Obj(0, 0, 1, 0), new Scene.Obj(3, 2, 0, 1)), false, 1);

  private static Oracle.Truth score(Captions.Defect d, long seed) {
    Scene other = new Scene(List.of(new Scene.Obj(1, 4, 0, 2)), false, 2);
    return Oracle.scene(TWO, Captions.make(TWO, d, other, new Random(seed)));
  }

  @Test
  void a_clean_full_caption_scores_100_on_matching_and_details() {
    Captions.Caption c = Captions.make(TWO, Captions.Defect.CLEAN, TWO, new Random(0));
    assertThat(c.text()).contains("a large red circle on the left and a small blue star on the right");
    Oracle.Truth t = Oracle.scene(TWO, c);
    assertThat(t.score(Metric.ITM)).isEqualTo(100);
    assertThat(t.score(Metric.ODF)).isEqualTo(100);
    assertThat(t.score(Metric.SU)).isEqualTo(16); // 8 + 8 for stated positions, no entity
  }

  @Test
  void the_formulas_of_the_javadoc_hold_for_each_defect() {
    // shuffled: the other scene's square exists nowhere here → cover 0, precision 0; 2 wrong per mention
    Scene other = new Scene(List.of(new Scene.Obj(1, 4, 0, 2)), false, 2);
    Captions.Caption shuffled = Captions.make(TWO, Captions.Defect.SHUFFLED, other, new Random(0));
    assertThat(shuffled.text()).endsWith("a small purple square at the top");
    int words = shuffled.text().split(" ").length;
    assertThat(Oracle.scene(TWO, shuffled).scores()).containsExactly(0, 0, 60 + 4 * Math.min(words, 8), 16);
    assertThat(score(Captions.Defect.JUNK, 0).scores()).containsExactly(0, 0, 3, 0);
    // wrong object: a mention of an absent shape with the main object's attributes
    assertThat(score(Captions.Defect.WRONG_OBJECT, 0).score(Metric.ITM)).isEqualTo(0);
    // a correct named entity: only the main shape is named → cover 2/3, precision 1 → 0.6·2/3 + 0.4 = 0.8
    Oracle.Truth e = score(Captions.Defect.ENTITY, 0);
    assertThat(e.score(Metric.ITM)).isEqualTo(80);
    assertThat(e.score(Metric.ODF)).isEqualTo(0);
    assertThat(e.score(Metric.SU)).isEqualTo(88);
    assertThat(score(Captions.Defect.WRONG_ENTITY, 0).score(Metric.SU)).isEqualTo(48);
    assertThat(score(Captions.Defect.SPAM, 0).score(Metric.CTQ)).isEqualTo(12);
  }

  @Test
  void a_swapped_attribute_lowers_details_more_than_matching() {
    for (long seed = 0; seed < 20; seed++) {
      Oracle.Truth t = score(Captions.Defect.SWAP, seed);
      assertThat(t.score(Metric.ODF)).isLessThan(100).isLessThanOrEqualTo(t.score(Metric.ITM));
    }
  }

  @Test
  void truncation_keeps_only_the_mentions_it_did_not_cut() {
    for (long seed = 0; seed < 20; seed++) {
      Captions.Caption c = Captions.make(TWO, Captions.Defect.TRUNCATED, TWO, new Random(seed));
      assertThat(c.mentions().size()).isLessThan(2);
      assertThat(Oracle.scene(TWO, c).score(Metric.CTQ)).isEqualTo(30);
    }
  }

  @Test
  void the_teacher_adds_bounded_noise() {
    Random r = new Random(1);
    for (int i = 0; i < 200; i++) assertThat(Oracle.noisy(98, 10, r)).isBetween(0, 100);
    assertThat(Oracle.noisy(42, 0, r)).isEqualTo(42);
  }

  @Test
  void the_pool_is_deterministic_and_has_the_defect_mix() {
    List<WebPool.Pair> a = WebPool.build(300, 5, 0.15, java.nio.file.Path.of("/nonexistent")), b = WebPool.build(300, 5, 0.15, java.nio.file.Path.of("/nonexistent"));
    assertThat(a).extracting(WebPool.Pair::caption).isEqualTo(b.stream().map(WebPool.Pair::caption).toList());
    assertThat(a).extracting(WebPool.Pair::defect).contains("clean", "shuffled", "junk", "entity", "swap");
  }
}
