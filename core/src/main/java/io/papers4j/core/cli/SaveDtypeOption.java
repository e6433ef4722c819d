package io.papers4j.core.cli;

import io.papers4j.core.io.SaveDtype;
import picocli.CommandLine.Option;

/**
 * {@code --save-dtype f32|bf16} for commands that write a model checkpoint ({@code @Mixin
 * SaveDtypeOption saveDtype;}): the floating-point weights of model.safetensors in float32 (the
 * default) or bfloat16 with config.json's {@code torch_dtype} saying so ({@link SaveDtype}).
 */
public final class SaveDtypeOption {
  @Option(names = "--save-dtype", defaultValue = "f32", paramLabel = "f32|bf16", description = {
      "Dtype of the saved weights (default: ${DEFAULT-VALUE}): f32, or bf16 (half the file; BF16 safetensors",
      "and torch_dtype bfloat16, as transformers saves a bfloat16 model; loads back as float32)."})
  String value = "f32";

  /** The parsed dtype; a bad value gives one readable message. */
  public SaveDtype get() {
    return SaveDtype.parse(value);
  }
}
