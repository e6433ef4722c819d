package io.papers4j.arena.stats;

import java.util.List;

/**
 * FastChat's three matrices (B8), rows and columns in {@code models} order.
 *
 * <pre>
 *   winFraction[a][b] = (Awins[a][b] + Bwins[b][a]) / (N[a][b] + N[b][a])     ties excluded; NaN if never met
 *   battleCount[a][b] = N[a][b] + N[b][a]                                       ties excluded, as FastChat plots
 *   predicted[a][b]   = 1 / (1 + 10^((R_b − R_a)/400))
 * </pre>
 */
public final class WinMatrices {
  private WinMatrices() {}

  public static double[][] winFraction(List<Battle> battles, ModelIndex models) {
    int m = models.size();
    double[][] wins = new double[m][m];
    double[][] games = new double[m][m];
    for (Battle b : battles) {
      if (b.winner().scoreA == 0.5) continue;
      int a = models.indexOf(b.modelA()), c = models.indexOf(b.modelB());
      games[a][c]++;
      games[c][a]++;
      if (b.winner() == Winner.MODEL_A) wins[a][c]++;
      else wins[c][a]++;
    }
    double[][] f = new double[m][m];
    for (int i = 0; i < m; i++)
      for (int j = 0; j < m; j++) f[i][j] = games[i][j] == 0 ? Double.NaN : wins[i][j] / games[i][j];
    return f;
  }

  public static double[][] battleCount(List<Battle> battles, ModelIndex models) {
    int m = models.size();
    double[][] n = new double[m][m];
    for (Battle b : battles) {
      if (b.winner().scoreA == 0.5) continue;
      int a = models.indexOf(b.modelA()), c = models.indexOf(b.modelB());
      n[a][c]++;
      n[c][a]++;
    }
    return n;
  }

  public static double[][] predicted(double[] ratings, RatingScale scale) {
    int m = ratings.length;
    double[][] p = new double[m][m];
    for (int i = 0; i < m; i++)
      for (int j = 0; j < m; j++)
        p[i][j] = i == j ? Double.NaN : 1 / (1 + Math.pow(scale.base(), (ratings[j] - ratings[i]) / scale.scale()));
    return p;
  }
}
