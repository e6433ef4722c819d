package io.papers4j.datapipe.dedup;

import io.papers4j.datapipe.text.Hash64;
import io.papers4j.datapipe.text.Words;
import java.util.Arrays;

/**
 * A document as a set of hashed word n-grams ("shingles", RefinedWeb uses n = 5), stored as a
 * sorted array of distinct 64-bit hashes so that exact Jaccard is a linear merge.
 */
public final class Shingles {
  private Shingles() {}

  /**
   * The shingle set of {@code text}: every run of {@code n} consecutive normalised words. A
   * document with fewer than {@code n} (but at least one) words is one shingle of all its words.
   */
  public static long[] of(String text, int n) {
    long[] tok = Words.normalizedHashes(text);
    if (tok.length == 0) return new long[0];
    int count = Math.max(1, tok.length - n + 1);
    long[] out = new long[count];
    for (int s = 0; s < count; s++) {
      long h = n;
      for (int j = s; j < Math.min(tok.length, s + n); j++) h = Hash64.combine(h, tok[j]);
      out[s] = h;
    }
    Arrays.sort(out);
    return distinctSorted(out);
  }

  static long[] distinctSorted(long[] sorted) {
    if (sorted.length == 0) return sorted;
    int k = 1;
    for (int i = 1; i < sorted.length; i++) if (sorted[i] != sorted[k - 1]) sorted[k++] = sorted[i];
    return k == sorted.length ? sorted : Arrays.copyOf(sorted, k);
  }

  /** Exact Jaccard |A ∩ B| / |A ∪ B| of two sorted distinct arrays (1 for two empty sets). */
  public static double jaccard(long[] a, long[] b) {
    if (a.length == 0 && b.length == 0) return 1.0;
    int i = 0, j = 0, inter = 0;
    while (i < a.length && j < b.length) {
      if (a[i] == b[j]) {
        inter++;
        i++;
        j++;
      } else if (a[i] < b[j]) {
        i++;
      } else {
        j++;
      }
    }
    return inter / (double) (a.length + b.length - inter);
  }
}
