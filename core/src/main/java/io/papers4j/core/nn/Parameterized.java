package io.papers4j.core.nn;

import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * Anything that owns trainable tensors. Names follow Hugging Face conventions (for example
 * {@code model.layers.0.self_attn.q_proj.weight}) so that the map is exactly what a safetensors
 * checkpoint holds.
 */
public interface Parameterized {
  /** Parameters in a stable order, keyed by their checkpoint name. Tensors are the live ones. */
  Map<String, Tensor> namedParameters();
}
