package io.papers4j.core.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A deterministic train/validation split of a corpus's units, by contiguous blocks so that
 * validation text is never a neighbour-verse copy of training text.
 *
 * @param train training units, in corpus order
 * @param validation validation units, in corpus order
 */
public record Split(List<String> train, List<String> validation) {
  public Split {
    train = List.copyOf(train);
    validation = List.copyOf(validation);
  }

  /** The last {@code fraction} of the units is validation (e.g. 0.05: the end of the KJV). */
  public static Split tail(List<String> units, double fraction) {
    check(units, fraction);
    int nVal = Math.max(1, (int) Math.round(units.size() * fraction));
    int cut = units.size() - nVal;
    return new Split(units.subList(0, cut), units.subList(cut, units.size()));
  }

  /**
   * Cuts the units into blocks of {@code blockSize} and sends a seeded random {@code fraction} of
   * the blocks to validation, so validation covers the whole corpus (every book of the Bible, say)
   * while no block is split.
   */
  public static Split blocks(List<String> units, int blockSize, double fraction, long seed) {
    check(units, fraction);
    if (blockSize < 1) throw new IllegalArgumentException("blockSize must be >= 1, got " + blockSize);
    int nBlocks = (units.size() + blockSize - 1) / blockSize;
    int nVal = Math.max(1, (int) Math.round(nBlocks * fraction));
    if (nVal >= nBlocks) throw new IllegalArgumentException("fraction " + fraction + " leaves no training blocks");
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < nBlocks; i++) order.add(i);
    java.util.Collections.shuffle(order, new Random(seed));
    boolean[] val = new boolean[nBlocks];
    for (int i = 0; i < nVal; i++) val[order.get(i)] = true;
    List<String> train = new ArrayList<>();
    List<String> validation = new ArrayList<>();
    for (int i = 0; i < units.size(); i++) (val[i / blockSize] ? validation : train).add(units.get(i));
    return new Split(train, validation);
  }

  private static void check(List<String> units, double fraction) {
    if (units.size() < 2) throw new IllegalArgumentException("need at least 2 units to split");
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + fraction);
    }
  }

  /** Training text, units joined by newlines. */
  public String trainText() {
    return String.join("\n", train);
  }

  /** Validation text, units joined by newlines. */
  public String validationText() {
    return String.join("\n", validation);
  }
}
