package io.papers4j.datapipe.filter;

import io.papers4j.datapipe.text.Words;
import java.io.Serializable;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Yi's heuristic rules (§2.1: length, special-symbol ratio, short/incomplete lines, repeated words,
 * n-grams and paragraphs), with Gopher's published thresholds (Rae et al. 2021, App. A) where Yi
 * gives none. Yi publishes no thresholds, so every default below is labelled with its source.
 */
public final class HeuristicRules implements Serializable {

  /**
   * Thresholds; a rule with a non-positive limit is off.
   *
   * @param minWords fewer words is too short (Gopher: 50)
   * @param maxWords more words is too long (Gopher: 100,000)
   * @param minMeanWordLength mean word length below this is garbled or a list (Gopher: 3)
   * @param maxMeanWordLength mean word length above this is garbled (Gopher: 10)
   * @param maxSymbolWordRatio ('#' + '...' + '…') per word (Gopher: 0.1)
   * @param maxSpecialCharFraction characters that are neither letters, digits, whitespace nor common
   *     punctuation (ours: 0.25; Yi's "special-symbol ratio", no value published)
   * @param minAlphaWordFraction words holding a letter (Gopher: 0.8)
   * @param minStopwords English stop words present (Gopher: 2 of the, be, to, of, and, that, have,
   *     with); 0 turns the rule off for other languages
   * @param maxBulletLineFraction lines starting with a bullet (Gopher: 0.9)
   * @param maxEllipsisLineFraction lines ending with an ellipsis (Gopher: 0.3)
   * @param maxShortLineFraction lines under {@code shortLineChars} characters (ours: 0.67; Yi's
   *     "short lines")
   * @param shortLineChars what a short line is (ours: 20 characters)
   * @param maxIncompleteLineFraction lines not ending in terminal punctuation (ours: 0.9; Yi's
   *     "incomplete lines")
   * @param maxDupLineFraction duplicated lines / lines (Gopher: 0.30)
   * @param maxDupParagraphFraction duplicated paragraphs / paragraphs (Gopher: 0.30)
   * @param maxDupLineCharFraction characters in duplicated lines (Gopher: 0.20)
   * @param maxDupParagraphCharFraction characters in duplicated paragraphs (Gopher: 0.20)
   * @param maxTopNgramCharFraction for n = 2, 3, 4: characters covered by the most frequent n-gram
   *     (Gopher: 0.20, 0.18, 0.16)
   * @param maxDupNgramCharFraction for n = 5..10: characters covered by duplicated n-grams (Gopher:
   *     0.15, 0.14, 0.13, 0.12, 0.11, 0.10)
   */
  public record Config(
      boolean enabled,
      int minWords,
      int maxWords,
      double minMeanWordLength,
      double maxMeanWordLength,
      double maxSymbolWordRatio,
      double maxSpecialCharFraction,
      double minAlphaWordFraction,
      int minStopwords,
      double maxBulletLineFraction,
      double maxEllipsisLineFraction,
      double maxShortLineFraction,
      int shortLineChars,
      double maxIncompleteLineFraction,
      double maxDupLineFraction,
      double maxDupParagraphFraction,
      double maxDupLineCharFraction,
      double maxDupParagraphCharFraction,
      List<Double> maxTopNgramCharFraction,
      List<Double> maxDupNgramCharFraction)
      implements Serializable {
    public static Config defaults() {
      return new Config(
          true, 50, 100_000, 3, 10, 0.1, 0.25, 0.8, 2, 0.9, 0.3, 0.67, 20, 0.9, 0.30, 0.30, 0.20,
          0.20, List.of(0.20, 0.18, 0.16), List.of(0.15, 0.14, 0.13, 0.12, 0.11, 0.10));
    }
  }

  private static final java.util.regex.Pattern PARAGRAPH_BREAK = java.util.regex.Pattern.compile("\n\\s*\n");

  private static final Set<String> STOPWORDS = Set.of("the", "be", "to", "of", "and", "that", "have", "with");

  private final Config c;

  public HeuristicRules(Config c) {
    this.c = c;
  }

