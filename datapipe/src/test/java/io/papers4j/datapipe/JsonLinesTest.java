package io.papers4j.datapipe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesTest {
  @Test
  void one_object_per_line_escaped_and_nothing_else_left_in_the_folder(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("docs.jsonl");
    JsonLines.write(f, List.of("a\nb \"quoted\"", "ünïcode"), (s, o) -> o.put("text", s).put("n", s.length()));
    List<String> lines = Files.readAllLines(f);
    assertThat(lines).hasSize(2);
    JsonNode first = new ObjectMapper().readTree(lines.get(0));
    assertThat(first.get("text").asText()).isEqualTo("a\nb \"quoted\"");
    assertThat(first.get("n").asInt()).isEqualTo(12);
    assertThat(new ObjectMapper().readTree(lines.get(1)).get("text").asText()).isEqualTo("ünïcode");
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.toList()).containsExactly(f); // written through a temporary file, then moved
    }
  }
}
