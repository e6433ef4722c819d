package io.papers4j.lm.posgen;

import java.util.Locale;

/**
 * The three PosGen subtasks (Resonance RoPE §5). Every token x_l (l ≥ j+k) is h(…) = the sum of its
 * j "far" and k "near" dependencies modulo M; the subtasks differ only in where the far tokens are,
 * so the difficulty is the same at every position and a failure beyond the trained length is a
 * failure of the position encoding.
 *
 * <pre>recursive:       x_l = h(x_{l−(j+k)} … x_{l−1})
 * chain-of-thought: x_l = h(x_0 … x_{j−1}, x_{l−k} … x_{l−1})
 * semi-recursive:   x_l = h(x_p … x_{p+j−1}, x_{l−k} … x_{l−1}),  p = ⌊(l − (j+k)) / 2⌋</pre>
 *
 * The semi-recursive rule is the official code's (each far token serves two consecutive outputs);
 * the paper's printed formula is garbled.
 */
public enum PosGenTask {
  RECURSIVE("recursive"),
  COT("cot"),
  SEMI_RECURSIVE("semi-recursive");

  public final String id;

  PosGenTask(String id) {
    this.id = id;
  }

  public static PosGenTask parse(String s) {
    String n = s.toLowerCase(Locale.ROOT).replace('_', '-');
    for (PosGenTask t : values()) if (t.id.equals(n)) return t;
    if (n.equals("chain-of-thought")) return COT;
    if (n.equals("semirecursive") || n.equals("semi-recurrent")) return SEMI_RECURSIVE;
    throw new IllegalArgumentException("unknown PosGen task '" + s + "' (recursive, cot, semi-recursive)");
  }

  /**
   * Extends the j+k seed tokens to {@code length} tokens with this task's rule.
   *
   * @param seed the first j+k tokens, each in [0, modulus)
   * @param far j, @param near k
   */
  public int[] extend(int[] seed, int length, int modulus, int far, int near) {
    int first = far + near;
    if (seed.length != first)
      throw new IllegalArgumentException("seed must have j+k = " + first + " tokens, got " + seed.length);
    if (length < first) throw new IllegalArgumentException("length must be >= j+k = " + first);
    int[] x = new int[length];
    System.arraycopy(seed, 0, x, 0, first);
    for (int l = first; l < length; l++) {
      int farStart =
          switch (this) {
            case RECURSIVE -> l - first;
            case COT -> 0;
            case SEMI_RECURSIVE -> (l - first) / 2;
          };
      int sum = 0;
      for (int i = 0; i < far; i++) sum += x[farStart + i];
      for (int i = l - near; i < l; i++) sum += x[i];
      x[l] = Math.floorMod(sum, modulus);
    }
    return x;
  }
}
