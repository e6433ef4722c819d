package io.papers4j.lm.reasoning;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The paper's evaluation metrics over K samples of one question: pass@k (unbiased estimator of
 * Chen et al. 2021), maj@K (majority vote on the final answer), rerank@K (the sample a reward model
 * scores highest).
 */
public final class SampleMetrics {
  private SampleMetrics() {}

  /**
   * Unbiased pass@k from n samples of which c are correct: 1 - C(n-c, k) / C(n, k), computed as the
   * product prod_{i=n-c+1..n} (1 - k / i) to stay stable for large n.
   */
  public static double passAtK(int n, int c, int k) {
    if (n < 1 || c < 0 || c > n || k < 1 || k > n)
      throw new IllegalArgumentException("pass@k needs 1 <= k <= n and 0 <= c <= n, got n=" + n + " c=" + c + " k=" + k);
    if (n - c < k) return 1.0;
    double fail = 1.0;
    for (int i = n - c + 1; i <= n; i++) fail *= 1.0 - (double) k / i;
    return 1.0 - fail;
  }

  /**
   * The majority answer among {@code answers} (null = no valid answer, never voted for); ties go to
   * the answer seen first. Null when no sample has a valid answer.
   */
  public static String majority(List<String> answers) {
    Map<String, Integer> votes = new LinkedHashMap<>();
    for (String a : answers) if (a != null) votes.merge(a, 1, Integer::sum);
    String best = null;
    int bestVotes = 0;
    for (Map.Entry<String, Integer> e : votes.entrySet()) {
      if (e.getValue() > bestVotes) {
        best = e.getKey();
        bestVotes = e.getValue();
      }
    }
    return best;
  }

  /** Index of the highest score (first one on ties); -1 for no samples. */
  public static int argmax(double[] scores) {
    int best = -1;
    for (int i = 0; i < scores.length; i++) if (best < 0 || scores[i] > scores[best]) best = i;
    return best;
  }
}
