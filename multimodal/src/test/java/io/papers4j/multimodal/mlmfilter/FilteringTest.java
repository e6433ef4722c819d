package io.papers4j.multimodal.mlmfilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FilteringTest {
  @Test
  void keeps_exactly_the_requested_fraction() {
    Random r = new Random(3);
    for (int n : new int[] {1, 7, 10, 333, 1000}) {
      double[] s = new double[n];
      for (int i = 0; i < n; i++) s[i] = r.nextInt(5); // many ties
      for (double f : new double[] {0.1, 0.3, 0.5, 1.0}) {
        assertThat(Filtering.keep(s, f)).hasSize((int) Math.round(f * n)).isSorted();
      }
    }
  }

  @Test
  void ties_are_broken_by_pool_order_and_malformed_scores_rank_last() {
    double[] s = {50, 70, Double.NaN, 70, 50, 90, 50, 0};
    assertThat(Filtering.keep(s, 0.5)).containsExactly(0, 1, 3, 5); // 90, 70, 70, then the first 50
    assertThat(Filtering.keep(s, 0.625)).containsExactly(0, 1, 3, 4, 5);
    assertThat(Filtering.keep(s, 1.0)).hasSize(8);
    double[] allBad = {Double.NaN, Double.NaN, Double.NaN};
    assertThat(Filtering.keep(allBad, 0.34)).containsExactly(0);
  }

  @Test
  void a_fraction_outside_0_1_is_refused() {
    assertThatThrownBy(() -> Filtering.keep(new double[] {1}, 0)).hasMessageContaining("--keep must be in (0, 1]");
    assertThatThrownBy(() -> Filtering.keep(new double[] {1}, 1.5)).hasMessageContaining("--keep must be in (0, 1]");
  }

  @Test
  void and_is_the_minimum_or_the_maximum() {
    assertThat(Filtering.and(new double[] {10, 80}, new double[] {50, 60})).containsExactly(10, 60);
    assertThat(Filtering.or(new double[] {10, Double.NaN}, new double[] {50, 60})).containsExactly(50, 60);
  }

  @Test
  void the_basic_filter_drops_file_names_spam_and_one_word_captions() {
    assertThat(Filtering.basic("a large red circle on the left")).isEqualTo(1);
    assertThat(Filtering.basic("IMG_1234.jpg")).isEqualTo(0);
    assertThat(Filtering.basic("DSC01234")).isEqualTo(0);
    assertThat(Filtering.basic("A LARGE RED CIRCEL")).isEqualTo(0);
    assertThat(Filtering.basic("circle")).isEqualTo(0);
  }

  @Test
  void correlations_match_scipy() throws Exception {
    JsonNode cases = new ObjectMapper().readTree(getClass().getResourceAsStream("/mlmfilter/correlations.json"));
    for (JsonNode c : cases) {
      double[] x = new double[c.get("x").size()], y = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = c.get("x").get(i).asDouble();
        y[i] = c.get("y").get(i).asDouble();
      }
      assertThat(Filtering.pearson(x, y)).isCloseTo(c.get("pearson").asDouble(), within(1e-12));
      assertThat(Filtering.spearman(x, y)).isCloseTo(c.get("spearman").asDouble(), within(1e-12));
    }
  }
}
