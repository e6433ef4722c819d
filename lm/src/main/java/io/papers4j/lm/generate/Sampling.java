package io.papers4j.lm.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How the next token is drawn from the logits.
 *
 * @param temperature divides the logits; 0 = greedy (argmax). Default 0.8 on the CLI.
 * @param topK keep only the k most likely tokens; 0 = off
 * @param topP nucleus: keep the smallest set of most likely tokens whose probability reaches p; 1
 *     = off
 * @param seed seeds the draw, so a generation is reproducible
 */
public record Sampling(double temperature, int topK, double topP, long seed) {
  public Sampling {
    if (!(temperature >= 0)) throw new IllegalArgumentException("--temperature must be >= 0, got " + temperature);
    if (topK < 0) throw new IllegalArgumentException("--top-k must be >= 0, got " + topK);
    if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("--top-p must be in (0, 1], got " + topP);
  }

  public static Sampling greedy() {
    return new Sampling(0, 0, 1, 0);
  }

  /**
   * Draws one token id from {@code logits} (length V): argmax when greedy, otherwise softmax(logits
   * / T) restricted by top-k and then top-p, renormalised, sampled with {@code rng}.
   */
  public int sample(float[] logits, SplittableRandom rng) {
    int v = logits.length;
    if (temperature == 0) {
      int best = 0;
      for (int i = 1; i < v; i++) if (logits[i] > logits[best]) best = i;
      return best;
    }
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) max = Math.max(max, l);
    double[] p = new double[v];
    double z = 0;
    for (int i = 0; i < v; i++) {
      p[i] = Math.exp((logits[i] - max) / temperature);
      z += p[i];
    }
    for (int i = 0; i < v; i++) p[i] /= z;
    if (topK == 0 && topP >= 1) return draw(p, null, v, rng);

    Integer[] order = new Integer[v];
    for (int i = 0; i < v; i++) order[i] = i;
    Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a])); // most likely first
    int keep = topK == 0 ? v : Math.min(topK, v);
    if (topP < 1) {
      double kept = 0;
      for (int i = 0; i < keep; i++) kept += p[order[i]];
      double cum = 0;
      int n = 0;
      while (n < keep) { // probabilities renormalised over the top-k set, as transformers does
        cum += p[order[n]] / kept;
        n++;
        if (cum >= topP) break;
      }
      keep = Math.max(1, n);
    }
    return draw(p, order, keep, rng);
  }

  private static int draw(double[] p, Integer[] order, int keep, SplittableRandom rng) {
    double total = 0;
    for (int i = 0; i < keep; i++) total += p[order == null ? i : order[i]];
    double u = rng.nextDouble() * total;
    for (int i = 0; i < keep; i++) {
      int id = order == null ? i : order[i];
      u -= p[id];
      if (u < 0) return id;
    }
    return order == null ? keep - 1 : order[keep - 1];
  }
}
