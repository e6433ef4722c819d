package io.papers4j.datapipe.dedup;

import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * MinHash signatures (Broder 1997) with the universal family h_i(x) = (a_i x + b_i) mod p over the
 * Mersenne prime p = 2^61 − 1.
 *
 * <p>For sets A and B, Pr[min h_i(A) = min h_i(B)] = J(A, B), so the fraction of equal signature
 * entries is an unbiased estimate of Jaccard with standard error √(J(1 − J)/k) for k hashes.
 *
 * <p>Locality-sensitive hashing splits the k = b·r entries into b bands of r rows; two documents
 * become candidates when any band is identical, which happens with probability 1 − (1 − s^r)^b at
 * Jaccard s (an S-curve with its steepest point near (1/b)^(1/r)).
 */
public final class MinHash implements Serializable {
  /** The Mersenne prime 2^61 − 1. */
  public static final long P = (1L << 61) - 1;

  private final long[] a;
  private final long[] b;

  /** {@code numHashes} hash functions drawn from {@code seed} (same seed, same signatures). */
  public MinHash(int numHashes, long seed) {
    if (numHashes < 1) throw new IllegalArgumentException("minhash: numHashes must be >= 1, got " + numHashes);
    SplittableRandom r = new SplittableRandom(seed);
    a = new long[numHashes];
    b = new long[numHashes];
    for (int i = 0; i < numHashes; i++) {
      a[i] = 1 + r.nextLong(P - 1);
      b[i] = r.nextLong(P);
    }
  }

  public int numHashes() {
    return a.length;
  }

  /** Signature of a shingle set: per hash function, the minimum over the set (all P for an empty set). */
  public long[] signature(long[] shingles) {
    long[] sig = new long[a.length];
    Arrays.fill(sig, P);
    for (long s : shingles) {
      long x = mod(s);
      for (int i = 0; i < a.length; i++) {
        long h = mod(mulMod(a[i], x) + b[i]);
        if (h < sig[i]) sig[i] = h;
      }
    }
    return sig;
  }

  /** Fraction of equal entries: the MinHash estimate of Jaccard. */
  public static double estimate(long[] s1, long[] s2) {
    int eq = 0;
    for (int i = 0; i < s1.length; i++) if (s1[i] == s2[i]) eq++;
    return eq / (double) s1.length;
  }

  /** Probability that two documents at Jaccard s share at least one of b bands of r rows. */
  public static double candidateProbability(double s, int bands, int rows) {
    return 1 - Math.pow(1 - Math.pow(s, rows), bands);
  }

  /** x mod (2^61 − 1) for any long (negative inputs are first made unsigned by masking). */
  static long mod(long x) {
    long r = (x & P) + (x >>> 61);
    r = (r & P) + (r >>> 61);
    return r >= P ? r - P : r;
  }

  /** (x·y) mod (2^61 − 1) for x, y < 2^61, from the 122-bit product's high and low words. */
  static long mulMod(long x, long y) {
    long lo = x * y;
    long hi = Math.multiplyHigh(x, y);
    long r = (lo & P) + ((lo >>> 61) | (hi << 3));
    r = (r & P) + (r >>> 61);
    return r >= P ? r - P : r;
  }
}
