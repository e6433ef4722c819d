package io.papers4j.lm.saullm;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Exact and near-duplicate removal for the legal corpus, the two stages SaulLM ran with
 * text-dedup: (1) SHA-256 of the white-space-collapsed, lower-cased text; (2) MinHash over word
 * 5-shingles (128 hashes, LSH with 16 bands of 8 rows) and a kept document's estimated Jaccard
 * similarity ≥ {@value #THRESHOLD} to drop a later one. The first occurrence (input order) is kept.
 * It is written here rather than taken from the datapipe module, which would pull Spark into lm.
 */
public final class Dedup {
  static final int SHINGLE = 5;
  static final int HASHES = 128;
  static final int BANDS = 16;
  static final double THRESHOLD = 0.8;

  private Dedup() {}

  /** The text every hash in this package is taken of: white space collapsed, lower case. */
  public static String canonical(String text) {
    return text.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
  }

  /** SHA-256 (hex) of the canonical text: the identity of a document for held-out checks. */
  public static String sha256(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(canonical(text).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What the two stages removed: counts, and the indices kept. */
  public record Outcome(List<Integer> kept, int exactDuplicates, int nearDuplicates) {}

  /** Runs both stages over {@code texts}; returns the indices kept, in order. */
  public static Outcome run(List<String> texts) {
    Set<String> seen = new HashSet<>();
    List<Integer> afterExact = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) if (seen.add(sha256(texts.get(i)))) afterExact.add(i);
    long[][] seeds = seeds();
    Map<String, List<Integer>> buckets = new HashMap<>();
    Map<Integer, long[]> signatures = new HashMap<>();
    List<Integer> kept = new ArrayList<>();
    int rows = HASHES / BANDS;
    for (int i : afterExact) {
      long[] sig = signature(texts.get(i), seeds);
      boolean dup = false;
      List<String> keys = new ArrayList<>(BANDS);
      for (int b = 0; b < BANDS; b++) {
        StringBuilder k = new StringBuilder().append(b);
        for (int r = 0; r < rows; r++) k.append(':').append(sig[b * rows + r]);
        keys.add(k.toString());
        for (int j : buckets.getOrDefault(keys.get(b), List.of())) {
          if (jaccard(sig, signatures.get(j)) >= THRESHOLD) {
            dup = true;
            break;
          }
        }
        if (dup) break;
      }
      if (dup) continue;
      kept.add(i);
      signatures.put(i, sig);
      for (String k : keys) buckets.computeIfAbsent(k, x -> new ArrayList<>()).add(i);
    }
    return new Outcome(kept, texts.size() - afterExact.size(), afterExact.size() - kept.size());
  }

  /** Fraction of equal MinHash slots: an unbiased estimate of the shingle sets' Jaccard similarity. */
  static double jaccard(long[] a, long[] b) {
    int eq = 0;
    for (int i = 0; i < a.length; i++) if (a[i] == b[i]) eq++;
    return (double) eq / a.length;
  }

  static long[] signature(String text, long[][] seeds) {
    String[] w = canonical(text).split(" ");
    long[] sig = new long[HASHES];
    java.util.Arrays.fill(sig, Long.MAX_VALUE);
    int n = Math.max(1, w.length - SHINGLE + 1);
    for (int s = 0; s < n; s++) {
      StringBuilder sh = new StringBuilder();
      for (int k = s; k < Math.min(w.length, s + SHINGLE); k++) sh.append(w[k]).append(' ');
      long h = fnv(sh.toString());
      for (int i = 0; i < HASHES; i++) {
        long v = mix(h * seeds[i][0] + seeds[i][1]);
        if (v < sig[i]) sig[i] = v;
      }
    }
    return sig;
  }

  private static long[][] seeds() {
    SplittableRandom r = new SplittableRandom(20240307L);
    long[][] s = new long[HASHES][2];
    for (long[] p : s) {
      p[0] = r.nextLong() | 1L;
      p[1] = r.nextLong();
    }
    return s;
  }

  private static long fnv(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) h = (h ^ (b & 0xff)) * 0x100000001b3L;
    return h;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb93fe1a85ec5L;
    return (z ^ (z >>> 33)) & Long.MAX_VALUE;
  }
}