  /** The first rule {@code text} breaks, as {@code rule (value)}, or null when it passes all. */
  public String violation(String text) {
    List<String> words = Words.split(text);
    int n = words.size();
    if (c.minWords() > 0 && n < c.minWords()) return "too-short (" + n + " words)";
    if (c.maxWords() > 0 && n > c.maxWords()) return "too-long (" + n + " words)";
    long chars = 0;
    int alpha = 0, stop = 0, symbols = 0;
    Set<String> seenStop = new HashSet<>();
    for (String w : words) {
      chars += w.length();
      if (hasLetter(w)) alpha++;
      if (stop < STOPWORDS.size()) {
        String lw = asciiLetters(w);
        if (STOPWORDS.contains(lw) && seenStop.add(lw)) stop++;
      }
      if (w.contains("#")) symbols++;
      if (w.contains("...") || w.contains("…")) symbols++;
    }
    double mean = chars / (double) n;
    if (c.minMeanWordLength() > 0 && mean < c.minMeanWordLength()) return fmt("mean-word-length", mean);
    if (c.maxMeanWordLength() > 0 && mean > c.maxMeanWordLength()) return fmt("mean-word-length", mean);
    if (c.maxSymbolWordRatio() > 0 && symbols / (double) n > c.maxSymbolWordRatio()) {
      return fmt("symbol-word-ratio", symbols / (double) n);
    }
    double special = specialFraction(text);
    if (c.maxSpecialCharFraction() > 0 && special > c.maxSpecialCharFraction()) return fmt("special-chars", special);
    if (c.minAlphaWordFraction() > 0 && alpha / (double) n < c.minAlphaWordFraction()) {
      return fmt("alpha-words", alpha / (double) n);
    }
    if (c.minStopwords() > 0 && stop < c.minStopwords()) return "stopwords (" + stop + ")";

    String lineRule = lineRules(text);
    if (lineRule != null) return lineRule;
    return repetition(text, words);
  }

  private static boolean hasLetter(String w) {
    for (int i = 0; i < w.length(); i++) if (Character.isLetter(w.charAt(i))) return true;
    return false;
  }

  /** {@code w} lower-cased with everything but a-z removed (the stop-word form of a token). */
  static String asciiLetters(String w) {
    String lower = w.toLowerCase(Locale.ROOT);
    int keep = 0;
    for (int i = 0; i < lower.length(); i++) if (lower.charAt(i) >= 'a' && lower.charAt(i) <= 'z') keep++;
    if (keep == lower.length()) return lower;
    char[] out = new char[keep];
    int k = 0;
    for (int i = 0; i < lower.length(); i++) if (lower.charAt(i) >= 'a' && lower.charAt(i) <= 'z') out[k++] = lower.charAt(i);
    return new String(out);
  }

  private String lineRules(String text) {
    String[] lines = text.split("\n");
    int nonEmpty = 0, bullet = 0, ellipsis = 0, shortL = 0, incomplete = 0;
    for (String raw : lines) {
      String l = raw.strip();
      if (l.isEmpty()) continue;
      nonEmpty++;
      if (l.startsWith("•") || l.startsWith("*") || l.startsWith("-") || l.startsWith("·")) bullet++;
      if (l.endsWith("...") || l.endsWith("…")) ellipsis++;
      if (l.length() < c.shortLineChars()) shortL++;
      char last = l.charAt(l.length() - 1);
      if (".!?:;\"'”’)".indexOf(last) < 0) incomplete++;
    }
    if (nonEmpty == 0) return "no-lines";
    if (c.maxBulletLineFraction() > 0 && bullet / (double) nonEmpty > c.maxBulletLineFraction()) {
      return fmt("bullet-lines", bullet / (double) nonEmpty);
    }
    if (c.maxEllipsisLineFraction() > 0 && ellipsis / (double) nonEmpty > c.maxEllipsisLineFraction()) {
      return fmt("ellipsis-lines", ellipsis / (double) nonEmpty);
    }
    if (c.maxShortLineFraction() > 0 && shortL / (double) nonEmpty > c.maxShortLineFraction()) {
      return fmt("short-lines", shortL / (double) nonEmpty);
    }
    if (c.maxIncompleteLineFraction() > 0 && incomplete / (double) nonEmpty > c.maxIncompleteLineFraction()) {
      return fmt("incomplete-lines", incomplete / (double) nonEmpty);
    }
    return null;
  }

