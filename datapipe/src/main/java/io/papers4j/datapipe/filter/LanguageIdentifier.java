package io.papers4j.datapipe.filter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import io.papers4j.datapipe.text.LongIntMap;

/**
 * A character n-gram naive-Bayes language identifier (Cavnar &amp; Trenkle's features, scored as
 * in langid.py/CLD-style models rather than by rank distance).
 *
 * <p>Text is lower-cased, every run of non-letters becomes one space, and the text is padded with
 * spaces; its features are all 1-, 2- and 3-grams of code points. Each language L stores log P_L(g)
 * for its most frequent grams; every other gram gets one floor shared by all languages (the lowest
 * smoothed value), so an unlisted gram is evidence against the languages that do list it rather
 * than for the language with the least training text. The score of L
 * is the mean of log P_L(g) over the text's grams, and the reported confidence is
 * softmax_L(G · mean log P_L) with G = {@value #EFFECTIVE_GRAMS}: the posterior the model would give
 * to G "typical" grams of the text. A true posterior (G = all grams) saturates at 1 for any long
 * document, even a mixed or garbled one; a fixed G makes the number mean "how clearly one language".
 */
public final class LanguageIdentifier implements Serializable {
  /** Longest n-gram used. */
  public static final int MAX_N = 3;

  /** Characters scored per text (see {@link #sample}): enough for a stable decision. */
  public static final int MAX_CHARS = 4000;

  /** Grams the confidence is computed for (see the class comment). */
  public static final int EFFECTIVE_GRAMS = 30;

  private final List<String> languages;
  private final Map<String, float[]> logProb; // gram → log P per language
  private final float[] unseen; // per language

  LanguageIdentifier(List<String> languages, Map<String, float[]> logProb, float[] unseen) {
    this.languages = List.copyOf(languages);
    this.logProb = logProb;
    this.unseen = unseen;
  }

  /** The decision for one text. */
  public record Guess(String language, double confidence) implements Serializable {}

  public List<String> languages() {
    return languages;
  }

  /** The model's grams by {@link #key} (index + 1 into {@link #table}), built on first use. */
  private transient volatile LongIntMap index;

  private transient float[][] table;

  private synchronized void buildIndex() {
    if (index != null) return;
    LongIntMap m = new LongIntMap();
    float[][] t = new float[logProb.size()][];
    int i = 0;
    for (Map.Entry<String, float[]> e : logProb.entrySet()) {
      int[] cps = e.getKey().codePoints().toArray();
      t[i] = e.getValue();
      m.add(key(cps, 0, cps.length), ++i);
    }
    table = t;
    index = m;
  }

  /** A gram of 1..3 code points (none of them 0) packed into a long, 21 bits each. */
  static long key(int[] cps, int from, int n) {
    long k = 0;
    for (int j = 0; j < 3; j++) k = (k << 21) | (j < n ? cps[from + j] : 0);
    return k;
  }

  /**
   * The decision for one text: the mean over {@link #grams} of log P_L(gram) per language, the
   * grams looked up by packed code points rather than built as strings (same order, same sums).
   */
  public Guess identify(String text) {
    if (index == null) buildIndex();
    int[] cps = normalized(sample(text));
    int nl = languages.size();
    if (cps.length <= 1) return new Guess("und", 0);
    double[] score = new double[nl];
    long count = 0;
    for (int i = 0; i < cps.length; i++) {
      for (int n = 1; n <= MAX_N && i + n <= cps.length; n++) {
        if (n == 1 && cps[i] == ' ') continue;
        int at = index.get(key(cps, i, n));
        float[] lp = at == 0 ? null : table[at - 1];
        for (int l = 0; l < nl; l++) score[l] += lp == null ? unseen[l] : lp[l];
        count++;
      }
    }
    int best = 0;
    for (int l = 0; l < nl; l++) {
      score[l] /= count;
      if (score[l] > score[best]) best = l;
    }
    double z = 0;
    for (int l = 0; l < nl; l++) z += Math.exp(EFFECTIVE_GRAMS * (score[l] - score[best]));
    return new Guess(languages.get(best), 1 / z);
  }

