package io.papers4j.design2code;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code difflib.SequenceMatcher(None, a, b).ratio()} over Unicode code points, the text
 * similarity of Design2Code (the paper calls it a character-level Sørensen–Dice coefficient).
 *
 * <p>ratio = 2·M / (|a| + |b|) (1.0 when both are empty), where M is the total size of the
 * matching blocks found by the Ratcliff–Obershelp recursion: take the longest common run of a and
 * b (earliest in a, then earliest in b, on ties), then recurse left and right of it.
 *
 * <p>difflib's <em>autojunk</em> heuristic is replicated because it changes results: when b has at
 * least 200 code points, every element occurring more than {@code len(b)/100 + 1} times in b is
 * "popular" and cannot start or continue a match in the core search; matches are still extended
 * over popular elements afterwards (they are not junk, so difflib's first extension loops take
 * them).
 */
public final class SequenceMatcher {
  private SequenceMatcher() {}

  /** difflib ratio of two strings. */
  public static double ratio(String a, String b) {
    int[] x = a.codePoints().toArray();
    int[] y = b.codePoints().toArray();
    int total = x.length + y.length;
    if (total == 0) return 1.0;
    return 2.0 * matches(x, y) / total;
  }

  /** Sum of the sizes of difflib's matching blocks. */
  static int matches(int[] a, int[] b) {
    Map<Integer, int[]> b2j = indexB(b);
    int m = 0;
    Deque<int[]> queue = new ArrayDeque<>();
    queue.push(new int[] {0, a.length, 0, b.length});
    while (!queue.isEmpty()) {
      int[] q = queue.pop(); // difflib pops from the end of its list: LIFO
      int alo = q[0], ahi = q[1], blo = q[2], bhi = q[3];
      int[] best = longestMatch(a, b, b2j, alo, ahi, blo, bhi);
      int i = best[0], j = best[1], k = best[2];
      if (k > 0) {
        m += k;
        if (alo < i && blo < j) queue.push(new int[] {alo, i, blo, j});
        if (i + k < ahi && j + k < bhi) queue.push(new int[] {i + k, ahi, j + k, bhi});
      }
    }
    return m;
  }

  /** b2j: element -> ascending positions in b, popular elements removed (autojunk). */
  private static Map<Integer, int[]> indexB(int[] b) {
    Map<Integer, List<Integer>> lists = new HashMap<>();
    for (int j = 0; j < b.length; j++) lists.computeIfAbsent(b[j], key -> new ArrayList<>()).add(j);
    int n = b.length;
    Map<Integer, int[]> b2j = new HashMap<>();
    int ntest = n / 100 + 1;
    for (Map.Entry<Integer, List<Integer>> e : lists.entrySet()) {
      if (n >= 200 && e.getValue().size() > ntest) continue; // popular: dropped from b2j
      b2j.put(e.getKey(), e.getValue().stream().mapToInt(Integer::intValue).toArray());
    }
    return b2j;
  }

  /**
   * difflib find_longest_match with an empty junk set: returns {i, j, size}. difflib keeps a dict
   * j -> length of the match ending at (i-1, j); here two stamped arrays play that role (one for
   * row i-1, one for row i) so no boxing happens in this hot loop.
   */
  private static int[] longestMatch(
      int[] a, int[] b, Map<Integer, int[]> b2j, int alo, int ahi, int blo, int bhi) {
    int besti = alo, bestj = blo, bestsize = 0;
    int n = b.length;
    int[] prevLen = new int[n], prevStamp = new int[n];
    int[] curLen = new int[n], curStamp = new int[n];
    java.util.Arrays.fill(prevStamp, -1);
    java.util.Arrays.fill(curStamp, -1);
    for (int i = alo; i < ahi; i++) {
      int[] js = b2j.get(a[i]);
      if (js != null) {
        for (int j : js) {
          if (j < blo) continue;
          if (j >= bhi) break;
          int k = (j > 0 && prevStamp[j - 1] == i) ? prevLen[j - 1] + 1 : 1;
          curLen[j] = k;
          curStamp[j] = i + 1; // stamp i+1 marks "set in row i"
          if (k > bestsize) {
            besti = i - k + 1;
            bestj = j - k + 1;
            bestsize = k;
          }
        }
      }
      int[] t = prevLen;
      prevLen = curLen;
      curLen = t;
      t = prevStamp;
      prevStamp = curStamp;
      curStamp = t;
    }
    // Extension over equal elements that are not junk (popular ones included; the junk set is empty).
    while (besti > alo && bestj > blo && a[besti - 1] == b[bestj - 1]) {
      besti--;
      bestj--;
      bestsize++;
    }
    while (besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] == b[bestj + bestsize]) {
      bestsize++;
    }
    return new int[] {besti, bestj, bestsize};
  }
}
