package io.papers4j.datapipe;

import io.papers4j.datapipe.stage.Doc;
import java.io.Serializable;

/**
 * An input record that could not become a {@link Doc}, or a good one (then {@code doc != null}).
 *
 * @param doc the parsed document without its final seq, or null for bad input
 * @param reason why the record was skipped: malformed-json, not-an-object, missing-text,
 *     invalid-utf8, empty, huge, blank-line
 * @param where file and byte offset (JSON-lines) or row number (Parquet)
 * @param excerpt the first characters of the record, for the report
 */
public record BadInput(Doc doc, String reason, String where, String excerpt) implements Serializable {
  static BadInput good(Doc d) {
    return new BadInput(d, null, null, null);
  }

  static BadInput bad(String reason, String where, String excerpt) {
    return new BadInput(null, reason, where, excerpt);
  }

  /** Reasons that are counted but are not errors (a blank line between records). */
  boolean benign() {
    return "blank-line".equals(reason);
  }
}
