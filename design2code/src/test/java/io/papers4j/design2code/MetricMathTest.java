package io.papers4j.design2code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The metric arithmetic against independent references: Python difflib, scipy, Sharma et al. */
class MetricMathTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode resource(String name) throws Exception {
    try (InputStream in = MetricMathTest.class.getResourceAsStream("/design2code/" + name)) {
      return JSON.readTree(in);
    }
  }

  @Test
  void ratioEqualsPythonDifflibIncludingAutojunk() throws Exception {
    JsonNode cases = resource("difflib_ratio.json");
    assertThat(cases.size()).isGreaterThan(100);
    int longOnes = 0;
    for (JsonNode c : cases) {
      String a = c.get("a").asText(), b = c.get("b").asText();
      if (b.codePointCount(0, b.length()) >= 200) longOnes++;
      assertThat(SequenceMatcher.ratio(a, b))
          .as("ratio(%s, %s)", a, b)
          .isCloseTo(c.get("ratio").asDouble(), within(1e-12));
    }
    assertThat(longOnes).as("pairs where autojunk applies").isGreaterThan(10);
  }

  @Test
  void autojunkChangesTheResultLikeDifflib() {
    // 'a' is popular in b (250 of 252 >= 200), so the core search only finds "xy"; without
    // autojunk the ratio would be 500/504. Python: 0.007936507936507936.
    String a = "xy" + "a".repeat(250), b = "a".repeat(250) + "xy";
    assertThat(SequenceMatcher.ratio(a, b)).isCloseTo(2.0 / 252, within(1e-15));
    // Identical strings still reach 1.0: matches extend over popular elements.
    assertThat(SequenceMatcher.ratio("a".repeat(250), "a".repeat(250))).isEqualTo(1.0);
  }

  @Test
  void assignmentEqualsScipyOnTiedMatrices() throws Exception {
    for (JsonNode c : resource("lsa.json")) {
      double[][] cost = JSON.convertValue(c.get("cost"), double[][].class);
      int[][] pairs = LinearAssignment.solve(cost);
      int[] rows = JSON.convertValue(c.get("rows"), int[].class);
      int[] cols = JSON.convertValue(c.get("cols"), int[].class);
      assertThat(pairs.length).isEqualTo(rows.length);
      for (int k = 0; k < rows.length; k++) {
        assertThat(pairs[k]).as("pair %d of %s", k, c.get("cost")).containsExactly(rows[k], cols[k]);
      }
    }
  }

  @Test
  void assignmentIsOptimalAgainstBruteForce() {
    Random rng = new Random(7);
    for (int t = 0; t < 300; t++) {
      int n = 1 + rng.nextInt(6), m = 1 + rng.nextInt(6);
      double[][] c = new double[n][m];
      for (double[] row : c) for (int j = 0; j < m; j++) row[j] = rng.nextInt(4) == 0 ? rng.nextInt(3) : rng.nextGaussian();
      int[][] pairs = LinearAssignment.solve(c);
      assertThat(pairs.length).isEqualTo(Math.min(n, m));
      double got = 0;
      boolean[] usedR = new boolean[n], usedC = new boolean[m];
      for (int[] p : pairs) {
        assertThat(usedR[p[0]] || usedC[p[1]]).isFalse();
        usedR[p[0]] = usedC[p[1]] = true;
        got += c[p[0]][p[1]];
      }
      assertThat(got).isCloseTo(bruteForce(c), within(1e-9));
    }
  }

  private static double bruteForce(double[][] c) {
    int n = c.length, m = c[0].length;
    boolean transpose = n > m;
    double[][] w = c;
    if (transpose) {
      w = new double[m][n];
      for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) w[j][i] = c[i][j];
    }
    return best(w, 0, new boolean[w[0].length]);
  }

  private static double best(double[][] w, int row, boolean[] used) {
    if (row == w.length) return 0;
    double b = Double.POSITIVE_INFINITY;
    for (int j = 0; j < used.length; j++) {
      if (used[j]) continue;
      used[j] = true;
      b = Math.min(b, w[row][j] + best(w, row + 1, used));
      used[j] = false;
    }
    return b;
  }

  @Test
  void ciede2000MatchesAllSharmaPairs() throws Exception {
    List<double[]> rows = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                MetricMathTest.class.getResourceAsStream("/design2code/sharma_ciede2000.csv"),
                StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("#") || line.isBlank()) continue;
        String[] f = line.split(",");
        double[] v = new double[7];
        for (int k = 0; k < 7; k++) v[k] = Double.parseDouble(f[k]);
        rows.add(v);
      }
    }
    assertThat(rows).hasSize(34);
    for (double[] v : rows) {
      double d = ColorDifference.ciede2000(new double[] {v[0], v[1], v[2]}, new double[] {v[3], v[4], v[5]});
      assertThat(d).isCloseTo(v[6], within(5e-5));
      double sym = ColorDifference.ciede2000(new double[] {v[3], v[4], v[5]}, new double[] {v[0], v[1], v[2]});
      assertThat(sym).isCloseTo(v[6], within(5e-5));
    }
  }

  @Test
  void srgbToLabGivesTheStandardD65Values() {
    assertThat(ColorDifference.srgbToLab(new double[] {255, 255, 255}))
        .containsExactly(new double[] {100.0, 0.0, 0.0}, within(1e-2));
    assertThat(ColorDifference.srgbToLab(new double[] {255, 0, 0}))
        .containsExactly(new double[] {53.24, 80.09, 67.20}, within(5e-2));
    assertThat(ColorDifference.srgbToLab(new double[] {0, 0, 0}))
        .containsExactly(new double[] {0.0, 0.0, 0.0}, within(1e-6));
    assertThat(ColorDifference.similarity(new double[] {10, 20, 30}, new double[] {10, 20, 30})).isEqualTo(1.0);
    assertThat(ColorDifference.similarity(new double[] {0, 0, 0}, new double[] {255, 255, 255}))
        .isCloseTo(0.0, within(1e-6));
  }
}
