package io.papers4j.lm.reasoning;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SyntheticProblemsTest {
  private static final Pattern ANN = Pattern.compile("<<([^=]+)=([^>]+)>>(\\S+?)\\.");

  @Test
  void solutions_are_in_gsm8k_format_with_correct_annotations_and_answers() {
    List<Problem> ps = SyntheticProblems.generate(300, 1, 4, 5, Set.of());
    for (Problem p : ps) {
      assertThat(p.solution()).endsWith(Gsm8kGrader.MARKER + " " + p.answer());
      assertThat(p.isCorrect(p.solution())).isTrue();
      int steps = SyntheticProblems.steps(p);
      assertThat(steps).isBetween(1, 4);
      assertThat(p.solution().split("\n")).hasSize(steps + 1);
      Matcher m = ANN.matcher(p.solution());
      String last = null;
      int found = 0;
      while (m.find()) {
        found++;
        BigDecimal v = Calculator.evaluate(m.group(1)).orElseThrow();
        assertThat(Calculator.format(v)).isEqualTo(m.group(2)).isEqualTo(m.group(3));
        assertThat(v.signum()).isGreaterThanOrEqualTo(0);
        assertThat(v.intValue()).isLessThan(1000);
        last = m.group(2);
      }
      assertThat(found).isEqualTo(steps);
      assertThat(new BigDecimal(last)).isEqualByComparingTo(p.answer());
      // every number the solution starts from appears in the question
      assertThat(p.question()).contains(p.solution().substring(p.solution().indexOf("so ") + 3).split("[+*-]")[0]);
    }
    // difficulty is spread over the range
    assertThat(ps.stream().mapToInt(SyntheticProblems::steps).distinct().count()).isEqualTo(4);
  }

  @Test
  void training_sets_never_contain_held_out_questions_and_generation_is_deterministic() {
    List<Problem> test = SyntheticProblems.generate(200, 2, 3, 1, Set.of());
    Set<String> held = SyntheticProblems.hashes(test);
    List<Problem> train = SyntheticProblems.generate(2000, 2, 3, 2, held);
    assertThat(SyntheticProblems.hashes(train)).doesNotContainAnyElementsOf(held).hasSize(2000);
    for (Problem p : train) assertThat(test.stream().map(Problem::question)).doesNotContain(p.question());
    assertThat(SyntheticProblems.generate(50, 2, 3, 1, Set.of())).isEqualTo(test.subList(0, 50));
  }

  @Test
  void the_bundled_gsm8k_copy_has_both_splits_and_grades_its_own_gold() {
    List<Problem> test = Gsm8kData.split("test");
    assertThat(test).hasSize(1319);
    assertThat(Gsm8kData.split("train")).hasSize(7473);
    for (Problem p : test) assertThat(p.isCorrect(p.solution())).isTrue();
    assertThat(test.get(0).question()).startsWith("Janet");
  }
}
