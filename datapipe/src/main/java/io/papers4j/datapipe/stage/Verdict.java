package io.papers4j.datapipe.stage;

import java.io.Serializable;

/**
 * What a stage decided about one document.
 *
 * @param doc the document as the stage leaves it (text may be shortened by sub-document dedup)
 * @param reason null to keep the document, otherwise {@code "<stage>:<rule>"}
 * @param note a short human-readable detail for the report (a score, the duplicate's id), or null
 * @param charsRemoved characters removed from a kept document's text (sub-document dedup)
 */
public record Verdict(Doc doc, String reason, String note, long charsRemoved)
    implements Serializable {
  public static Verdict keep(Doc d) {
    return new Verdict(d, null, null, 0);
  }

  public static Verdict drop(Doc d, String reason, String note) {
    return new Verdict(d, reason, note, 0);
  }

  public boolean kept() {
    return reason == null;
  }
}
