package io.papers4j.arena.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * FastChat's leaderboard (B9): rating, 95% interval, rank by interval, votes; rows sorted by rating.
 * The interval comes from the bootstrap (FastChat's display) or from the paper's sandwich.
 */
public final class Leaderboard {
  private Leaderboard() {}

  /** Which estimator gives the point rating and the interval. */
  public enum Method {
    /** Bradley-Terry MLE, bootstrap quantiles. */
    BT,
    /** Online Elo; bootstrap median as rating (FastChat's "elo" system). */
    ELO,
    /**
     * Bradley-Terry MLE with the paper's sandwich interval (uncorrected, per model) on ξ_m − ξ_ref,
     * the reference being the model with most battles (its own interval has zero width).
     */
    SANDWICH
  }

  /**
   * @param method estimator
   * @param bootstrap rounds (FastChat CLI: 100); ignored by SANDWICH
   * @param seed bootstrap seed
   * @param scale display scale and optional anchor
   * @param resampling bootstrap draw
   * @param alpha interval level (0.05 → 95%)
   * @param l2 BT prior strength λ (0: FastChat's plain MLE; see {@link BradleyTerry}). With λ &gt; 0
   *     each interval is the union of the bootstrap interval and the Laplace posterior interval
   *     rating ± z·sd: the bootstrap alone has zero width when every resample repeats the same few
   *     votes, the Laplace interval stays as wide as the prior and the data allow. BT only.
   */
  public record Options(
      Method method,
      int bootstrap,
      long seed,
      RatingScale scale,
      Bootstrap.Resampling resampling,
      double alpha,
      double l2) {
    public static Options defaults() {
      return new Options(Method.BT, 100, 0, RatingScale.FASTCHAT, Bootstrap.Resampling.TRIPLES, 0.05);
    }

    /** Without prior. */
    public Options(Method method, int bootstrap, long seed, RatingScale scale, Bootstrap.Resampling resampling, double alpha) {
      this(method, bootstrap, seed, scale, resampling, alpha, 0);
    }

    /** The same options with BT prior strength {@code l2}. */
    public Options withL2(double l2) {
      return new Options(method, bootstrap, seed, scale, resampling, alpha, l2);
    }

    public Options {
      if (!(l2 >= 0) || Double.isInfinite(l2)) throw new IllegalArgumentException("l2 prior must be finite and >= 0, got " + l2);
      if (l2 > 0 && method != Method.BT) throw new IllegalArgumentException("the l2 prior applies to the BT method only");
      if (bootstrap < 1 && method != Method.SANDWICH) {
        throw new IllegalArgumentException("--bootstrap must be at least 1, got " + bootstrap);
      }
      if (!(alpha > 0 && alpha < 1)) throw new IllegalArgumentException("alpha must be in (0, 1)");
    }
  }

  /** One line: rank by CI, model, rating, lower and upper bound of the interval, votes. */
  public record Row(int rank, String model, double rating, double lower, double upper, long votes) {}

  public static List<Row> compute(List<Battle> battles, Options o) {
    if (battles.isEmpty()) throw new IllegalArgumentException("no battles to rate");
    ModelIndex models = ModelIndex.of(battles);
    int m = models.size();
    double[] rating, lo = new double[m], hi = new double[m];
    double qlo = o.alpha() / 2, qhi = 1 - o.alpha() / 2;
    switch (o.method()) {
      case BT -> {
        PairCounts pc = PairCounts.of(battles, models);
        BradleyTerry bt = o.l2() > 0 ? BradleyTerry.DEFAULT.withL2(o.l2()) : BradleyTerry.DEFAULT;
        double[] xi = bt.fit(pc);
        rating = o.scale().ratings(xi, models);
        // triples: reuse the collapsed counts (a round then costs O(#triples), not O(#battles))
        var s = o.resampling() == Bootstrap.Resampling.TRIPLES
            ? Bootstrap.bradleyTerry(pc, bt, o.scale(), o.bootstrap(), o.seed())
            : Bootstrap.bradleyTerry(battles, bt, o.scale(), o.bootstrap(), o.seed(), o.resampling());
        for (int i = 0; i < m; i++) {
          lo[i] = s.quantile(i, qlo);
          hi[i] = s.quantile(i, qhi);
        }
        if (o.l2() > 0) {
          double[] sd = bt.posteriorSd(pc, xi);
          double half = Sandwich.Fit.uncorrectedFactor(o.alpha()) * o.scale().pointsPerNat();
          for (int i = 0; i < m; i++) {
            lo[i] = Math.min(lo[i], rating[i] - half * sd[i]);
            hi[i] = Math.max(hi[i], rating[i] + half * sd[i]);
          }
        }
      }
      case ELO -> {
        Elo elo = new Elo(4, o.scale().scale(), o.scale().base(), o.scale().init());
        var s = Bootstrap.elo(battles, elo, o.bootstrap(), o.seed());
        rating = new double[m];
        for (int i = 0; i < m; i++) {
          rating[i] = Math.round(s.quantile(i, 0.5));
          lo[i] = s.quantile(i, qlo);
          hi[i] = s.quantile(i, qhi);
        }
      }
      case SANDWICH -> {
        PairCounts pc = PairCounts.of(battles, models);
        // the reference (ξ_ref = 0, zero width) is the model with most battles
        long[] n = new long[m];
        for (Battle b : battles) {
          n[models.indexOf(b.modelA())]++;
          n[models.indexOf(b.modelB())]++;
        }
        int ref = 0;
        for (int i = 1; i < m; i++) if (n[i] > n[ref]) ref = i;
        Sandwich.Fit f = Sandwich.fit(pc, ref, BradleyTerry.DEFAULT);
        double z = Sandwich.Fit.uncorrectedFactor(o.alpha());
        // back to Σξ = 0 before scaling, so the display convention matches BT
        double[] centred = BradleyTerry.centred(f.xi());
        rating = o.scale().ratings(centred, models);
        double ppn = o.scale().pointsPerNat();
        for (int i = 0; i < m; i++) {
          lo[i] = rating[i] - z * f.se()[i] * ppn;
          hi[i] = rating[i] + z * f.se()[i] * ppn;
        }
      }
      default -> throw new IllegalStateException();
    }
    long[] votes = new long[m];
    for (Battle b : battles) {
      votes[models.indexOf(b.modelA())]++;
      votes[models.indexOf(b.modelB())]++;
    }
    int[] ranks = ApproximateRank.ranks(lo, hi);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < m; i++) rows.add(new Row(ranks[i], models.name(i), rating[i], lo[i], hi[i], votes[i]));
    rows.sort(Comparator.comparingDouble((Row r) -> -r.rating()).thenComparing(Row::model));
    return rows;
  }
}
