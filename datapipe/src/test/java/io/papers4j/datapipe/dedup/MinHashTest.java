package io.papers4j.datapipe.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MinHashTest {

  /** Two random sets with |A ∩ B| = inter and |A ∪ B| = union, so J = inter / union exactly. */
  static long[][] pair(SplittableRandom r, int inter, int union) {
    long[] all = r.longs(union).toArray();
    int onlyA = (union - inter) / 2;
    long[] a = Arrays.copyOfRange(all, 0, inter + onlyA);
    long[] b = new long[union - onlyA];
    System.arraycopy(all, 0, b, 0, inter);
    System.arraycopy(all, inter + onlyA, b, inter, union - inter - onlyA);
    Arrays.sort(a);
    Arrays.sort(b);
    return new long[][] {a, b};
  }

  @Test
  void modular_arithmetic_matches_big_integers() {
    SplittableRandom r = new SplittableRandom(1);
    BigInteger p = BigInteger.valueOf(MinHash.P);
    for (int i = 0; i < 10_000; i++) {
      long x = r.nextLong(MinHash.P), y = r.nextLong(MinHash.P), z = r.nextLong();
      assertThat(MinHash.mulMod(x, y)).isEqualTo(BigInteger.valueOf(x).multiply(BigInteger.valueOf(y)).mod(p).longValueExact());
      assertThat(MinHash.mod(z)).isEqualTo(new BigInteger(Long.toUnsignedString(z)).mod(p).longValueExact());
    }
  }

  @Test
  void estimated_jaccard_is_within_the_theoretical_error() {
    // Ĵ = matches/k is Binomial(k, J)/k: standard error √(J(1−J)/k). Over 300 random pairs, about
    // 95% must fall within 2σ and none beyond 4.5σ (probability < 1e-5 per pair).
    int k = 128;
    MinHash mh = new MinHash(k, 7);
    SplittableRandom r = new SplittableRandom(11);
    int within2 = 0, n = 300;
    double maxZ = 0, sumErr = 0;
    for (int i = 0; i < n; i++) {
      int union = 200 + r.nextInt(800);
      int inter = r.nextInt(union + 1);
      long[][] ab = pair(r, inter, union);
      double j = Shingles.jaccard(ab[0], ab[1]);
      assertThat(j).isCloseTo(inter / (double) union, org.assertj.core.data.Offset.offset(1e-12));
      double est = MinHash.estimate(mh.signature(ab[0]), mh.signature(ab[1]));
      double sigma = Math.max(Math.sqrt(j * (1 - j) / k), 1.0 / k);
      double z = Math.abs(est - j) / sigma;
      maxZ = Math.max(maxZ, z);
      if (z <= 2) within2++;
      sumErr += est - j;
    }
    System.out.printf("MinHash k=%d: %d/%d within 2σ, max |z| %.2f, mean error %.4f%n", k, within2, n, maxZ, sumErr / n);
    assertThat(within2 / (double) n).isGreaterThanOrEqualTo(0.92);
    assertThat(maxZ).isLessThan(4.5);
    // Unbiased: the mean error of 300 estimates has σ ≤ 0.5/√(128·300) ≈ 0.0026.
    assertThat(Math.abs(sumErr / n)).isLessThan(0.01);
  }

  @Test
  void lsh_candidate_probability_follows_the_s_curve() {
    // For each s, 2000 pairs at exactly Jaccard s; the share that collide in at least one band must
    // match 1 − (1 − s^r)^b within 4 binomial standard deviations.
    int bands = 20, rows = 6, trials = 2000;
    MinHash mh = new MinHash(bands * rows, 3);
    SplittableRandom r = new SplittableRandom(5);
    for (double s : new double[] {0.3, 0.5, 0.6, 0.7, 0.8, 0.9}) {
      int union = 100;
      int inter = (int) Math.round(s * union);
      int hits = 0;
      for (int t = 0; t < trials; t++) {
        long[][] ab = pair(r, inter, union);
        long[] sa = mh.signature(ab[0]), sb = mh.signature(ab[1]);
        for (int b = 0; b < bands; b++) {
          if (MinHashStage.bandKey(sa, b, rows) == MinHashStage.bandKey(sb, b, rows)) {
            hits++;
            break;
          }
        }
      }
      double p = MinHash.candidateProbability(inter / (double) union, bands, rows);
      double rate = hits / (double) trials;
      double sd = Math.sqrt(p * (1 - p) / trials);
      System.out.printf("s=%.1f  empirical %.4f  theory %.4f  (±%.4f)%n", s, rate, p, 4 * sd);
      assertThat(Math.abs(rate - p)).isLessThanOrEqualTo(4 * sd + 1e-3);
    }
  }

  @Test
  void shingles_ignore_case_and_punctuation() {
    long[] a = Shingles.of("The quick brown fox jumps over the lazy dog.", 5);
    long[] b = Shingles.of("the QUICK brown fox -- jumps over the lazy dog", 5);
    assertThat(Shingles.jaccard(a, b)).isEqualTo(1.0);
    assertThat(a).hasSize(5);
    assertThat(Shingles.of("two words", 5)).hasSize(1);
    assertThat(Shingles.of("  ...  ", 5)).isEmpty();
  }
}