  /** Gopher's repetition rules over lines, paragraphs and word n-grams. */
  private String repetition(String text, List<String> words) {
    double[] lines = duplicates(text.split("\n"));
    if (c.maxDupLineFraction() > 0 && lines[0] > c.maxDupLineFraction()) return fmt("dup-lines", lines[0]);
    if (c.maxDupLineCharFraction() > 0 && lines[1] > c.maxDupLineCharFraction()) return fmt("dup-line-chars", lines[1]);
    double[] paras = duplicates(PARAGRAPH_BREAK.split(text));
    if (c.maxDupParagraphFraction() > 0 && paras[0] > c.maxDupParagraphFraction()) return fmt("dup-paragraphs", paras[0]);
    if (c.maxDupParagraphCharFraction() > 0 && paras[1] > c.maxDupParagraphCharFraction()) {
      return fmt("dup-paragraph-chars", paras[1]);
    }
    long totalChars = 0;
    for (String w : words) totalChars += w.length();
    if (totalChars == 0) return null;
    Ngrams g = new Ngrams(words);
    List<Double> top = c.maxTopNgramCharFraction();
    for (int i = 0; top != null && i < top.size(); i++) {
      double f = g.topCharFraction(i + 2, totalChars);
      if (top.get(i) > 0 && f > top.get(i)) return fmt("top-" + (i + 2) + "gram-chars", f);
    }
    List<Double> dup = c.maxDupNgramCharFraction();
    for (int i = 0; dup != null && i < dup.size(); i++) {
      double f = g.dupCharFraction(i + 5, totalChars);
      if (dup.get(i) > 0 && f > dup.get(i)) return fmt("dup-" + (i + 5) + "gram-chars", f);
    }
    return null;
  }

  /** {fraction of items that repeat an earlier item, fraction of characters in them}. */
  static double[] duplicates(String[] items) {
    Set<String> seen = new HashSet<>();
    int n = 0, dup = 0;
    long chars = 0, dupChars = 0;
    for (String raw : items) {
      String s = raw.strip();
      if (s.isEmpty()) continue;
      n++;
      chars += s.length();
      if (!seen.add(s)) {
        dup++;
        dupChars += s.length();
      }
    }
    return n == 0 ? new double[] {0, 0} : new double[] {dup / (double) n, dupChars / (double) chars};
  }

  /** Characters (of words) in all occurrences of the most frequent n-gram / all word characters. */
  static double topNgramCharFraction(List<String> words, int n, long totalChars) {
    if (words.size() < n) return 0;
    Map<String, Integer> counts = new HashMap<>();
    String best = null;
    int bestCount = 0;
    for (int i = 0; i + n <= words.size(); i++) {
      String g = String.join(" ", words.subList(i, i + n));
      int k = counts.merge(g, 1, Integer::sum);
      if (k > bestCount) {
        bestCount = k;
        best = g;
      }
    }
    if (bestCount < 2) return 0;
    long gramChars = best.length() - (n - 1); // the words' characters, without the joining spaces
    return Math.min(1.0, bestCount * gramChars / (double) totalChars);
  }

  /** Characters of words covered by n-grams occurring more than once / all word characters. */
  static double dupNgramCharFraction(List<String> words, int n, long totalChars) {
    if (words.size() < n) return 0;
    Map<String, Integer> first = new HashMap<>();
    boolean[] covered = new boolean[words.size()];
    for (int i = 0; i + n <= words.size(); i++) {
      String g = String.join(" ", words.subList(i, i + n));
      Integer j = first.putIfAbsent(g, i);
      if (j != null) {
        for (int k = 0; k < n; k++) {
          covered[i + k] = true;
          covered[j + k] = true;
        }
      }
    }
    long dupChars = 0;
    for (int i = 0; i < covered.length; i++) if (covered[i]) dupChars += words.get(i).length();
    return dupChars / (double) totalChars;
  }

