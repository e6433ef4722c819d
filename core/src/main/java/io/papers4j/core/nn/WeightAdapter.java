package io.papers4j.core.nn;

import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * Reparameterises the weight of a {@link Linear}: LoRA (W = W₀ + (α/r)·B·A with W₀ frozen) or a
 * low-rank factorisation (W = B·A). Installed with {@link Linear#setAdapter}; the layer then
 * forwards through the adapter and reports the adapter's tensors as its parameters.
 */
public interface WeightAdapter {
  /** y = x·Wᵀ + b for the reparameterised W; x (…, in) → (…, out). */
  Tensor forward(Linear base, Tensor x);

  /** The layer's tensors under their names relative to the layer (e.g. {@code lora_A.weight}). */
  Map<String, Tensor> namedParameters(Linear base);
}
