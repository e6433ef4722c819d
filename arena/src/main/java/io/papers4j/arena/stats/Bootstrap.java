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
    Alias alias = new Alias(pc.count);
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
                for (int i = 0; i < n; i++) counts[alias.draw(rng)]++;
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

  /**
   * Walker/Vose alias table: one uniform draw picks a column and a biased coin picks the column's
   * own index or its alias, so each draw is O(1) (the multinomial's n draws dominate the bootstrap).
   */
  static final class Alias {
    final double[] prob;
    final int[] alias;

    Alias(double[] weights) {
      int k = weights.length;
      prob = new double[k];
      alias = new int[k];
      double sum = 0;
      for (double w : weights) sum += w;
      double[] scaled = new double[k];
      int[] small = new int[k], large = new int[k];
      int ns = 0, nl = 0;
      for (int i = 0; i < k; i++) {
        scaled[i] = weights[i] * k / sum;
        if (scaled[i] < 1) small[ns++] = i;
        else large[nl++] = i;
      }
      while (ns > 0 && nl > 0) {
        int s = small[--ns], l = large[--nl];
        prob[s] = scaled[s];
        alias[s] = l;
        scaled[l] = scaled[l] + scaled[s] - 1;
        if (scaled[l] < 1) small[ns++] = l;
        else large[nl++] = l;
      }
      while (nl > 0) prob[large[--nl]] = 1;
      while (ns > 0) prob[small[--ns]] = 1; // rounding leftovers
    }

    int draw(SplittableRandom rng) {
      double u = rng.nextDouble() * prob.length;
      int i = (int) u;
      return (u - i) < prob[i] ? i : alias[i];
    }
  }
}
