package io.papers4j.arena.stats;

/** Small dense linear algebra for M ≤ a few hundred models (row-major {@code double[][]}). */
final class Linalg {
  private Linalg() {}

  /** Solves {@code A x = rhs} by Gaussian elimination with partial pivoting (A is copied). */
  static double[] solve(double[][] a, double[] rhs) {
    int n = rhs.length;
    double[][] m = new double[n][];
    for (int i = 0; i < n; i++) m[i] = a[i].clone();
    double[] x = rhs.clone();
    for (int c = 0; c < n; c++) {
      int p = c;
      for (int r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
      if (Math.abs(m[p][c]) < 1e-300) {
        throw new ArithmeticException("singular matrix at column " + c);
      }
      double[] t = m[c];
      m[c] = m[p];
      m[p] = t;
      double tx = x[c];
      x[c] = x[p];
      x[p] = tx;
      for (int r = c + 1; r < n; r++) {
        double f = m[r][c] / m[c][c];
        if (f == 0) continue;
        for (int k = c; k < n; k++) m[r][k] -= f * m[c][k];
        x[r] -= f * x[c];
      }
    }
    for (int r = n - 1; r >= 0; r--) {
      double s = x[r];
      for (int k = r + 1; k < n; k++) s -= m[r][k] * x[k];
      x[r] = s / m[r][r];
    }
    return x;
  }

  /** Inverse by solving against each unit vector. */
  static double[][] inverse(double[][] a) {
    int n = a.length;
    double[][] inv = new double[n][n];
    for (int j = 0; j < n; j++) {
      double[] e = new double[n];
      e[j] = 1;
      double[] col = solve(a, e);
      for (int i = 0; i < n; i++) inv[i][j] = col[i];
    }
    return inv;
  }

  static double[][] multiply(double[][] x, double[][] y) {
    int n = x.length, k = y.length, m = y[0].length;
    double[][] out = new double[n][m];
    for (int i = 0; i < n; i++)
      for (int t = 0; t < k; t++) {
        double v = x[i][t];
        if (v == 0) continue;
        for (int j = 0; j < m; j++) out[i][j] += v * y[t][j];
      }
    return out;
  }
}
