package io.papers4j.arena.stats;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Online Elo as in FastChat's {@code compute_elo}, processed in the given order:
 *
 * <pre>
 *   E_A = 1 / (1 + base^((R_B - R_A) / scale)),  E_B = 1 - E_A
 *   R_A += K (s - E_A),  R_B += K ((1 - s) - E_B)     s = 1, 0, 0.5 for A wins, B wins, tie
 * </pre>
 *
 * It depends on the order of battles, which is why the paper moved to Bradley-Terry (§4).
 *
 * @param k step size (FastChat: 4)
 * @param scale rating points per factor {@code base} in odds (400)
 * @param base odds base (10)
 * @param init starting rating (1000)
 */
public record Elo(double k, double scale, double base, double init) {

  /** FastChat's defaults: K = 4, scale 400, base 10, init 1000. */
  public static final Elo FASTCHAT = new Elo(4, 400, 10, 1000);

  public Elo {
    if (!(k > 0) || !(scale > 0) || !(base > 1)) {
      throw new IllegalArgumentException(
          "Elo needs k > 0, scale > 0, base > 1; got k=" + k + " scale=" + scale + " base=" + base);
    }
  }

  /** Ratings after processing {@code battles} in list order, keyed by model in sorted order. */
  public Map<String, Double> ratings(List<Battle> battles) {
    ModelIndex idx = ModelIndex.of(battles);
    double[] r = new double[idx.size()];
    java.util.Arrays.fill(r, init);
    for (Battle b : battles) {
      int a = idx.indexOf(b.modelA());
      int c = idx.indexOf(b.modelB());
      double ea = 1 / (1 + Math.pow(base, (r[c] - r[a]) / scale));
      double eb = 1 - ea;
      double s = b.winner().scoreA;
      r[a] += k * (s - ea);
      r[c] += k * ((1 - s) - eb);
    }
    Map<String, Double> out = new LinkedHashMap<>();
    for (int i = 0; i < r.length; i++) out.put(idx.name(i), r[i]);
    return out;
  }
}
