package io.papers4j.datapipe.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Word-level views of a text shared by the filters and the dedup stages. */
public final class Words {
  private Words() {}

  /** Whitespace-separated tokens, as they appear (Gopher's notion of a word). */
  public static List<String> split(String text) {
    List<String> out = new ArrayList<>();
    int n = text.length();
    int i = 0;
    while (i < n) {
      while (i < n && Character.isWhitespace(text.charAt(i))) i++;
      int start = i;
      while (i < n && !Character.isWhitespace(text.charAt(i))) i++;
      if (i > start) out.add(text.substring(start, i));
    }
    return out;
  }

  /**
   * Normalised word tokens for shingling: lower case, letters and digits only, so that punctuation
   * and spacing changes do not hide a duplicate.
   */
  public static List<String> normalized(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    String lower = text.toLowerCase(Locale.ROOT);
    for (int i = 0; i < lower.length(); ) {
      int cp = lower.codePointAt(i);
      if (Character.isLetterOrDigit(cp)) {
        cur.appendCodePoint(cp);
      } else if (cur.length() > 0) {
        out.add(cur.toString());
        cur.setLength(0);
      }
      i += Character.charCount(cp);
    }
    if (cur.length() > 0) out.add(cur.toString());
    return out;
  }

  /**
   * {@link Hash64#of} of every {@link #normalized} word, computed from the code points without
   * building the words: FNV-1a over each code point's UTF-8 bytes, then the same finaliser.
   */
  public static long[] normalizedHashes(String text) {
    long[] out = new long[16];
    int k = 0;
    String lower = text.toLowerCase(Locale.ROOT);
    long h = Hash64.FNV_OFFSET;
    boolean inWord = false;
    for (int i = 0; i < lower.length(); ) {
      int cp = lower.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.isLetterOrDigit(cp)) {
        h = Hash64.fnvCodePoint(h, cp);
        inWord = true;
      } else if (inWord) {
        if (k == out.length) out = java.util.Arrays.copyOf(out, 2 * k);
        out[k++] = Hash64.mix(h);
        h = Hash64.FNV_OFFSET;
        inWord = false;
      }
    }
    if (inWord) {
      if (k == out.length) out = java.util.Arrays.copyOf(out, k + 1);
      out[k++] = Hash64.mix(h);
    }
    return java.util.Arrays.copyOf(out, k);
  }

  /**
   * Character spans {@code [start, end)} of the whitespace-separated tokens, flattened as
   * {@code start0, end0, start1, end1, ...}; used to cut repeated spans out of a text in place.
   */
  public static int[] spans(String text) {
    int[] buf = new int[64];
    int k = 0;
    int n = text.length();
    int i = 0;
    while (i < n) {
      while (i < n && Character.isWhitespace(text.charAt(i))) i++;
      int start = i;
      while (i < n && !Character.isWhitespace(text.charAt(i))) i++;
      if (i > start) {
        if (k + 2 > buf.length) buf = java.util.Arrays.copyOf(buf, buf.length * 2);
        buf[k++] = start;
        buf[k++] = i;
      }
    }
    return java.util.Arrays.copyOf(buf, k);
  }
}