  /** The naive twin of {@link #identify}: grams built as strings and looked up by string (for tests). */
  Guess identifyByStrings(String text) {
    List<String> grams = grams(sample(text));
    int nl = languages.size();
    if (grams.isEmpty()) return new Guess("und", 0);
    double[] score = new double[nl];
    for (String g : grams) {
      float[] lp = logProb.get(g);
      for (int l = 0; l < nl; l++) score[l] += lp == null ? unseen[l] : lp[l];
    }
    int best = 0;
    for (int l = 0; l < nl; l++) {
      score[l] /= grams.size();
      if (score[l] > score[best]) best = l;
    }
    double z = 0;
    for (int l = 0; l < nl; l++) z += Math.exp(EFFECTIVE_GRAMS * (score[l] - score[best]));
    return new Guess(languages.get(best), 1 / z);
  }

  /**
   * At most {@link #MAX_CHARS} characters: the whole text, or three pieces from its start, middle
   * and end (a header of names and paths should not decide a long document's language).
   */
  static String sample(String text) {
    if (text.length() <= MAX_CHARS) return text;
    int k = MAX_CHARS / 3, mid = text.length() / 2 - k / 2;
    return text.substring(0, k) + " " + text.substring(mid, mid + k) + " " + text.substring(text.length() - k);
  }

  /** The 1..3-grams of the normalised text (see the class comment). */
  public static List<String> grams(String text) {
    int[] cps = normalized(text);
    List<String> out = new ArrayList<>();
    if (cps.length <= 1) return out;
    for (int i = 0; i < cps.length; i++) {
      for (int n = 1; n <= MAX_N && i + n <= cps.length; n++) {
        if (n == 1 && cps[i] == ' ') continue;
        out.add(new String(cps, i, n));
      }
    }
    return out;
  }

  /** Code points of the lower-cased text with every run of non-letters as one space, padded with spaces. */
  static int[] normalized(String text) {
    StringBuilder norm = new StringBuilder(" ");
    String lower = text.toLowerCase(Locale.ROOT);
    for (int i = 0; i < lower.length(); ) {
      int cp = lower.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.isLetter(cp)) {
        norm.appendCodePoint(cp);
      } else if (norm.charAt(norm.length() - 1) != ' ') {
        norm.append(' ');
      }
    }
    if (norm.charAt(norm.length() - 1) != ' ') norm.append(' ');
    return norm.codePoints().toArray();
  }

  /** Reads the tab-separated model written by {@link LanguageIdTrainer} (gzip). */
  public static LanguageIdentifier read(InputStream in) throws IOException {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8))) {
      String header = r.readLine();
      if (header == null || !header.startsWith("#langid\t")) {
        throw new IOException("language-id model: missing '#langid' header");
      }
      List<String> langs = List.of(header.substring(8).split(","));
      int nl = langs.size();
      float[] unseen = new float[nl];
      Map<String, float[]> lp = new HashMap<>();
      String line;
      while ((line = r.readLine()) != null) {
        String[] f = line.split("\t", -1);
        int l = langs.indexOf(f[0]);
        if (l < 0 || f.length != 3) throw new IOException("language-id model: bad line '" + line + "'");
        float v = Float.parseFloat(f[2]);
        if (f[1].equals("<unseen>")) {
          unseen[l] = v;
        } else {
          lp.computeIfAbsent(f[1], k -> new float[nl])[l] = v;
        }
      }
      // One shared floor for grams outside a language's list: with per-language floors, languages
      // trained on less text (larger floors) win on any text full of names, paths and numbers.
      float floor = 0;
      for (float u : unseen) floor = Math.min(floor, u);
      java.util.Arrays.fill(unseen, floor);
      // A gram listed for some languages only gets the floor for the others.
      for (float[] v : lp.values()) for (int l = 0; l < nl; l++) if (v[l] == 0f) v[l] = unseen[l];
      return new LanguageIdentifier(langs, lp, unseen);
    }
  }

  /** The model shipped with papers4j (trained on Debian's translated man pages; see the docs). */
  public static LanguageIdentifier bundled() {
    try (InputStream in = LanguageIdentifier.class.getResourceAsStream("/io/papers4j/datapipe/langid.tsv.gz")) {
      if (in == null) throw new IllegalStateException("language-id model resource langid.tsv.gz is missing");
      return read(in);
    } catch (IOException e) {
      throw new IllegalStateException("language-id model resource: " + e.getMessage(), e);
    }
  }
}
