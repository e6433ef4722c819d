package io.papers4j.design2code;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Matching of predicted blocks (side A) to reference blocks (side B) as in the official
 * {@code find_possible_merge}: a greedy search that merges adjacent blocks on either side when the
 * merge improves the optimal assignment, then a final assignment whose costs carry a context
 * bonus favouring runs of consecutive matches.
 */
public final class BlockMatcher {

  /**
   * Hyper-parameters of the official code.
   *
   * @param consecutiveBonus context bonus of the final matching (0.1)
   * @param windowSize neighbourhood half-width of the bonus (1, i.e. a 3×3 window)
   * @param mergeGain minimum gain of a merge to be kept (0.05)
   * @param minSimilarity matched pairs below this text similarity are dropped (0.5)
   */
  public record Config(double consecutiveBonus, int windowSize, double mergeGain, double minSimilarity) {
    public static final Config OFFICIAL = new Config(0.1, 1, 0.05, 0.5);
  }

  /** Result: the (possibly merged) block lists and the kept pairs with their text similarity. */
  public record Matching(List<Block> predicted, List<Block> reference, List<Pair> pairs) {}

  /** A kept match between predicted block {@code i} and reference block {@code j}. */
  public record Pair(int i, int j, double textSimilarity) {}

  private final Config config;
  // Ratio cache: the merge search recomputes whole cost matrices in which only one row changes.
  private final Map<String, Map<String, Double>> ratios = new HashMap<>();

  public BlockMatcher(Config config) {
    this.config = config;
  }

  double similarity(String a, String b) {
    return ratios.computeIfAbsent(a, k -> new HashMap<>()).computeIfAbsent(b, k -> SequenceMatcher.ratio(a, k));
  }

  /** Cost matrix C[i][j] = −ratio(A_i.text, B_j.text). */
  double[][] costMatrix(List<Block> a, List<Block> b) {
    double[][] c = new double[a.size()][b.size()];
    for (int i = 0; i < a.size(); i++)
      for (int j = 0; j < b.size(); j++) c[i][j] = -similarity(a.get(i).text(), b.get(j).text());
    return c;
  }

