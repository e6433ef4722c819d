package io.papers4j.multimodal.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class MlmFilterBenchmarkTest {
  @Test
  void measures_both_scorers_on_a_few_pairs_and_refuses_bad_arguments() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    String md = new MlmFilterBenchmark().run(List.of("--pairs", "8", "--batch", "4"), new PrintStream(bytes));
    assertThat(md).contains("| MLM filter", "| CLIPScore", "pairs/s");
    assertThat(bytes.toString()).contains("MLM filter:", "CLIPScore:");
    assertThatThrownBy(() -> new MlmFilterBenchmark().run(List.of("--pairs", "x"), System.out)).hasMessageContaining("--pairs must be an integer");
  }
}
