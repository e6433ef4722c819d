package io.papers4j.core.cli;

import io.papers4j.core.tensor.Precision;
import picocli.CommandLine.Option;

/**
 * {@code --precision f32|bf16}, shared by every command that trains, generates or evaluates a model (add it with
 * {@code @Mixin PrecisionOption precision;}). bf16 runs the forward passes inside {@link
 * Precision#autocast()} (libtorch's CPU autocast: bfloat16 matmuls, float32 weights, gradients,
 * optimizer state and losses); training passes it to {@code Trainer.precision}, inference wraps the
 * model calls in {@link #autocast()}.
 */
public final class PrecisionOption {
  @Option(names = "--precision", defaultValue = "f32", paramLabel = "f32|bf16", description = {
      "Compute precision (default: ${DEFAULT-VALUE}): f32, or bf16 = CPU autocast (matmuls in bfloat16,",
      "float32 weights, gradients, optimizer state and losses)."})
  String value = "f32";

  /** The parsed precision; a bad value gives one readable message. */
  public Precision get() {
    return Precision.parse(value);
  }

  /** An autocast region of this precision on the calling thread. */
  public Precision.Region autocast() {
    return get().autocast();
  }
}
