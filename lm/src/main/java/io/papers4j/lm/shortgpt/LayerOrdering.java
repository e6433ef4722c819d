package io.papers4j.lm.shortgpt;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The orders in which ShortGPT and its baselines (paper §4.3, Tbl 10) remove layers: the first
 * {@code n} entries of {@link #removalOrder} are the layers to delete.
 */
public enum LayerOrdering {
  /** Lowest Block Influence first (ShortGPT). */
  BI,
  /** From layer 0 upwards. */
  SEQUENTIAL,
  /** From the last layer downwards. */
  REVERSE,
  /** Smallest relative magnitude ‖f(x)‖/‖x+f(x)‖ first. */
  MAGNITUDE,
  /** A seeded random permutation. */
  RANDOM;

  public static LayerOrdering parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown ordering '" + s + "'; use bi, sequential, reverse, magnitude or random");
    }
  }

  /**
   * Layer indices in removal order.
   *
   * @param bi Block Influence per layer (needed by {@link #BI})
   * @param magnitude relative magnitude per layer (needed by {@link #MAGNITUDE})
   * @param seed for {@link #RANDOM}
   */
  public List<Integer> removalOrder(double[] bi, double[] magnitude, long seed) {
    int n = bi != null ? bi.length : magnitude.length;
    List<Integer> idx = new ArrayList<>(IntStream.range(0, n).boxed().toList());
    switch (this) {
      case BI -> idx.sort(Comparator.comparingDouble((Integer i) -> bi[i]).thenComparing(i -> i));
      case SEQUENTIAL -> { }
      case REVERSE -> java.util.Collections.reverse(idx);
      case MAGNITUDE -> idx.sort(Comparator.comparingDouble((Integer i) -> magnitude[i]).thenComparing(i -> i));
      case RANDOM -> java.util.Collections.shuffle(idx, new Random(seed));
    }
    return idx;
  }

  /** The layers kept after removing the first {@code remove} of {@link #removalOrder}, ascending. */
  public List<Integer> kept(double[] bi, double[] magnitude, int remove, long seed) {
    List<Integer> order = removalOrder(bi, magnitude, seed);
    if (remove < 0 || remove > order.size()) {
      throw new IllegalArgumentException("cannot remove " + remove + " of " + order.size() + " layers");
    }
    List<Integer> keep = new ArrayList<>(order.subList(remove, order.size()));
    keep.sort(null);
    return keep;
  }
}
