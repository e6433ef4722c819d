package io.papers4j.lm.reasoning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class Gsm8kGraderTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "INVALID",
      value = {
        // GSM8K's own format
        "'Natalia sold 48/2 = <<48/2=24>>24 clips in May.\n#### 72' | 72",
        "'#### 1,000' | 1000",
        "'#### 1,234,567' | 1234567",
        "'#### -3' | -3",
        "'#### 0.5' | 0.5",
        "'#### .5' | 0.5",
        // model output the reference regex would also accept but compares as strings
        "'#### 5.00' | 5",
        "'#### 18.' | 18",
        "'#### 18.\n' | 18",
        // currency, units, percent, spacing
        "'#### $18' | 18",
        "'#### $1,080.50' | 1080.5",
        "'#### -$4' | -4",
        "'#### $-4' | -4",
        "'####18 dollars' | 18",
        "'#### 12% of them' | 12",
        "'#### 7 apples.' | 7",
        // the last marker counts; text after the number line is ignored
        "'#### 3\n#### 4' | 4",
        "'#### 9\nThe end.' | 9",
        // no answer
        "'The answer is 42' | INVALID",
        "'####' | INVALID",
        "'#### forty-two' | INVALID",
        "'#### \n42' | INVALID",
      })
  void extracts_the_final_answer(String completion, String expected) {
    assertThat(Gsm8kGrader.answerKey(completion)).isEqualTo(expected);
  }

  @Test
  void grades_by_value_against_the_reference() {
    String gold = "Weng earns 12/60 = $<<12/60=0.2>>0.2 per minute.\n#### 10";
    assertThat(Gsm8kGrader.isCorrect("so $10.00 total\n#### $10.00", gold)).isTrue();
    assertThat(Gsm8kGrader.isCorrect("#### 10.", gold)).isTrue();
    assertThat(Gsm8kGrader.isCorrect("#### 100", gold)).isFalse();
    assertThat(Gsm8kGrader.isCorrect("10", gold)).isFalse();
    assertThat(Gsm8kGrader.matches("#### -0", BigDecimal.ZERO)).isTrue();
    assertThatThrownBy(() -> Gsm8kGrader.isCorrect("#### 1", "no marker"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("####");
  }
}
