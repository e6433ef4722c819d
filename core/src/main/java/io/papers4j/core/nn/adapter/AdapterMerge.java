package io.papers4j.core.nn.adapter;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Turns the tensors of a model trained with a {@link LoraAdapter} or {@link LowRankAdapter} (as
 * {@code lm train --optimizer lora|lowrank} saves them) into plain dense weights, so that the
 * checkpoint loads into an ordinary {@code LlamaModel}:
 *
 * <pre>
 * LoRA:      W = W₀ + (α/r)·B·A     from weight, lora_A.weight (r × in), lora_B.weight (out × r)
 * low-rank:  W = B·A                from lowrank_A.weight (r × in), lowrank_B.weight (out × r)
 * </pre>
 *
 * r is read from A's first dimension; LoRA's α comes from the run record (papers4j.json), since
 * the scale α/r is not a tensor. The product is formed in float64 and stored in W's dtype, so the
 * merged model's outputs equal the adapted model's up to float32 rounding of the matmul order.
 */
public final class AdapterMerge {
  static final String LORA_A = "lora_A.weight";
  static final String LORA_B = "lora_B.weight";
  static final String LOWRANK_A = "lowrank_A.weight";
  static final String LOWRANK_B = "lowrank_B.weight";

  private AdapterMerge() {}

  /** True when any name is a LoRA or low-rank factor. */
  public static boolean hasAdapters(Collection<String> names) {
    for (String n : names) if (isFactor(n)) return true;
    return false;
  }

  /** True when any name is a LoRA factor (then α is needed). */
  public static boolean hasLora(Collection<String> names) {
    for (String n : names) if (n.endsWith("." + LORA_A) || n.endsWith("." + LORA_B)) return true;
    return false;
  }

  private static boolean isFactor(String n) {
    return n.endsWith("." + LORA_A) || n.endsWith("." + LORA_B) || n.endsWith("." + LOWRANK_A)
        || n.endsWith("." + LOWRANK_B);
  }

  /**
   * The dense tensors: every adapted layer's factors replaced by its merged {@code weight}, every
   * other tensor unchanged.
   *
   * @param tensors the checkpoint's tensors (names as the adapted model's {@code namedParameters})
   * @param loraAlpha LoRA's α (ignored, may be NaN, when there are no LoRA factors)
   * @param origin file or directory, for error messages
   * @throws IllegalArgumentException naming the tensor when a factor's partner or W₀ is missing or
   *     the shapes do not chain
   */
  public static Map<String, Tensor> merge(Map<String, Tensor> tensors, double loraAlpha, String origin) {
    Map<String, Tensor> merged = new LinkedHashMap<>(); // prefix + "weight" -> dense W
    try (NoGradGuard g = new NoGradGuard()) {
      for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
        String name = e.getKey();
        Tensor a = e.getValue();
        if (name.endsWith("." + LORA_A)) {
          String prefix = name.substring(0, name.length() - LORA_A.length());
          Tensor w0 = need(tensors, prefix + "weight", name, origin);
          Tensor b = need(tensors, prefix + LORA_B, name, origin);
          if (!(loraAlpha > 0)) {
            throw new IllegalArgumentException(origin + ": tensor " + name + " is a LoRA factor but the LoRA alpha"
                + " is unknown (papers4j.json has no config.optimizer.lora_alpha)");
          }
          double scaling = loraAlpha / a.size(0); // α / r
          Tensor ba = product(b, a, w0, prefix, origin);
          merged.put(prefix + "weight",
              w0.to(torch.ScalarType.Double).add(ba.mul(new Scalar(scaling))).to(w0.scalar_type()));
        } else if (name.endsWith("." + LOWRANK_A)) {
          String prefix = name.substring(0, name.length() - LOWRANK_A.length());
          Tensor b = need(tensors, prefix + LOWRANK_B, name, origin);
          if (tensors.containsKey(prefix + "weight")) {
            throw new IllegalArgumentException(origin + ": tensor " + prefix + "weight and low-rank factors "
                + name + " both present; a W = BA layer has no dense weight");
          }
          merged.put(prefix + "weight", product(b, a, null, prefix, origin).to(a.scalar_type()));
        } else if (name.endsWith("." + LORA_B)) {
          need(tensors, name.substring(0, name.length() - LORA_B.length()) + LORA_A, name, origin);
        } else if (name.endsWith("." + LOWRANK_B)) {
          need(tensors, name.substring(0, name.length() - LOWRANK_B.length()) + LOWRANK_A, name, origin);
        }
      }
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      if (!isFactor(e.getKey())) out.put(e.getKey(), merged.getOrDefault(e.getKey(), e.getValue()));
    }
    merged.forEach(out::putIfAbsent); // low-rank layers had no dense weight
    return out;
  }

  /** B·A in float64, checked against W₀'s shape when given. */
  private static Tensor product(Tensor b, Tensor a, Tensor w0, String prefix, String origin) {
    if (a.dim() != 2 || b.dim() != 2 || b.size(1) != a.size(0)) {
      throw new IllegalArgumentException(origin + ": factors of " + prefix + "weight do not chain: B "
          + Arrays.toString(b.shape()) + " · A " + Arrays.toString(a.shape()));
    }
    if (w0 != null && (w0.dim() != 2 || w0.size(0) != b.size(0) || w0.size(1) != a.size(1))) {
      throw new IllegalArgumentException(origin + ": tensor " + prefix + "weight has shape "
          + Arrays.toString(w0.shape()) + " but B·A is [" + b.size(0) + ", " + a.size(1) + "]");
    }
    return torch.matmul(b.to(torch.ScalarType.Double), a.to(torch.ScalarType.Double)); // (out, in)
  }

  private static Tensor need(Map<String, Tensor> tensors, String key, String forName, String origin) {
    Tensor t = tensors.get(key);
    if (t == null) throw new IllegalArgumentException(origin + ": tensor " + forName + " needs " + key + ", which is missing");
    return t;
  }
}
