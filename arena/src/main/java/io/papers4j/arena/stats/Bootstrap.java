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
 * never touches the rows and costs O(#triples) per round (conditional binomials, {@link
 * Multinomial}). Each round has its own seed taken from one {@link SplittableRandom} seeded with {@code seed}, so results do not depend on the number of threads; rounds run in
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
    if (how == Resampling.TRIPLES) return bradleyTerry(pc, bt, scale, rounds, seed);
    int[] rowTriple = PairCounts.tripleOfRow(battles, models, pc);
    int n = battles.size();
    return rounds(pc, bt, scale, rounds, seed, rng -> {
      double[] counts = new double[pc.size()];
      for (int i = 0; i < n; i++) counts[rowTriple[rng.nextInt(n)]]++;
      return counts;
    });
  }

  /**
   * Multinomial-triple bootstrap of unit-weight battles already collapsed to triples: each round
   * draws the triple counts from Multinomial(Σ count, count/Σ count) with {@link Multinomial} (k
   * conditional binomials, so a round costs O(#triples), not O(#battles)) and refits.
   */
  public static Samples bradleyTerry(PairCounts pc, BradleyTerry bt, RatingScale scale, int rounds, long seed) {
    long n = Math.round(pc.battles());
    return rounds(pc, bt, scale, rounds, seed, rng -> {
      long[] drawn = Multinomial.sample(n, pc.count, rng);
      double[] counts = new double[drawn.length];
      for (int t = 0; t < counts.length; t++) counts[t] = drawn[t];
      return counts;
    });
  }

  /** Runs the rounds in parallel; round r uses its own generator seeded from {@code seed}. */
  private static Samples rounds(
      PairCounts pc,
      BradleyTerry bt,
      RatingScale scale,
      int rounds,
      long seed,
      java.util.function.Function<SplittableRandom, double[]> resample) {
    long[] seeds = new SplittableRandom(seed).longs(rounds).toArray();
    double[] start = bt.fit(pc); // every round's Newton starts at the full-data fit
    double[][] out = new double[rounds][];
    IntStream.range(0, rounds)
        .parallel()
        .forEach(r -> out[r] = scale.ratings(bt.fit(pc.withCounts(resample.apply(new SplittableRandom(seeds[r]))), start), pc.models));
    return new Samples(pc.models, out);
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
}
