package io.papers4j.vision.gen;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.io.TensorSpec;
import io.papers4j.core.nn.Params;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An autoencoder checkpoint directory: {@code config.json} (diffusers' AutoencoderKL keys, {@link
 * AutoencoderConfig#toJson}), {@code model.safetensors} (diffusers' tensor names, {@code
 * encoder.conv_in.weight}, ...) and {@code papers4j.json} (recipe, seed, data, steps, measured
 * reconstruction metrics). A missing directory, another model's checkpoint or a mismatched tensor
 * fails with one message.
 */
public final class AutoencoderCheckpoint {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AutoencoderCheckpoint() {}

  public static void save(Path dir, AutoencoderKL model, Map<String, Object> runInfo) {
    try {
      String cfg = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(model.config().toJson()) + "\n";
      Checkpoint.save(dir, cfg, model.namedParameters(), runInfo);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise the autoencoder config: " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  public static AutoencoderKL load(Path dir) {
    if (!Files.isDirectory(dir)) throw new IllegalArgumentException(dir + ": no such checkpoint directory");
    Path file = dir.resolve(Checkpoint.CONFIG);
    Map<String, Object> m;
    try {
      m = JSON.readValue(Checkpoint.readConfigJson(dir), LinkedHashMap.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
    AutoencoderConfig config = AutoencoderConfig.fromJson(m, file.toString());
    AutoencoderKL model = new AutoencoderKL(config, 0);
    Map<String, TensorSpec> expected = new LinkedHashMap<>();
    model.namedParameters().forEach((k, v) -> expected.put(k, TensorSpec.of(v)));
    Params.load(model, Checkpoint.load(dir, expected, Checkpoint.LoadOptions.STRICT), dir.resolve(Checkpoint.WEIGHTS).toString());
    return model;
  }
}
