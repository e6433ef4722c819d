package io.papers4j.core.data;

import java.util.List;

/**
 * A named text corpus made of ordered units (verses, paragraphs, documents). Units are what the
 * train/validation split cuts between, so a unit never straddles the two sets.
 */
public interface TextCorpus {
  /** Registry name, e.g. "kjv". */
  String name();

  /** The units in corpus order. */
  List<String> units();

  /** Where the text comes from and its licence, for reports. */
  String source();

  /** All units joined with newlines. */
  default String text() {
    return String.join("\n", units());
  }

  /** A corpus from units already in memory. */
  static TextCorpus of(String name, String source, List<String> units) {
    List<String> copy = List.copyOf(units);
    return new TextCorpus() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public List<String> units() {
        return copy;
      }

      @Override
      public String source() {
        return source;
      }
    };
  }
}
