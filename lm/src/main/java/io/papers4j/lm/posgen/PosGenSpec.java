package io.papers4j.lm.posgen;

/**
 * The PosGen data set.
 *
 * @param modulus M, the vocabulary of numbers (17 in the paper; the repo's sweep uses 7)
 * @param far j, far dependencies (1)
 * @param near k, near dependencies (3)
 * @param trainLength L, numbers per training sequence (64 paper, 32 quick)
 * @param testLength L′, numbers per test sequence (256 paper = 4·L)
 * @param trainSize training sequences (10,000 paper)
 * @param testSize test sequences (1,000 paper)
 * @param dataSeed seed of the seed draw (data, not model)
 */
public record PosGenSpec(
    int modulus, int far, int near, int trainLength, int testLength, int trainSize, int testSize, long dataSeed) {
  public PosGenSpec {
    if (modulus < 2) throw new IllegalArgumentException("PosGen modulus M must be >= 2, got " + modulus);
    if (far < 0 || near < 1) throw new IllegalArgumentException("PosGen needs j >= 0 and k >= 1");
    if (trainLength <= far + near || testLength < trainLength)
      throw new IllegalArgumentException("PosGen needs j+k < L <= L′, got L=" + trainLength + ", L′=" + testLength);
    if (trainSize <= 0 || testSize <= 0) throw new IllegalArgumentException("PosGen split sizes must be > 0");
  }

  /** The paper's setting: M = 17, j = 1, k = 3, L = 64, L′ = 256, 10,000 / 1,000 sequences. */
  public static PosGenSpec paper(long dataSeed) {
    return new PosGenSpec(17, 1, 3, 64, 256, 10_000, 1_000, dataSeed);
  }

  /** j + k: the seed tokens whose targets are masked. */
  public int initialTokens() {
    return far + near;
  }
}
