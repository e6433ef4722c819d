package io.papers4j.design2code;

/**
 * Minimum-cost rectangular linear assignment, the Jonker–Volgenant shortest-augmenting-path method
 * in Crouse's (2016) formulation, i.e. what {@code scipy.optimize.linear_sum_assignment} runs.
 *
 * <p>For an n×m cost matrix C it returns min(n, m) pairs (row, col), each row and column used at
 * most once, minimising Σ C[row][col]. Rows are processed one at a time; each finds the shortest
 * augmenting path in reduced costs C[i][j] − u[i] − v[j] (Dijkstra over columns), then the duals u,
 * v are updated and the path is flipped. The scan order and tie-breaking follow scipy's
 * implementation (columns scanned from the last to the first, ties broken towards a free column),
 * so that degenerate matrices (e.g. equal texts) give the same matching as the reference.
 */
public final class LinearAssignment {
  private LinearAssignment() {}

  /** Returns pairs {row, col}, sorted by row, covering min(n, m) rows or columns. */
  public static int[][] solve(double[][] cost) {
    int nr = cost.length;
    if (nr == 0) return new int[0][];
    int nc = cost[0].length;
    if (nc == 0) return new int[0][];
    for (double[] row : cost) {
      if (row.length != nc) throw new IllegalArgumentException("cost matrix rows differ in length");
      for (double c : row)
        if (Double.isNaN(c) || c == Double.NEGATIVE_INFINITY)
          throw new IllegalArgumentException("cost matrix contains NaN or -inf");
    }
    // A tall matrix is solved transposed (every row must be assignable).
    boolean transpose = nc < nr;
    double[][] c = cost;
    if (transpose) {
      c = new double[nc][nr];
      for (int i = 0; i < nr; i++) for (int j = 0; j < nc; j++) c[j][i] = cost[i][j];
      int t = nr;
      nr = nc;
      nc = t;
    }
    int[] col4row = solveWide(c, nr, nc);
    int[][] pairs = new int[nr][];
    if (!transpose) {
      for (int i = 0; i < nr; i++) pairs[i] = new int[] {i, col4row[i]};
    } else {
      // Original rows are our columns: list them in increasing original-row order (scipy argsorts).
      Integer[] order = new Integer[nr];
      for (int i = 0; i < nr; i++) order[i] = i;
      final int[] keys = col4row;
      java.util.Arrays.sort(order, (p, q) -> Integer.compare(keys[p], keys[q]));
      for (int k = 0; k < nr; k++) pairs[k] = new int[] {col4row[order[k]], order[k]};
    }
    return pairs;
  }

  /** Core for nr <= nc: returns col4row. */
  private static int[] solveWide(double[][] cost, int nr, int nc) {
    double[] u = new double[nr];
    double[] v = new double[nc];
    double[] shortest = new double[nc];
    int[] path = new int[nc];
    int[] col4row = new int[nr];
    int[] row4col = new int[nc];
    boolean[] sr = new boolean[nr];
    boolean[] sc = new boolean[nc];
    int[] remaining = new int[nc];
    java.util.Arrays.fill(path, -1);
    java.util.Arrays.fill(col4row, -1);
    java.util.Arrays.fill(row4col, -1);

    for (int curRow = 0; curRow < nr; curRow++) {
      // --- shortest augmenting path from curRow (Dijkstra on reduced costs) ---
      double minVal = 0;
      int numRemaining = nc;
      for (int it = 0; it < nc; it++) remaining[it] = nc - it - 1; // reverse order, as scipy
      java.util.Arrays.fill(sr, false);
      java.util.Arrays.fill(sc, false);
      java.util.Arrays.fill(shortest, Double.POSITIVE_INFINITY);
      int i = curRow;
      int sink = -1;
      while (sink == -1) {
        int index = -1;
        double lowest = Double.POSITIVE_INFINITY;
        sr[i] = true;
        for (int it = 0; it < numRemaining; it++) {
          int j = remaining[it];
          double r = minVal + cost[i][j] - u[i] - v[j];
          if (r < shortest[j]) {
            path[j] = i;
            shortest[j] = r;
          }
          // Among equally short columns prefer a free one: it ends the path at once.
          if (shortest[j] < lowest || (shortest[j] == lowest && row4col[j] == -1)) {
            lowest = shortest[j];
            index = it;
          }
        }
        minVal = lowest;
        if (minVal == Double.POSITIVE_INFINITY)
          throw new IllegalArgumentException("cost matrix is infeasible");
        int j = remaining[index];
        if (row4col[j] == -1) sink = j;
        else i = row4col[j];
        sc[j] = true;
        remaining[index] = remaining[--numRemaining];
      }
      // --- dual update ---
      u[curRow] += minVal;
      for (int r = 0; r < nr; r++)
        if (sr[r] && r != curRow) u[r] += minVal - shortest[col4row[r]];
      for (int j = 0; j < nc; j++) if (sc[j]) v[j] -= minVal - shortest[j];
      // --- augment along the path ---
      int j = sink;
      while (true) {
        int r = path[j];
        row4col[j] = r;
        int t = col4row[r];
        col4row[r] = j;
        j = t;
        if (r == curRow) break;
      }
    }
    return col4row;
  }
}