  /**
   * The word n-gram statistics of one document without building n-gram strings: words become ids,
   * an n-gram at position i is hashed from ids[i..i+n) and found in an open-addressing table; a hash
   * hit is confirmed by comparing the ids, and a true 64-bit collision falls back to the string
   * versions above ({@link #topNgramCharFraction}, {@link #dupNgramCharFraction}), so the results
   * are theirs exactly.
   */
  static final class Ngrams {
    private final List<String> words;
    private final int[] ids;

    Ngrams(List<String> words) {
      this.words = words;
      ids = new int[words.size()];
      Map<String, Integer> index = new HashMap<>();
      for (int i = 0; i < ids.length; i++) {
        Integer id = index.putIfAbsent(words.get(i), index.size());
        ids[i] = id == null ? index.size() - 1 : id;
      }
    }

    /** Hashes of every n-gram, by position. */
    private long[] hashes(int n) {
      int count = ids.length - n + 1;
      long[] h = new long[count];
      for (int i = 0; i < count; i++) {
        long x = n;
        for (int k = i; k < i + n; k++) x = x * 0x9e3779b97f4a7c15L + ids[k] + 1;
        h[i] = io.papers4j.datapipe.text.Hash64.mix(x);
      }
      return h;
    }

    private boolean same(int i, int j, int n) {
      for (int k = 0; k < n; k++) if (ids[i + k] != ids[j + k]) return false;
      return true;
    }

    /** Table slot of {@code key}: the slot holding it or the empty slot where it goes. */
    private static int slot(long[] keys, boolean[] used, long key) {
      int mask = keys.length - 1;
      int i = (int) (key ^ (key >>> 32)) & mask;
      while (used[i] && keys[i] != key) i = (i + 1) & mask;
      return i;
    }

    private static int capacity(int count) {
      return Integer.highestOneBit(Math.max(4, 2 * count)) << 1;
    }

    double topCharFraction(int n, long totalChars) {
      if (words.size() < n) return 0;
      long[] h = hashes(n);
      int cap = capacity(h.length);
      long[] keys = new long[cap];
      boolean[] used = new boolean[cap];
      int[] first = new int[cap], counts = new int[cap];
      int best = -1, bestCount = 0;
      for (int i = 0; i < h.length; i++) {
        int s = slot(keys, used, h[i]);
        if (!used[s]) {
          used[s] = true;
          keys[s] = h[i];
          first[s] = i;
        } else if (!same(first[s], i, n)) {
          return topNgramCharFraction(words, n, totalChars);
        }
        int k = ++counts[s];
        if (k > bestCount) {
          bestCount = k;
          best = first[s];
        }
      }
      if (bestCount < 2) return 0;
      long gramChars = 0;
      for (int k = best; k < best + n; k++) gramChars += words.get(k).length();
      return Math.min(1.0, bestCount * gramChars / (double) totalChars);
    }

    double dupCharFraction(int n, long totalChars) {
      if (words.size() < n) return 0;
      long[] h = hashes(n);
      int cap = capacity(h.length);
      long[] keys = new long[cap];
      boolean[] used = new boolean[cap];
      int[] first = new int[cap];
      boolean[] covered = new boolean[words.size()];
      for (int i = 0; i < h.length; i++) {
        int s = slot(keys, used, h[i]);
        if (!used[s]) {
          used[s] = true;
          keys[s] = h[i];
          first[s] = i;
          continue;
        }
        int j = first[s];
        if (!same(j, i, n)) return dupNgramCharFraction(words, n, totalChars);
        for (int k = 0; k < n; k++) {
          covered[i + k] = true;
          covered[j + k] = true;
        }
      }
      long dupChars = 0;
      for (int i = 0; i < covered.length; i++) if (covered[i]) dupChars += words.get(i).length();
      return dupChars / (double) totalChars;
    }
  }

  static double specialFraction(String text) {
    int special = 0, n = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      n++;
      if (Character.isLetterOrDigit(cp) || Character.isWhitespace(cp)) continue;
      if (".,;:!?'\"()-–—’“”".indexOf(cp) >= 0) continue;
      special++;
    }
    return n == 0 ? 0 : special / (double) n;
  }

  private static String fmt(String rule, double v) {
    return String.format(Locale.ROOT, "%s (%.3f)", rule, v);
  }
}
