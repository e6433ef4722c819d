package io.papers4j.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplitTest {
  private static final List<String> UNITS = IntStream.range(0, 1000).mapToObj(i -> "v" + i).toList();

  @Test
  void tail_takes_the_last_fraction() {
    Split s = Split.tail(UNITS, 0.05);
    assertThat(s.validation()).hasSize(50).startsWith("v950").endsWith("v999");
    assertThat(s.train()).hasSize(950).startsWith("v0").endsWith("v949");
  }

  @Test
  void blocks_are_contiguous_seeded_and_partition_the_units() {
    Split a = Split.blocks(UNITS, 20, 0.1, 7);
    Split b = Split.blocks(UNITS, 20, 0.1, 7);
    Split c = Split.blocks(UNITS, 20, 0.1, 8);
    assertThat(a).isEqualTo(b);
    assertThat(a.validation()).isNotEqualTo(c.validation());
    assertThat(a.validation()).hasSize(100);
    List<String> all = new ArrayList<>(a.train());
    all.addAll(a.validation());
    assertThat(all).containsExactlyInAnyOrderElementsOf(UNITS);
    // Every validation block is whole: units come in runs of 20 aligned to multiples of 20.
    for (int i = 0; i < a.validation().size(); i += 20) {
      int first = Integer.parseInt(a.validation().get(i).substring(1));
      assertThat(first % 20).isZero();
      for (int k = 0; k < 20; k++) assertThat(a.validation().get(i + k)).isEqualTo("v" + (first + k));
    }
  }
}
