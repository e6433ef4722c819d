package io.papers4j.core.nn;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * Builds the ordered name → tensor map of {@link Parameterized} and loads tensors into it.
 *
 * <p>Names compose like Hugging Face module paths: a layer names its own tensors ({@code weight},
 * {@code bias}) and a parent adds a child under a prefix, so {@code new Params().add("self_attn",
 * attention)} yields {@code self_attn.q_proj.weight}, …
 */
public final class Params {
  private final Map<String, Tensor> map = new LinkedHashMap<>();

  /** Adds one tensor under {@code name}; {@code null} (an absent optional bias) is skipped. */
  public Params add(String name, Tensor tensor) {
    if (tensor == null) return this;
    if (map.putIfAbsent(name, tensor) != null) {
      throw new IllegalStateException("duplicate parameter name: " + name);
    }
    return this;
  }

  /** Adds every parameter of {@code child} as {@code prefix + "." + name}. */
  public Params add(String prefix, Parameterized child) {
    for (Map.Entry<String, Tensor> e : child.namedParameters().entrySet()) {
      add(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue());
    }
    return this;
  }

  public Map<String, Tensor> map() {
    return map;
  }

  /** Total number of scalar parameters (tied tensors counted once). */
  public static long count(Parameterized p) {
    java.util.Set<Long> seen = new java.util.HashSet<>();
    long n = 0;
    for (Tensor t : p.namedParameters().values()) {
      if (seen.add(t.data_ptr().address())) n += t.numel();
    }
    return n;
  }

  /**
   * Copies {@code source} tensors into the live parameters of {@code target} (converting dtype),
   * checking names and shapes first so that nothing is half-loaded. Fails naming the first
   * missing, unexpected or mis-shaped tensor; {@code origin} (a file name) goes into the message.
   */
  public static void load(Parameterized target, Map<String, Tensor> source, String origin) {
    Map<String, Tensor> live = target.namedParameters();
    for (Map.Entry<String, Tensor> e : live.entrySet()) {
      Tensor src = source.get(e.getKey());
      if (src == null) {
        throw new IllegalArgumentException(origin + ": missing tensor " + e.getKey());
      }
      long[] want = e.getValue().shape();
      long[] got = src.shape();
      if (!Arrays.equals(want, got)) {
        throw new IllegalArgumentException(
            origin
                + ": tensor "
                + e.getKey()
                + " has shape "
                + Arrays.toString(got)
                + ", expected "
                + Arrays.toString(want));
      }
    }
    for (String name : source.keySet()) {
      if (!live.containsKey(name)) {
        throw new IllegalArgumentException(origin + ": unexpected tensor " + name);
      }
    }
    try (NoGradGuard g = new NoGradGuard()) {
      for (Map.Entry<String, Tensor> e : live.entrySet()) {
        e.getValue().copy_(source.get(e.getKey()));
      }
    }
  }
}
