package io.papers4j.multimodal.mlmfilter;

import java.util.Locale;

/**
 * The four quality metrics of MLM-Filter, each an integer score 0-100. {@code criteria} is the
 * paper's scoring criterion in short; the small filter model sees only the three-letter tag (its
 * prompts are "<image> caption \n tag:"), the full prompt is kept for a larger model.
 */
public enum Metric {
  ITM("Image-Text Matching", "does the caption capture the main features, objects and theme of the image"),
  ODF("Object Detail Fulfillment", "does the caption describe object details (colour, size, position, shape, number) that agree with the image"),
  CTQ("Caption Text Quality", "grammar, vocabulary, fluency, readability, length and structure of the caption alone"),
  SU("Semantic Understanding", "extra semantics beyond what is visible: named entities, places, professions, knowledge");

  public final String title;
  public final String criteria;

  Metric(String title, String criteria) {
    this.title = title;
    this.criteria = criteria;
  }

  /** The three-byte prompt tag ("itm", "odf", "ctq", " su"). */
  public String tag() {
    String t = name().toLowerCase(Locale.ROOT);
    return t.length() == 3 ? t : " " + t;
  }

  /** The paper's prompt shape (LLaVA template) for this metric and caption, for reference and larger models. */
  public String prompt(String caption) {
    return "<image>\nText Caption: " + caption + "\nPlease evaluate the " + title + " of the caption: " + criteria
        + ". A higher score indicates higher level of " + title + ". Use the entire range from 0 to 100 and avoid multiples of 10. "
        + "First output a single line containing the score, then a comprehensive explanation on the next line, avoiding bias.";
  }

  /** "itm" | "odf" | "ctq" | "su" (any case) → the metric, with a clear message otherwise. */
  public static Metric parse(String s) {
    for (Metric m : values()) if (m.name().equalsIgnoreCase(s == null ? "" : s.trim())) return m;
    throw new IllegalArgumentException("unknown metric '" + s + "' (itm, odf, ctq, su)");
  }
}
