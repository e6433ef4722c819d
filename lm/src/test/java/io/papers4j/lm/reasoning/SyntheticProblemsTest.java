package io.papers4j.lm.reasoning;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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

  @Test
  void mixed_problems_with_distractors_answer_what_the_question_says() {
    SyntheticProblems.Difficulty d = new SyntheticProblems.Difficulty(1, 6, 60, 2, true);
    List<Problem> ps = SyntheticProblems.generate(1500, d, 9, Set.of());
    Set<String> forms = new HashSet<>();
    int withDistractor = 0;
    for (Problem p : ps) {
      // the answer of an interpreter that reads the question sentence by sentence
      assertThat(p.question().length()).isLessThanOrEqualTo(SyntheticProblems.MAX_QUESTION_CHARS);
      Story story = Story.read(p.question());
      assertThat(story.answer).as(p.question()).isEqualTo(p.answer().intValueExact());
      forms.addAll(story.forms);
      if (story.irrelevant > 0) withDistractor++;
      // the worked solution: every annotation evaluates to the value written after it, each line starts
      // from the previous line's result, the last result is the answer after ####
      assertThat(p.isCorrect(p.solution())).isTrue();
      int steps = SyntheticProblems.steps(p);
      assertThat(steps).isBetween(1, 6).isEqualTo(story.steps);
      assertThat(p.solution().split("\n")).hasSize(steps + 1);
      Matcher m = ANN.matcher(p.solution());
      String previous = String.valueOf(story.start);
      while (m.find()) {
        BigDecimal v = Calculator.evaluate(m.group(1)).orElseThrow();
        assertThat(Calculator.format(v)).isEqualTo(m.group(2)).isEqualTo(m.group(3));
        assertThat(m.group(1)).matches(Pattern.quote(previous) + "[-+*/]\\d+");
        assertThat(v.signum()).isGreaterThan(0);
        assertThat(v.intValueExact()).isLessThan(SyntheticProblems.MIXED_LIMIT);
        previous = m.group(2);
      }
      assertThat(new BigDecimal(previous)).isEqualByComparingTo(p.answer());
    }
    // every kind of sentence occurs: the five operations, the friend's count used and unused, both distractors
    assertThat(forms).containsExactlyInAnyOrder("buys", "loses", "times", "splits", "friend gives", "has", "also has");
    assertThat(withDistractor).isGreaterThan(ps.size() / 2);
    assertThat(ps.stream().filter(p -> p.question().contains(" gives her ") || p.question().contains(" gives him ")).count())
        .isBetween(ps.size() / 4L, ps.size() - ps.size() / 4L);
    assertThat(ps.stream().mapToInt(SyntheticProblems::steps).distinct().count()).isEqualTo(6);
    assertThat(ps.stream().mapToInt(p -> p.answer().intValueExact()).max().orElseThrow()).isGreaterThan(1000);
  }

  @Test
  void the_difficulty_knob_names_its_levels_and_easy_is_the_basic_generator() {
    assertThat(SyntheticProblems.Difficulty.of("easy")).isEqualTo(SyntheticProblems.Difficulty.basic(2, 3));
    assertThat(SyntheticProblems.generate(40, SyntheticProblems.Difficulty.of("easy"), 3, Set.of()))
        .isEqualTo(SyntheticProblems.generate(40, 2, 3, 3, Set.of()));
    SyntheticProblems.Difficulty hard = SyntheticProblems.Difficulty.of("hard");
    List<Problem> test = SyntheticProblems.generate(200, hard, 1, Set.of());
    List<Problem> train = SyntheticProblems.generate(1000, hard, 2, SyntheticProblems.hashes(test));
    assertThat(SyntheticProblems.hashes(train)).doesNotContainAnyElementsOf(SyntheticProblems.hashes(test)).hasSize(1000);
    for (Problem p : test) assertThat(SyntheticProblems.steps(p)).isBetween(hard.minSteps(), hard.maxSteps());
    assertThat(SyntheticProblems.generate(20, hard, 1, Set.of())).isEqualTo(test.subList(0, 20));
    assertThat(SyntheticProblems.Difficulty.of("medium")).isEqualTo(new SyntheticProblems.Difficulty(2, 3, 60, 2, true));
    assertThatThrownBy(() -> SyntheticProblems.Difficulty.of("extreme")).hasMessageContaining("easy, medium or hard");
    assertThatThrownBy(() -> new SyntheticProblems.Difficulty(3, 2, 60, 0, true)).hasMessageContaining("steps");
    assertThatThrownBy(() -> new SyntheticProblems.Difficulty(1, 2, 2, 0, true)).hasMessageContaining("max number");
    assertThatThrownBy(() -> new SyntheticProblems.Difficulty(1, 2, 60, 3, true)).hasMessageContaining("distractors");
  }

  @Test
  void each_level_s_token_budget_holds_its_gold_solutions_and_fits_the_context_beside_its_longest_question() {
    int context = Sft.tinyConfig().maxPositionEmbeddings();
    for (String level : new String[] {"easy", "medium", "hard"}) {
      int budget = SyntheticProblems.Difficulty.tokenBudget(level);
      List<Problem> ps = SyntheticProblems.generate(2000, SyntheticProblems.Difficulty.of(level), 11, Set.of());
      int over = 0;
      int longestPrompt = 0;
      for (Problem p : ps) {
        if (sampledTokens(p.solution()) > budget) over++;
        longestPrompt = Math.max(longestPrompt, Sft.prompt(p.question(), null).length);
      }
      // easy and medium: every gold solution fits; hard's budget is the most the context allows, and
      // a rare gold solution needs a token or two more (none of 5,000 at seed 3, one of 3,000 at seed 5)
      assertThat(over).as(level + ": gold solutions over the budget, of 2000").isLessThanOrEqualTo(level.equals("hard") ? 2 : 0);
      // Rollouts reserves the prompt plus twice the budget (calculator output is forced beyond it)
      assertThat(longestPrompt + 2 * budget).as(level + ": longest question + 2 x budget").isLessThanOrEqualTo(context);
    }
    assertThatThrownBy(() -> SyntheticProblems.Difficulty.tokenBudget("extreme")).hasMessageContaining("easy, medium or hard");
  }

  /**
   * The actions a rollout spends on a gold solution: its characters replayed one by one, where
   * after every {@code =} the calculator's completion is forced (not an action; it must be the
   * text that follows), plus the EOS action.
   */
  private static int sampledTokens(String solution) {
    StringBuilder text = new StringBuilder();
    int actions = 1; // EOS
    int i = 0;
    while (i < solution.length()) {
      char c = solution.charAt(i++);
      text.append(c);
      actions++;
      if (c != '=') continue;
      java.util.Optional<String> forced = Calculator.completion(text.toString());
      if (forced.isEmpty()) continue;
      assertThat(solution.substring(i)).startsWith(forced.get());
      text.append(forced.get());
      i += forced.get().length();
    }
    return actions;
  }

  /**
   * Reads a synthetic question as a story: who has how many of what, the operations on the first
   * person's count ("She" / "He" is always that person), a friend giving all of theirs, and the
   * final question. Counts what it read and how many stated quantities never mattered.
   */
  private static final class Story {
    final Set<String> forms = new HashSet<>();
    int answer;
    int start;
    int steps;
    int irrelevant;

    static Story read(String question) {
      Story st = new Story();
      Map<String, Integer> count = new HashMap<>(); // "name item" -> count
      Set<String> used = new HashSet<>();
      String main = null;
      String item = null;
      for (String s : question.split("(?<=[.?]) ")) {
        Matcher m;
        if ((m = Pattern.compile("(\\w+) has (\\d+) (\\w+)\\.").matcher(s)).matches()) {
          if (main == null) {
            main = m.group(1);
            item = m.group(3);
            st.start = Integer.parseInt(m.group(2));
          } else {
            st.forms.add("has");
          }
          count.put(m.group(1) + " " + m.group(3), Integer.parseInt(m.group(2)));
        } else if ((m = Pattern.compile("(\\w+) also has (\\d+) (\\w+)\\.").matcher(s)).matches()) {
          st.forms.add("also has");
          count.put(m.group(1) + " " + m.group(3), Integer.parseInt(m.group(2)));
        } else if ((m = Pattern.compile("(?:She|He) buys (\\d+) more\\.").matcher(s)).matches()) {
          int b = Integer.parseInt(m.group(1));
          st.apply(count, main + " " + item, v -> v + b, "buys");
        } else if ((m = Pattern.compile("(?:She|He) loses (\\d+)\\.").matcher(s)).matches()) {
          int b = Integer.parseInt(m.group(1));
          st.apply(count, main + " " + item, v -> v - b, "loses");
        } else if ((m = Pattern.compile("It (doubles|triples|quadruples)\\.").matcher(s)).matches()) {
          int k = List.of("doubles", "triples", "quadruples").indexOf(m.group(1)) + 2;
          st.apply(count, main + " " + item, v -> v * k, "times");
        } else if ((m = Pattern.compile("(?:She|He) keeps 1/(\\d+) of them\\.").matcher(s)).matches()) {
          int k = Integer.parseInt(m.group(1));
          assertThat(count.get(main + " " + item) % k).as("exact division in " + question).isZero();
          st.apply(count, main + " " + item, v -> v / k, "splits");
        } else if ((m = Pattern.compile("(\\w+) gives (?:her|him) (?:his|her) (\\w+)\\.").matcher(s)).matches()) {
          String from = m.group(1) + " " + m.group(2);
          int given = count.get(from);
          used.add(from);
          count.put(from, 0);
          st.apply(count, main + " " + item, v -> v + given, "friend gives");
        } else if ((m = Pattern.compile("How many (\\w+) does (\\w+) have now\\?").matcher(s)).matches()) {
          st.answer = count.get(m.group(2) + " " + m.group(1));
          used.add(m.group(2) + " " + m.group(1));
        } else {
          throw new AssertionError("unknown sentence '" + s + "' in " + question);
        }
      }
      for (String k : count.keySet()) if (!used.contains(k)) st.irrelevant++;
      return st;
    }

    void apply(Map<String, Integer> count, String key, java.util.function.IntUnaryOperator f, String form) {
      count.put(key, f.applyAsInt(count.get(key)));
      forms.add(form);
      steps++;
    }
  }
}
