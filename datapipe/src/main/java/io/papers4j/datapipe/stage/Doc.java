package io.papers4j.datapipe.stage;

import java.io.Serializable;

/**
 * One document flowing through the pipeline.
 *
 * @param seq a dense, stable order assigned at ingest (input order); dedup keeps the lowest seq
 * @param id the input's {@code id} field as text (generated as {@code "#<seq>"} when absent)
 * @param text the document text (sub-document dedup may shorten it)
 * @param json the input object as JSON, so that other fields are carried through to the output
 */
public record Doc(long seq, String id, String text, String json) implements Serializable {
  /** The same document with new text. */
  public Doc withText(String newText) {
    return new Doc(seq, id, newText, json);
  }
}
