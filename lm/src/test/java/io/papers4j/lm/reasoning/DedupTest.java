package io.papers4j.lm.reasoning;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DedupTest {
  @Test
  void keeps_first_occurrences_by_text_and_by_operation_sequence() {
    List<String> s =
        List.of(
            "He has 3*4 = <<3*4=12>>12 eggs.\n#### 12",
            "He has  3*4 = <<3*4=12>>12 eggs.\n#### 12 ", // whitespace only
            "Eggs: <<3*4=12>>12.\n#### 12", // same operations, other words
            "Eggs: <<4*3=12>>12.\n#### 12"); // other operation order
    assertThat(Dedup.unique(s, Dedup::textKey)).containsExactly(s.get(0), s.get(2), s.get(3));
    assertThat(Dedup.unique(s, Dedup::operationKey)).containsExactly(s.get(0), s.get(3));
    assertThat(Dedup.operationKey("<<1,000 + 2=1002>> then <<1002/2=501>>")).isEqualTo("1000+2;1002/2");
    assertThat(Dedup.distinctOperationSequences(s)).isEqualTo(2);
  }
}
