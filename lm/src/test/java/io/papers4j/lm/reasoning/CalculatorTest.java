package io.papers4j.lm.reasoning;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CalculatorTest {
  @Test
  void evaluates_open_annotations_like_the_reference_sampler() {
    assertThat(Calculator.completion("Natalia sold 48/2 = <<48/2=")).contains("24>>");
    assertThat(Calculator.completion("so <<12/60=")).contains("0.2>>");
    assertThat(Calculator.completion("<<2*(3+4)-5=")).contains("9>>");
    assertThat(Calculator.completion("<<1,000*3=")).contains("3000>>");
    assertThat(Calculator.completion("<<10/4=")).contains("2.5>>");
    assertThat(Calculator.completion("<<1/3=")).contains("0.333333>>");
    assertThat(Calculator.completion("<<-4+1=")).contains("-3>>");
    assertThat(Calculator.completion("<<6/3=")).contains("2>>");
  }

  @Test
  void does_nothing_outside_an_open_annotation_or_on_bad_input() {
    assertThat(Calculator.completion("x = ")).isEmpty(); // no trailing '='
    assertThat(Calculator.completion("x =")).isEmpty(); // no '<<'
    assertThat(Calculator.completion("<<3*4=12>> and y =")).isEmpty(); // annotation already closed
    assertThat(Calculator.completion("<<x*4=")).isEmpty(); // a letter
    assertThat(Calculator.completion("<<3**4=")).isEmpty(); // malformed
    assertThat(Calculator.completion("<<3/0=")).isEmpty(); // division by zero
    assertThat(Calculator.completion("<<(3+4=")).isEmpty(); // unbalanced
    assertThat(Calculator.completion("<<=")).isEmpty(); // empty
  }
}
