package io.papers4j.core.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LocationTest {
  private static final Path CALLER = Path.of("/home/u/work");

  @Test
  void relative_paths_and_globs_resolve_against_the_directory() {
    assertThat(Location.valueOf("corpus.jsonl").relativeTo(CALLER).value()).isEqualTo("/home/u/work/corpus.jsonl");
    assertThat(Location.valueOf("../data/*.jsonl").relativeTo(CALLER).value()).isEqualTo("/home/u/data/*.jsonl");
  }

  @Test
  void absolute_paths_and_uris_stay_as_typed() {
    for (String s : new String[] {"/srv/corpus", "s3a://bucket/corpus/part-*", "hdfs://nn:8020/x", "file:///tmp/x"}) {
      Location l = Location.valueOf(s);
      assertThat(l.relativeTo(CALLER)).isEqualTo(l);
    }
    assertThat(Location.valueOf("s3a://bucket/x").isUri()).isTrue();
    assertThat(Location.valueOf("runs/out").isUri()).isFalse();
  }

  @Test
  void an_empty_location_is_refused_with_a_message() {
    assertThatThrownBy(() -> Location.valueOf(" ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be empty");
  }
}
