package io.papers4j.lm.yi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code yardstick.jsonl}: one line per {@link CopyYardstick.Score}, kept across a stop and {@code
 * --resume}. At the first update a process makes it keeps the lines of earlier steps (none for a
 * fresh run; those up to the checkpoint for a resumed one, later lines being work the checkpoint
 * does not hold, scored again), as the loss log does. Every write replaces the whole file
 * atomically, so a stop never leaves a half-written line; the file is a line per N steps, small.
 */
final class YardstickLog {
  static final String FILE = "yardstick.jsonl";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private List<String> lines; // null until the first update of this process

  YardstickLog(Path dir) {
    this.file = dir.resolve(FILE);
  }

  /** Called after every update with the number done; the first call settles what the log keeps. */
  void at(long done) {
    if (lines != null) return;
    lines = linesBefore(file, done);
    if (Files.exists(file)) write();
  }

  void add(CopyYardstick.Score s) {
    if (lines == null) throw new IllegalStateException("at(step) comes before add");
    lines.add(s.json());
    write();
  }

  private void write() {
    StringBuilder sb = new StringBuilder();
    for (String l : lines) sb.append(l).append('\n');
    AtomicFiles.writeString(file, sb.toString());
  }

  /** The whole JSON lines of {@code file} whose step is below {@code step}; a torn or blank line is dropped. */
  static List<String> linesBefore(Path file, long step) {
    List<String> kept = new ArrayList<>();
    if (!Files.exists(file)) return kept;
    List<String> all;
    try {
      all = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    for (String line : all) {
      JsonNode j;
      try {
        j = JSON.readTree(line);
      } catch (IOException e) {
        continue; // cut short by a stop under an earlier version that appended in place
      }
      if (j != null && j.has("step") && j.get("step").asLong() < step) kept.add(line);
    }
    return kept;
  }
}
