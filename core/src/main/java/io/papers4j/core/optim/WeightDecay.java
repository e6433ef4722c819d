package io.papers4j.core.optim;

import java.util.Locale;
import java.util.function.Predicate;

/**
 * Which parameters get weight decay, decided by their (Hugging Face style) name.
 *
 * <p>Decay pulls weights toward zero; that regularises matrices but only hurts gains of norms
 * (they should stay near 1), biases and embedding rows (most rows get no gradient in a step, so
 * decay would shrink rare tokens toward zero). This is the usual split of nanoGPT, HF Trainer and
 * the LLaMA recipes.
 */
public final class WeightDecay {
  private WeightDecay() {}

  /** Decay every parameter. */
  public static final Predicate<String> ALL = name -> true;

  /**
   * Decay all but norms, biases and embeddings: names ending in {@code bias}, or containing
   * {@code norm} ({@code input_layernorm}, {@code model.norm}), {@code ln_}, {@code embed}
   * ({@code embed_tokens}), {@code wte} or {@code wpe}.
   */
  public static final Predicate<String> EXCLUDE_NORMS_BIASES_EMBEDDINGS =
      name -> {
        String n = name.toLowerCase(Locale.ROOT);
        String last = n.substring(n.lastIndexOf('.') + 1);
        boolean excluded =
            last.equals("bias")
                || last.endsWith("_bias")
                || n.contains("norm")
                || n.contains("ln_")
                || n.contains("embed")
                || n.contains("wte")
                || n.contains("wpe");
        return !excluded;
      };
}
