package io.papers4j.datapipe;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.papers4j.core.io.AtomicFiles;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiConsumer;

/** Writes JSON-lines files (one object per line, the document format {@link Ingest} reads), atomically. */
public final class JsonLines {
  private JsonLines() {}

  /** One line per row: {@code fill} puts the row's fields into an empty object. */
  public static <T> void write(Path jsonl, Iterable<T> rows, BiConsumer<T, ObjectNode> fill) {
    AtomicFiles.write(jsonl, tmp -> {
      try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        for (T row : rows) {
          ObjectNode o = JsonNodeFactory.instance.objectNode();
          fill.accept(row, o);
          w.write(o.toString());
          w.write('\n');
        }
      }
    });
  }
}
