package io.papers4j.datapipe.text;

import java.nio.charset.StandardCharsets;

/** 64-bit hashing for shingles, windows and exact-dedup keys. */
public final class Hash64 {
  private Hash64() {}

  /** SplitMix64's finaliser: a bijection on longs that spreads every input bit over the output. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** FNV-1a over the UTF-8 bytes, then {@link #mix}; stable across JVMs (unlike String.hashCode). */
  public static long of(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= (b & 0xff);
      h *= 0x100000001b3L;
    }
    return mix(h);
  }

  /** Order-sensitive combination of already-hashed parts. */
  public static long combine(long h, long part) {
    return mix(h * 0x9e3779b97f4a7c15L + part);
  }
}
