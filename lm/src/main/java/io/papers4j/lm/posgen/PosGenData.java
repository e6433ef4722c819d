package io.papers4j.lm.posgen;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/**
 * PosGen sequences with disjoint seeds across splits.
 *
 * <p>Seeds (the first j+k tokens) are drawn without replacement from all M^(j+k) ordered tuples
 * (17⁴ = 83,521 for the paper's M = 17, j = 1, k = 3) by a seeded shuffle; the first {@code
 * trainSize} go to train, the next {@code testSize} to test, so no test seed was seen in training.
 * (The released code instead cycles the C(17,4) = 2,380 increasing combinations and its val/test
 * seeds overlap train; the paper says they do not.)
 *
 * <p>Tokens: numbers are their own ids 0 … M−1, then [UNK] M, [PAD] M+1, [CLS] M+2, [SEP] M+3,
 * [EOS] M+4 (the repo's number tokenizer); a model input is [EOS] x_0 … x_{L−1}.
 *
 * @param spec the sizes and rule parameters
 * @param train {@code trainSize} sequences of {@code trainLength} numbers
 * @param test {@code testSize} sequences of {@code testLength} numbers
 */
public record PosGenData(PosGenSpec spec, int[][] train, int[][] test) {

  /** Generates both splits of {@code task} from {@code spec.dataSeed()}. */
  public static PosGenData generate(PosGenTask task, PosGenSpec spec) {
    int first = spec.far() + spec.near();
    long total = 1;
    for (int i = 0; i < first; i++) total *= spec.modulus();
    long needed = (long) spec.trainSize() + spec.testSize();
    if (needed > total)
      throw new IllegalArgumentException("PosGen: " + needed + " sequences need distinct seeds but only "
          + total + " = M^(j+k) exist");
    long[] codes = drawDistinct(total, (int) needed, new Random(spec.dataSeed()));
    int[][] train = new int[spec.trainSize()][];
    int[][] test = new int[spec.testSize()][];
    for (int i = 0; i < needed; i++) {
      int[] seed = decode(codes[i], first, spec.modulus());
      if (i < train.length) train[i] = task.extend(seed, spec.trainLength(), spec.modulus(), spec.far(), spec.near());
      else test[i - train.length] = task.extend(seed, spec.testLength(), spec.modulus(), spec.far(), spec.near());
    }
    return new PosGenData(spec, train, test);
  }

  /** {@code n} distinct values from [0, total), in a seeded random order (partial Fisher–Yates). */
  static long[] drawDistinct(long total, int n, Random rng) {
    long[] out = new long[n];
    java.util.HashMap<Long, Long> swapped = new java.util.HashMap<>();
    for (int i = 0; i < n; i++) {
      long j = i + (long) (rng.nextDouble() * (total - i));
      long vi = swapped.getOrDefault((long) i, (long) i);
      long vj = swapped.getOrDefault(j, j);
      out[i] = vj;
      swapped.put(j, vi);
    }
    return out;
  }

  static int[] decode(long code, int length, int modulus) {
    int[] s = new int[length];
    for (int i = length - 1; i >= 0; i--) {
      s[i] = (int) (code % modulus);
      code /= modulus;
    }
    return s;
  }

  /** The distinct seeds (first j+k tokens) of a split, as strings, for disjointness checks. */
  public static Set<String> seeds(int[][] split, int first) {
    Set<String> s = new HashSet<>();
    for (int[] seq : split) s.add(java.util.Arrays.toString(java.util.Arrays.copyOf(seq, first)));
    return s;
  }

  public int vocabSize() {
    return spec.modulus() + 5;
  }

  public int eosId() {
    return spec.modulus() + 4;
  }
}
