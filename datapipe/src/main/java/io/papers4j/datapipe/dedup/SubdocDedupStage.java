package io.papers4j.datapipe.dedup;

import io.papers4j.datapipe.stage.Doc;
import io.papers4j.datapipe.stage.SeqJoin;
import io.papers4j.datapipe.stage.Stage;
import io.papers4j.datapipe.stage.Verdict;
import io.papers4j.datapipe.text.Hash64;
import io.papers4j.datapipe.text.Words;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * Sub-document exact-match dedup (Yi §2.1; RefinedWeb's exact-substring step): a span that already
 * occurred — earlier in the corpus or earlier in the same document — is cut out; the first
 * occurrence (lowest seq, then position) stays.
 *
 * <ul>
 *   <li>{@code span}: every window of {@code spanTokens} whitespace tokens is hashed; a window seen
 *       before marks its tokens. The union of repeated windows is exactly the union of repeated
 *       spans of ≥ {@code spanTokens} tokens, which is what RefinedWeb finds with a suffix array
 *       (up to 64-bit hash collisions).
 *   <li>{@code paragraph}: paragraphs (separated by blank lines) of at least {@code
 *       minParagraphChars} are compared after collapsing whitespace.
 * </ul>
 *
 * A document left with fewer than {@code minWordsAfter} words is dropped.
 */
public final class SubdocDedupStage implements Stage {

  /**
   * @param mode span or paragraph
   * @param spanTokens window length in tokens (50, RefinedWeb)
   * @param minParagraphChars shorter paragraphs are never removed (40: headings and blank-ish lines
   *     repeat legitimately)
   * @param minWordsAfter a document shorter than this after removal is dropped (20)
   */
  public record Config(boolean enabled, String mode, int spanTokens, int minParagraphChars, int minWordsAfter)
      implements Serializable {
    public static Config defaults() {
      return new Config(true, "span", 50, 40, 20);
    }
  }

  private static final int POS_BITS = 24;
  private static final Pattern PARAGRAPH = Pattern.compile("\\S(?:.|\\n(?!\\s*\\n))*");

  private final Config c;

  public SubdocDedupStage(Config c) {
    if (!c.mode().equals("span") && !c.mode().equals("paragraph")) {
      throw new IllegalArgumentException("subdoc.mode must be span or paragraph, got '" + c.mode() + "'");
    }
    this.c = c;
  }

  @Override
  public String name() {
    return "subdoc";
  }

  /** Units of a text as char ranges {start, end} with their hashes (windows or paragraphs). */
  record Units(int[] ranges, long[] hashes) {}

  static Units units(String text, Config c) {
    if (c.mode().equals("paragraph")) {
      List<int[]> r = new ArrayList<>();
      List<Long> h = new ArrayList<>();
      Matcher m = PARAGRAPH.matcher(text);
      while (m.find()) {
        String p = m.group().strip().replaceAll("\\s+", " ");
        if (p.length() < c.minParagraphChars()) continue;
        r.add(new int[] {m.start(), m.end()});
        h.add(Hash64.of(p));
      }
      int[] flat = new int[r.size() * 2];
      long[] hs = new long[r.size()];
      for (int i = 0; i < r.size(); i++) {
        flat[2 * i] = r.get(i)[0];
        flat[2 * i + 1] = r.get(i)[1];
        hs[i] = h.get(i);
      }
      return new Units(flat, hs);
    }
    int[] sp = Words.spans(text);
    int n = sp.length / 2, w = c.spanTokens();
    if (n < w) return new Units(new int[0], new long[0]);
    long[] tok = new long[n];
    for (int i = 0; i < n; i++) tok[i] = Hash64.of(text, sp[2 * i], sp[2 * i + 1]);
    // Polynomial rolling hash over w token hashes: H(i+1) = (H(i) − t_i·B^(w−1))·B + t_(i+w), mod 2^64.
    final long base = 0x100000001b3L;
    long top = 1;
    for (int i = 0; i < w - 1; i++) top *= base;
    long h = 0;
    for (int i = 0; i < w; i++) h = h * base + tok[i];
    int count = n - w + 1;
    int[] ranges = new int[2 * count];
    long[] hashes = new long[count];
    for (int i = 0; i < count; i++) {
      if (i > 0) h = (h - tok[i - 1] * top) * base + tok[i + w - 1];
      ranges[2 * i] = sp[2 * i];
      ranges[2 * i + 1] = sp[2 * (i + w - 1) + 1];
      hashes[i] = Hash64.mix(h);
    }
    return new Units(ranges, hashes);
  }

  @Override
  public JavaRDD<Verdict> apply(JavaRDD<Doc> docs, SparkSession spark) {
    Config cf = c;
    // Every occurrence but the first (lowest seq, then position) of each hash is a repeat: (seq, unit index).
    JavaPairRDD<Long, Iterable<Integer>> repeats = repeats(docs, cf, 4 * docs.getNumPartitions()).groupByKey();
    return SeqJoin.attach(docs, repeats)
        .map(t -> {
          if (t._2() == null) return Verdict.keep(t._1());
          Doc d = t._1();
          Units u = units(d.text(), cf);
          boolean[] cut = new boolean[d.text().length()];
          for (int i : t._2()) for (int k = u.ranges()[2 * i]; k < u.ranges()[2 * i + 1]; k++) cut[k] = true;
          String rest = remove(d.text(), cut);
          int words = Words.split(rest).size();
          long removed = d.text().length() - rest.length();
          if (words < cf.minWordsAfter()) {
            return Verdict.drop(d, "subdoc:too-short-after", String.format(Locale.ROOT, "%d chars repeated, %d words left", removed, words));
          }
          return new Verdict(d.withText(rest), null, null, removed);
        });
  }

  /**
   * The repeated units as (seq, unit index). Occurrences travel as packed {@code long[]} pairs (hash,
   * seq << 24 | index), one array per source and target partition, not as a boxed pair each; each
   * target partition finds, per hash, the lowest code and emits every other one.
   */
  static JavaPairRDD<Long, Integer> repeats(JavaRDD<Doc> docs, Config cf, int partitions) {
    int parts = Math.max(1, partitions);
    return docs.mapPartitionsToPair(it -> {
          LongList[] to = new LongList[parts];
          while (it.hasNext()) {
            Doc d = it.next();
            Units u = units(d.text(), cf);
            for (int i = 0; i < u.hashes().length; i++) {
              int p = (int) Math.floorMod(Hash64.mix(u.hashes()[i]), (long) parts);
              if (to[p] == null) to[p] = new LongList();
              to[p].add(u.hashes()[i]);
              to[p].add((d.seq() << POS_BITS) | i);
            }
          }
          List<Tuple2<Integer, long[]>> out = new ArrayList<>();
          for (int p = 0; p < parts; p++) if (to[p] != null) out.add(new Tuple2<>(p, to[p].toArray()));
          return out.iterator();
        })
        .partitionBy(new org.apache.spark.HashPartitioner(parts))
        .mapPartitionsToPair(it -> {
          List<long[]> chunks = new ArrayList<>();
          int total = 0;
          while (it.hasNext()) {
            long[] c = it.next()._2();
            chunks.add(c);
            total += c.length / 2;
          }
          // Per hash: the lowest code (open addressing; a slot is used when its code is not -1).
          int cap = Integer.highestOneBit(Math.max(4, 2 * total)) << 1, mask = cap - 1;
          long[] keys = new long[cap], min = new long[cap];
          java.util.Arrays.fill(min, -1);
          for (long[] c : chunks) {
            for (int k = 0; k < c.length; k += 2) {
              int s = (int) Hash64.mix(c[k]) & mask;
              while (min[s] != -1 && keys[s] != c[k]) s = (s + 1) & mask;
              if (min[s] == -1 || c[k + 1] < min[s]) {
                keys[s] = c[k];
                min[s] = c[k + 1];
              }
            }
          }
          List<Tuple2<Long, Integer>> out = new ArrayList<>();
          for (long[] c : chunks) {
            for (int k = 0; k < c.length; k += 2) {
              int s = (int) Hash64.mix(c[k]) & mask;
              while (keys[s] != c[k]) s = (s + 1) & mask;
              if (c[k + 1] != min[s]) out.add(new Tuple2<>(c[k + 1] >>> POS_BITS, (int) (c[k + 1] & ((1 << POS_BITS) - 1))));
            }
          }
          return out.iterator();
        });
  }

  /** A growable list of longs. */
  static final class LongList {
    private long[] a = new long[1024];
    private int n;

    void add(long x) {
      if (n == a.length) a = java.util.Arrays.copyOf(a, 2 * n);
      a[n++] = x;
    }

    long[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }

  /** The text without the cut characters; whitespace left around a cut collapses to one separator. */
  static String remove(String text, boolean[] cut) {
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      if (!cut[i]) {
        sb.append(text.charAt(i));
      } else if (i == 0 || !cut[i - 1]) {
        // start of a cut: drop whitespace we just wrote, keep one newline if the cut spanned one
        int end = i;
        while (end < text.length() && cut[end]) end++;
        while (sb.length() > 0 && sb.charAt(sb.length() - 1) == ' ') sb.setLength(sb.length() - 1);
        i = end - 1;
        while (i + 1 < text.length() && text.charAt(i + 1) == ' ') i++;
        if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '\n') sb.append(' ');
      }
    }
    return sb.toString().replaceAll("\n{3,}", "\n\n").strip();
  }
}
