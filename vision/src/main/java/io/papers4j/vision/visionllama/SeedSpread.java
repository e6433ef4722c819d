package io.papers4j.vision.visionllama;

import java.util.Arrays;

/**
 * Spread of one number over seeds: mean, sample standard deviation (n − 1 in the denominator; 0 for
 * one seed), min and max.
 */
public record SeedSpread(double mean, double std, double min, double max, int n) {
  public static SeedSpread of(double... values) {
    if (values.length == 0) throw new IllegalArgumentException("no values to summarise");
    double mean = Arrays.stream(values).average().orElseThrow();
    double ss = 0;
    for (double v : values) ss += (v - mean) * (v - mean);
    double std = values.length > 1 ? Math.sqrt(ss / (values.length - 1)) : 0;
    return new SeedSpread(mean, std, Arrays.stream(values).min().orElseThrow(),
        Arrays.stream(values).max().orElseThrow(), values.length);
  }
}
