package io.papers4j.datapipe.text;

import java.io.Serializable;

/** An open-addressing long → int counter map (a boxed HashMap costs ~5x the memory for n-gram counts). */
public final class LongIntMap implements Serializable {
  private long[] keys = new long[1 << 12];
  private int[] vals = new int[1 << 12];
  private int size;

  public int get(long key) {
    long k = key == 0 ? 1 : key;
    int mask = keys.length - 1;
    for (int i = (int) Hash64.mix(k) & mask; ; i = (i + 1) & mask) {
      if (keys[i] == k) return vals[i];
      if (keys[i] == 0) return 0;
    }
  }

  /** Adds {@code delta} and returns the new value. */
  public int add(long key, int delta) {
    if (size * 10 >= keys.length * 6) grow();
    long k = key == 0 ? 1 : key;
    int mask = keys.length - 1;
    for (int i = (int) Hash64.mix(k) & mask; ; i = (i + 1) & mask) {
      if (keys[i] == k) return vals[i] += delta;
      if (keys[i] == 0) {
        keys[i] = k;
        size++;
        return vals[i] = delta;
      }
    }
  }

  public int size() {
    return size;
  }

  private void grow() {
    long[] oldK = keys;
    int[] oldV = vals;
    keys = new long[oldK.length * 2];
    vals = new int[oldK.length * 2];
    size = 0;
    for (int i = 0; i < oldK.length; i++) if (oldK[i] != 0) add(oldK[i], oldV[i]);
  }
}
