package io.papers4j.multimodal.mlmfilter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ScoreParserTest {
  @Test
  void reads_the_score_on_the_first_line() {
    assertThat(ScoreParser.read("73\nthe caption names the objects")).isEqualTo(OptionalInt.of(73));
    assertThat(ScoreParser.read("  100\n")).isEqualTo(OptionalInt.of(100));
    assertThat(ScoreParser.read("0")).isEqualTo(OptionalInt.of(0));
    assertThat(ScoreParser.read("85/100 fluent")).isEqualTo(OptionalInt.of(85));
    assertThat(ScoreParser.read("42.")).isEqualTo(OptionalInt.of(42));
    assertThat(ScoreParser.read("\n 9 \nx")).isEqualTo(OptionalInt.of(9));
  }

  @Test
  void reads_padded_scores_and_the_score_after_a_presence_line() {
    assertThat(ScoreParser.read("095\nmatches")).isEqualTo(OptionalInt.of(95));
    assertThat(ScoreParser.read("007\n")).isEqualTo(OptionalInt.of(7));
    assertThat(ScoreParser.read("100")).isEqualTo(OptionalInt.of(100));
    assertThat(ScoreParser.read("yes\n095\nmatches")).isEqualTo(OptionalInt.of(95));
    assertThat(ScoreParser.read("no\n010\n")).isEqualTo(OptionalInt.of(10));
    assertThat(ScoreParser.read("no\n010")).isEqualTo(OptionalInt.of(10)); // cut at the end of the answer field
    assertThat(ScoreParser.read("yes\n95")).isEqualTo(OptionalInt.of(95));
  }

  @Test
  void a_presence_line_without_a_score_and_other_first_lines_are_malformed() {
    ScoreParser p = new ScoreParser();
    // "900": a plain score with a digit too many (docs/mlm-filter.md, "The '900' outputs"); "no" alone: no score line
    String[] bad = {"900\n", "no", "no\n", "yes\n\n", "yes\n900", "maybe\n95", "yes no\n95", "no\nyes\n50"};
    for (String s : bad) assertThat(p.parse(s)).as(s).isEmpty();
    assertThat(p.malformed()).isEqualTo(bad.length);
  }

  @Test
  void malformed_outputs_are_empty_and_counted_never_thrown() {
    ScoreParser p = new ScoreParser();
    String[] bad = {"", null, "abc", "101", "1000", "7a", "-5", "score: 50", "\u0663\u0665", "12x\n50", "\n\n"};
    for (String s : bad) assertThat(p.parse(s)).as(String.valueOf(s)).isEmpty();
    assertThat(p.parse("64\n")).hasValue(64);
    assertThat(p.malformed()).isEqualTo(bad.length);
    assertThat(p.parsed()).isEqualTo(1);
  }
}
