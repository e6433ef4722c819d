package io.papers4j.lm.reasoning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampleMetricsTest {
  private static BigInteger choose(int n, int k) {
    if (k < 0 || k > n) return BigInteger.ZERO;
    BigInteger r = BigInteger.ONE;
    for (int i = 0; i < k; i++) r = r.multiply(BigInteger.valueOf(n - i)).divide(BigInteger.valueOf(i + 1));
    return r;
  }

  @Test
  void pass_at_k_equals_the_unbiased_binomial_formula() {
    int[] ns = {1, 5, 16, 96, 200};
    for (int n : ns)
      for (int c = 0; c <= n; c += Math.max(1, n / 7))
        for (int k = 1; k <= n; k += Math.max(1, n / 5)) {
          // 1 - C(n-c, k) / C(n, k), exactly
          BigDecimal exact =
              BigDecimal.ONE.subtract(
                  new BigDecimal(choose(n - c, k)).divide(new BigDecimal(choose(n, k)), MathContext.DECIMAL128));
          assertThat(SampleMetrics.passAtK(n, c, k)).as("n=%d c=%d k=%d", n, c, k).isCloseTo(exact.doubleValue(), within(1e-12));
        }
    assertThat(SampleMetrics.passAtK(10, 0, 3)).isEqualTo(0.0);
    assertThat(SampleMetrics.passAtK(10, 8, 3)).isEqualTo(1.0);
    assertThat(SampleMetrics.passAtK(4, 1, 1)).isCloseTo(0.25, within(1e-15)); // pass@1 = c/n
  }

  @Test
  void pass_at_k_matches_brute_force_enumeration_of_subsets() {
    boolean[] correct = {false, true, false, false, true, false};
    int n = correct.length;
    int k = 3;
    int hit = 0;
    int total = 0;
    for (int mask = 0; mask < 1 << n; mask++) {
      if (Integer.bitCount(mask) != k) continue;
      total++;
      boolean any = false;
      for (int i = 0; i < n; i++) if ((mask >> i & 1) == 1 && correct[i]) any = true;
      if (any) hit++;
    }
    assertThat(SampleMetrics.passAtK(n, 2, k)).isCloseTo((double) hit / total, within(1e-12));
  }

  @Test
  void majority_vote_ignores_invalid_answers_and_breaks_ties_by_first_seen() {
    assertThat(SampleMetrics.majority(Arrays.asList("3", null, "4", "4", null, null))).isEqualTo("4");
    assertThat(SampleMetrics.majority(List.of("7", "5", "5", "7"))).isEqualTo("7");
    assertThat(SampleMetrics.majority(Arrays.asList(null, null))).isNull();
    assertThat(SampleMetrics.argmax(new double[] {0.1, 0.9, 0.9})).isEqualTo(1);
    assertThat(SampleMetrics.argmax(new double[0])).isEqualTo(-1);
  }
}
