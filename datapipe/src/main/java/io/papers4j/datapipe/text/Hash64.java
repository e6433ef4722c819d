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
    long h = FNV_OFFSET;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= (b & 0xff);
      h *= 0x100000001b3L;
    }
    return mix(h);
  }

  /**
   * {@link #of}{@code (s.substring(from, to))} without the copy: an unpaired surrogate counts as
   * '?', as {@code String.getBytes(UTF_8)} encodes it.
   */
  public static long of(String s, int from, int to) {
    long h = FNV_OFFSET;
    for (int i = from; i < to; ) {
      char ch = s.charAt(i);
      if (ch < 0x80) {
        h = (h ^ ch) * FNV_PRIME;
        i++;
        continue;
      }
      int cp;
      if (Character.isHighSurrogate(ch) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
        cp = Character.toCodePoint(ch, s.charAt(i + 1));
        i += 2;
      } else {
        cp = Character.isSurrogate(ch) ? '?' : ch;
        i++;
      }
      h = fnvCodePoint(h, cp);
    }
    return mix(h);
  }

  /** FNV-1a's offset basis. */
  public static final long FNV_OFFSET = 0xcbf29ce484222325L;

  /** FNV-1a state {@code h} after the UTF-8 bytes of code point {@code cp} (a valid, non-surrogate one). */
  public static long fnvCodePoint(long h, int cp) {
    if (cp < 0x80) return (h ^ cp) * FNV_PRIME;
    if (cp < 0x800) {
      h = (h ^ (0xC0 | (cp >>> 6))) * FNV_PRIME;
      return (h ^ (0x80 | (cp & 0x3F))) * FNV_PRIME;
    }
    if (cp < 0x10000) {
      h = (h ^ (0xE0 | (cp >>> 12))) * FNV_PRIME;
      h = (h ^ (0x80 | ((cp >>> 6) & 0x3F))) * FNV_PRIME;
      return (h ^ (0x80 | (cp & 0x3F))) * FNV_PRIME;
    }
    h = (h ^ (0xF0 | (cp >>> 18))) * FNV_PRIME;
    h = (h ^ (0x80 | ((cp >>> 12) & 0x3F))) * FNV_PRIME;
    h = (h ^ (0x80 | ((cp >>> 6) & 0x3F))) * FNV_PRIME;
    return (h ^ (0x80 | (cp & 0x3F))) * FNV_PRIME;
  }

  private static final long FNV_PRIME = 0x100000001b3L;

  /** Order-sensitive combination of already-hashed parts. */
  public static long combine(long h, long part) {
    return mix(h * 0x9e3779b97f4a7c15L + part);
  }
}
