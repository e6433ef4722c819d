package io.papers4j.arena.stats;

/**
 * The paper's pair set A = {(m, m′) : m &lt; m′} over M models, numbered 0 … M(M−1)/2 − 1 in
 * lexicographic order. In a pair, m is "first" and m′ "second"; H = 1 means m′ was preferred.
 */
public final class PairIndex {
  public final int models;
  private final int[] first;
  private final int[] second;
  private final int[][] index;

  public PairIndex(int models) {
    if (models < 2) throw new IllegalArgumentException("need at least 2 models, got " + models);
    this.models = models;
    int n = models * (models - 1) / 2;
    first = new int[n];
    second = new int[n];
    index = new int[models][models];
    int k = 0;
    for (int i = 0; i < models; i++)
      for (int j = i + 1; j < models; j++) {
        first[k] = i;
        second[k] = j;
        index[i][j] = k;
        index[j][i] = k;
        k++;
      }
  }

  public int size() {
    return first.length;
  }

  public int first(int pair) {
    return first[pair];
  }

  public int second(int pair) {
    return second[pair];
  }

  /** The pair holding models i and j (either order). */
  public int of(int i, int j) {
    if (i == j) throw new IllegalArgumentException("a pair needs two different models: " + i);
    return index[i][j];
  }
}
