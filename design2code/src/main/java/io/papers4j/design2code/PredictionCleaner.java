package io.papers4j.design2code;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * The official pre-processing of a predicted page before it is scored ({@code pre_process}):
 * repetition truncation of degenerate generations, wrapping of non-HTML output, and removal of
 * elements repeated more than 50 times.
 */
public final class PredictionCleaner {
  static final int CHUNK = 100, REPEATS = 5, MAX_DUPLICATES = 50;
  static final double SIMILAR = 0.8;
  private static final Pattern TAG = Pattern.compile("<.*?>");
  private static final Pattern HTML_TAG = Pattern.compile("<html[^>]*>", Pattern.CASE_INSENSITIVE);

  private PredictionCleaner() {}

  public static String clean(String html) {
    String s = truncateRepetition(html);
    s = makeHtml(s);
    return dropRepeatedElements(s);
  }

  /**
   * Official {@code check_repetitive_content}: strip tags, cut the text into 100-character chunks;
   * a chunk whose difflib ratio with an earlier distinct chunk is ≥ 0.8 joins that chunk's family;
   * when a family reaches 5 members the file is cut at the family's first chunk, mapped back to
   * the raw offset. (The official comparison of a raw offset with the stripped length is kept.)
   */
  static String truncateRepetition(String content) {
    String clean = TAG.matcher(content).replaceAll("");
    int[] map = new int[clean.length()];
    int oi = 0;
    for (int k = 0; k < clean.length(); k++) {
      while (content.charAt(oi) != clean.charAt(k)) oi++;
      map[k] = oi++;
    }
    List<String> chunks = new ArrayList<>();
    for (int i = 0; i < clean.length(); i += CHUNK) chunks.add(clean.substring(i, Math.min(clean.length(), i + CHUNK)));
    // insertion-ordered families: first chunk -> indexes
    List<String> seenKeys = new ArrayList<>();
    Map<String, List<Integer>> seen = new HashMap<>();
    int start = clean.length();
    for (int i = 0; i < chunks.size(); i++) {
      String chunk = chunks.get(i);
      boolean joined = false;
      for (String key : seenKeys) {
        if (quickRatioBound(chunk, key) >= SIMILAR && SequenceMatcher.ratio(chunk, key) >= SIMILAR) {
          List<Integer> idx = seen.get(key);
          idx.add(i);
          if (idx.size() >= REPEATS) {
            int cleanStart = Math.min(start, idx.get(0) * CHUNK);
            int rawStart = cleanStart < map.length ? map[cleanStart] : content.length();
            if (rawStart < start) start = rawStart;
          }
          joined = true;
          break;
        }
      }
      if (!joined) {
        seenKeys.add(chunk);
        seen.put(chunk, new ArrayList<>(List.of(i)));
      }
    }
    boolean repetitive = start != clean.length();
    return repetitive ? content.substring(0, Math.min(start, content.length())) : content;
  }

  /**
   * difflib's {@code quick_ratio}: 2·|multiset intersection of characters|/(|a|+|b|), an upper
   * bound of ratio; below the threshold the exact ratio need not be computed (same decisions,
   * much faster on long pages with many chunks).
   */
  static double quickRatioBound(String a, String b) {
    java.util.Map<Integer, Integer> counts = new HashMap<>();
    int la = 0, lb = 0, common = 0;
    for (int i = 0; i < b.length(); ) {
      int cp = b.codePointAt(i);
      counts.merge(cp, 1, Integer::sum);
      i += Character.charCount(cp);
      lb++;
    }
    for (int i = 0; i < a.length(); ) {
      int cp = a.codePointAt(i);
      Integer c = counts.get(cp);
      if (c != null && c > 0) {
        common++;
        counts.put(cp, c - 1);
      }
      i += Character.charCount(cp);
      la++;
    }
    return la + lb == 0 ? 1.0 : 2.0 * common / (la + lb);
  }

  /** Official {@code make_html}: no {@code <html…>} tag anywhere → wrap as a paragraph. */
  static String makeHtml(String content) {
    Matcher m = HTML_TAG.matcher(content);
    if (!m.find()) return "<html><body><p>" + content + "</p></body></html>";
    return content;
  }

  /** Official {@code truncate_repeated_html_elements}: drop an element after 50 identical copies. */
  static String dropRepeatedElements(String html) {
    Document doc = Recolor.parse(html);
    Map<String, Integer> counts = new HashMap<>();
    for (Element e : new ArrayList<>(doc.getAllElements())) {
      if (e == doc) continue;
      String key = e.outerHtml();
      int c = counts.merge(key, 1, Integer::sum);
      if (c > MAX_DUPLICATES) e.remove();
    }
    return doc.outerHtml();
  }
}
