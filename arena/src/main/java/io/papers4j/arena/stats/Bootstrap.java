package io.papers4j.arena.stats;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Bootstrap confidence intervals for Bradley-Terry ratings (FastChat {@code get_bootstrap_result}
 * and the 2024-09 multinomial version) and for online Elo.
 *
 * <p>Round r draws n = #battles battles with replacement and refits. Two draws are offered, as in
 * FastChat's two eras: {@link Resampling#ROWS} picks n row indices uniformly (pandas
 * {@code sample(frac=1, replace=True)}); {@link Resampling#TRIPLES} draws the counts of the unique
 * (a, b, outcome) triples from Multinomial(n, w/Σw). Both have the same distribution; the second
 * never touches the rows. Each round has its own seed taken from one {@link SplittableRandom}
 * seeded with {@code seed}, so results do not depend on the number of threads; rounds run in
 * parallel.
 */
public final class Bootstrap {
  private Bootstrap() {}

  /** How a bootstrap round resamples the battles. */
  public enum Resampling {
    ROWS,
    TRIPLES
  }

  /** Ratings of every round: {@code ratings[round][model]}, models in {@code models} order. */
  public record Samples(ModelIndex models, double[][] ratings) {
    public double[] column(int model) {
      double[] c = new double[ratings.length];
      for (int r = 0; r < c.length; r++) c[r] = ratings[r][model];
      return c;
    }

    public double quantile(int model, double q) {
      return Quantiles.of(column(model), q);
    }
  }

  /** Bradley-Terry bootstrap on display ratings. */
  public static Samples bradleyTerry(
      List<Battle> battles,
      BradleyTerry bt,
      RatingScale scale,
      int rounds,
      long seed,
      Resampling how) {
    ModelIndex models = ModelIndex.of(battles);
    PairCounts pc = PairCounts.of(battles, models);
    int[] rowTriple = how == Resampling.ROWS ? PairCounts.tripleOfRow(battles, models, pc) : null;
    double[] cumulative = cumulative(pc.count);
    int n = battles.size();
    long[] seeds = new SplittableRandom(seed).longs(rounds).toArray();
    double[][] out = new double[rounds][];
    IntStream.range(0, rounds)
        .parallel()
        .forEach(
            r -> {
              SplittableRandom rng = new SplittableRandom(seeds[r]);
              double[] counts = new double[pc.size()];
              if (how == Resampling.ROWS) {
                for (int i = 0; i < n; i++) counts[rowTriple[rng.nextInt(n)]]++;
              } else {
                for (int i = 0; i < n; i++) counts[draw(cumulative, rng.nextDouble())]++;
              }
              out[r] = scale.ratings(bt.fit(pc.withCounts(counts)), models);
            });
    return new Samples(models, out);
  }

  /**
   * Online-Elo bootstrap: each round resamples rows (which also shuffles their order, as in
   * FastChat) and reruns Elo. FastChat reports the per-model median as the point estimate.
   */
  public static Samples elo(List<Battle> battles, Elo elo, int rounds, long seed) {
    ModelIndex models = ModelIndex.of(battles);
    int n = battles.size();
    long[] seeds = new SplittableRandom(seed).longs(rounds).toArray();
    double[][] out = new double[rounds][];
    IntStream.range(0, rounds)
        .parallel()
        .forEach(
            r -> {
              SplittableRandom rng = new SplittableRandom(seeds[r]);
              Battle[] sample = new Battle[n];
              for (int i = 0; i < n; i++) sample[i] = battles.get(rng.nextInt(n));
              var ratings = elo.ratings(List.of(sample));
              double[] row = new double[models.size()];
              for (int m = 0; m < row.length; m++) {
                // a model absent from this resample keeps the initial rating
                row[m] = ratings.getOrDefault(models.name(m), elo.init());
              }
              out[r] = row;
            });
    return new Samples(models, out);
  }

  static double[] cumulative(double[] weights) {
    double[] c = new double[weights.length];
    double s = 0;
    for (int i = 0; i < weights.length; i++) {
      s += weights[i];
      c[i] = s;
    }
    for (int i = 0; i < c.length; i++) c[i] /= s;
    c[c.length - 1] = 1.0;
    return c;
  }

  /** Smallest i with cumulative[i] > u (binary search). */
  static int draw(double[] cumulative, double u) {
    int lo = 0, hi = cumulative.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