  /**
   * Official {@code adjust_cost_for_context}: every cell with cost < −0.5 gets
   * bonus·(sum of the 2·window most negative other costs in its (2·window+1)² neighbourhood).
   */
  static double[][] adjustForContext(double[][] cost, double bonus, int window) {
    if (window <= 0) return cost;
    int n = cost.length, m = n == 0 ? 0 : cost[0].length;
    double[][] adj = new double[n][];
    for (int i = 0; i < n; i++) adj[i] = cost[i].clone();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        if (cost[i][j] >= -0.5) continue;
        List<Double> near = new ArrayList<>();
        for (int p = Math.max(0, i - window); p < Math.min(n, i + window + 1); p++)
          for (int q = Math.max(0, j - window); q < Math.min(m, j + window + 1); q++) near.add(cost[p][q]);
        near.sort(null); // ascending: most negative first
        near.remove(Double.valueOf(cost[i][j])); // drop the cell itself (one occurrence)
        double sum = 0;
        for (int k = 0; k < Math.min(2 * window, near.size()); k++) sum += near.get(k);
        adj[i][j] += bonus * sum;
      }
    }
    return adj;
  }

  /** One assignment: pairs and the (adjusted) costs of the matched cells, in row order. */
  record Assignment(int[][] pairs, double[] costs) {}

  Assignment assign(List<Block> a, List<Block> b, double bonus, int window) {
    double[][] cost = adjustForContext(costMatrix(a, b), bonus, window);
    int[][] pairs = LinearAssignment.solve(cost);
    double[] costs = new double[pairs.length];
    for (int k = 0; k < pairs.length; k++) costs[k] = cost[pairs[k][0]][pairs[k][1]];
    return new Assignment(pairs, costs);
  }

  /**
   * Official {@code difference_of_means}: remove the common multiset part of the two cost lists,
   * then mean(rest of old) − mean(rest of new); a positive gain counts only when the old rest's
   * minimum exceeds the new rest's minimum.
   */
  static double differenceOfMeans(double[] oldCosts, double[] newCosts) {
    Map<Double, Integer> c1 = counts(oldCosts), c2 = counts(newCosts);
    for (Map.Entry<Double, Integer> e : c1.entrySet()) {
      Integer other = c2.get(e.getKey());
      if (other == null) continue;
      int common = Math.min(e.getValue(), other);
      e.setValue(e.getValue() - common);
      c2.put(e.getKey(), other - common);
    }
    double[] s1 = stats(c1), s2 = stats(c2); // {sum, count, min}
    double mean1 = s1[1] > 0 ? s1[0] / s1[1] : 0, mean2 = s2[1] > 0 ? s2[0] / s2[1] : 0;
    if (mean1 - mean2 > 0) return s1[2] > s2[2] ? mean1 - mean2 : 0.0;
    return mean1 - mean2;
  }

  private static Map<Double, Integer> counts(double[] xs) {
    Map<Double, Integer> m = new HashMap<>();
    for (double x : xs) m.merge(x + 0.0, 1, Integer::sum); // +0.0 folds -0.0 into 0.0, as Python's ==
    return m;
  }

  private static double[] stats(Map<Double, Integer> m) {
    double sum = 0, count = 0, min = Double.POSITIVE_INFINITY;
    for (Map.Entry<Double, Integer> e : m.entrySet()) {
      if (e.getValue() <= 0) continue;
      sum += e.getKey() * e.getValue();
      count += e.getValue();
      min = Math.min(min, e.getKey());
    }
    return new double[] {sum, count, min};
  }

  /** Official {@code find_possible_merge} followed by the final matching and the 0.5 filter. */
  public Matching match(List<Block> predicted, List<Block> reference) {
    List<Block> a = new ArrayList<>(predicted);
    List<Block> b = new ArrayList<>(reference);
    while (true) {
      double[] current = assign(a, b, 0.0, 1).costs();
      boolean aChanged = false, bChanged = false;
      if (a.size() >= 2) {
        List<double[]> merges = candidates(a, b, current, true);
        if (!merges.isEmpty()) {
          aChanged = true;
          a = mergeByList(a, merges);
          current = assign(a, b, 0.0, 1).costs();
        }
      }
      if (b.size() >= 2) {
        List<double[]> merges = candidates(a, b, current, false);
        if (!merges.isEmpty()) {
          bChanged = true;
          b = mergeByList(b, merges);
        }
      }
      if (!aChanged && !bChanged) break;
    }
    Assignment fin = assign(a, b, config.consecutiveBonus(), config.windowSize());
    List<Pair> kept = new ArrayList<>();
    for (int[] p : fin.pairs()) {
      double sim = SequenceMatcher.ratio(a.get(p[0]).text(), b.get(p[1]).text());
      if (sim < config.minSimilarity()) continue;
      kept.add(new Pair(p[0], p[1], sim));
    }
    return new Matching(a, b, kept);
  }

  /** Adjacent merges on one side whose gain exceeds the threshold, sorted by gain (stable, descending). */
  private List<double[]> candidates(List<Block> a, List<Block> b, double[] current, boolean sideA) {
    List<Block> side = sideA ? a : b;
    List<double[]> merges = new ArrayList<>();
    for (int i = 0; i < side.size() - 1; i++) {
      List<Block> merged = new ArrayList<>(side);
      merged.set(i, side.get(i).mergedWith(side.get(i + 1)));
      merged.remove(i + 1);
      double[] updated = sideA ? assign(merged, b, 0.0, 1).costs() : assign(a, merged, 0.0, 1).costs();
      double diff = differenceOfMeans(current, updated);
      if (diff > config.mergeGain()) merges.add(new double[] {i, i + 1, diff});
    }
    merges.sort((p, q) -> Double.compare(q[2], p[2]));
    return merges;
  }

  /** Official {@code merge_blocks_by_list}: apply merges greedily, skipping those that overlap. */
  static List<Block> mergeByList(List<Block> blocks, List<double[]> merges) {
    List<Block> out = new ArrayList<>(blocks);
    List<Integer> popped = new ArrayList<>();
    List<double[]> todo = new ArrayList<>(merges);
    while (!todo.isEmpty()) {
      int i = (int) todo.get(0)[0], j = (int) todo.get(0)[1];
      out.set(i, out.get(i).mergedWith(out.get(j)));
      popped.add(j);
      todo.remove(0);
      todo.removeIf(m -> m[0] == i || m[1] == i || m[0] == j || m[1] == j);
    }
    popped.sort((p, q) -> q - p);
    for (int idx : popped) if (idx < out.size()) out.remove(idx);
    return out;
  }
}
