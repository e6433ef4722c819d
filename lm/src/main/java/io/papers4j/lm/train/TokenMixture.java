package io.papers4j.lm.train;

import io.papers4j.core.train.Batch;
import io.papers4j.core.train.TrainData;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.Tensor;

/**
 * Training windows drawn from several token streams with weights ({@code --data
 * legal:0.98,general:0.02}): each row of a batch first picks its source with probability equal to
 * the source's weight, then a window start uniformly inside that source. Row {@code r} of batch
 * {@code step} depends only on {@code (seed, step, r)}, so resuming sees the same batches.
 * Validation is delegated (the first source's held-out windows, as a plain run's).
 */
public final class TokenMixture implements TrainData {
  /** One named weighted part of a mixture spec. */
  public record Part(String name, double weight) {}

  private final List<int[]> sources;
  private final double[] cumulative;
  private final TrainData validation;
  private final int batch;
  private final int seq;
  private final long seed;

  /**
   * @param sources token streams, each at least seq + 1 long
   * @param weights non-negative, summing to a positive number (normalised here)
   * @param validation batches for validation
   */
  public TokenMixture(List<int[]> sources, double[] weights, TrainData validation, int batch, int seq, long seed) {
    if (sources.isEmpty() || sources.size() != weights.length) {
      throw new IllegalArgumentException("a mixture needs one weight per source, got " + sources.size()
          + " sources and " + weights.length + " weights");
    }
    double total = 0;
    for (double w : weights) {
      if (!(w >= 0) || Double.isInfinite(w)) throw new IllegalArgumentException("mixture weights must be >= 0, got " + w);
      total += w;
    }
    if (!(total > 0)) throw new IllegalArgumentException("mixture weights sum to 0");
    for (int i = 0; i < sources.size(); i++) {
      if (weights[i] > 0 && sources.get(i).length < seq + 1) {
        throw new IllegalArgumentException("mixture source " + i + " has " + sources.get(i).length
            + " tokens, fewer than one window of " + (seq + 1));
      }
    }
    this.sources = List.copyOf(sources);
    this.cumulative = new double[weights.length];
    double acc = 0;
    for (int i = 0; i < weights.length; i++) cumulative[i] = (acc += weights[i] / total);
    this.validation = validation;
    this.batch = batch;
    this.seq = seq;
    this.seed = seed;
  }

  /** Parses "a:0.98,b:0.02" (a bare name means weight 1). */
  public static List<Part> parse(String spec) {
    if (spec == null || spec.isBlank()) throw new IllegalArgumentException("--data is empty; expected e.g. legal:0.98,general:0.02");
    List<Part> parts = new ArrayList<>();
    for (String item : spec.split(",")) {
      String s = item.strip();
      int colon = s.lastIndexOf(':');
      String name = colon < 0 ? s : s.substring(0, colon).strip();
      double w;
      try {
        w = colon < 0 ? 1.0 : Double.parseDouble(s.substring(colon + 1).strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--data part '" + s + "': weight is not a number");
      }
      if (name.isEmpty()) throw new IllegalArgumentException("--data part '" + s + "' has no corpus name");
      if (!(w >= 0) || Double.isInfinite(w)) throw new IllegalArgumentException("--data part '" + s + "': weight must be >= 0");
      parts.add(new Part(name, w));
    }
    if (parts.stream().mapToDouble(Part::weight).sum() <= 0) throw new IllegalArgumentException("--data weights sum to 0");
    return List.copyOf(parts);
  }

  /** The source index of each row of batch {@code step}. */
  public int[] rowSources(long step) {
    int[] src = new int[batch];
    for (int r = 0; r < batch; r++) src[r] = pick(rng(step, r).nextDouble());
    return src;
  }

  private SplittableRandom rng(long step, int row) {
    return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step * 1_000_003L + row);
  }

  private int pick(double u) {
    for (int i = 0; i < cumulative.length - 1; i++) if (u < cumulative[i]) return i;
    return cumulative.length - 1;
  }

  @Override
  public Batch train(long step) {
    long[] x = new long[batch * seq];
    long[] y = new long[batch * seq];
    for (int r = 0; r < batch; r++) {
      SplittableRandom g = rng(step, r);
      int[] t = sources.get(pick(g.nextDouble()));
      int start = g.nextInt(t.length - seq);
      for (int i = 0; i < seq; i++) {
        x[r * seq + i] = t[start + i];
        y[r * seq + i] = t[start + i + 1];
      }
    }
    return new Batch(Tensor.create(x, batch, seq), Tensor.create(y, batch, seq), (long) batch * seq); // (B, T)
  }

  @Override
  public Batch validation(int i) {
    return validation.validation(i);
  }

  @Override
  public int validationBatches() {
    return validation.validationBatches();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("mixture");
    double prev = 0;
    for (int i = 0; i < cumulative.length; i++) {
      sb.append(String.format(Locale.ROOT, " %d:%.3f", i, cumulative[i] - prev));
      prev = cumulative[i];
    }
    return sb.toString();
  }
}
