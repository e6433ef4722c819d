package io.papers4j.vision.iwm;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.io.TensorSpec;
import io.papers4j.core.nn.Params;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * An IWM checkpoint directory: {@code config.json} ({@link IwmConfig} with {@code model_type iwm}),
 * {@code model.safetensors} (encoder.*, target_encoder.*, predictor.*) and {@code papers4j.json}.
 */
public final class IwmCheckpoint {
  private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private IwmCheckpoint() {}

  public static void save(Path dir, IwmModel model, Map<String, Object> runInfo) {
    try {
      Map<String, Object> cfg = new LinkedHashMap<>();
      cfg.put("model_type", "iwm");
      cfg.putAll(JSON.convertValue(model.config(), Map.class));
      Checkpoint.save(dir, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(cfg) + "\n", model.namedParameters(), runInfo);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise the config: " + e.getMessage(), e);
    }
  }

  public static IwmModel load(Path dir) {
    com.fasterxml.jackson.databind.JsonNode m = Checkpoint.readConfigOfType(dir, "iwm", "IWM");
    IwmConfig config;
    try {
      config = JSON.convertValue(m, IwmConfig.class);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(dir.resolve(Checkpoint.CONFIG) + ": invalid IWM config: " + e.getMessage(), e);
    }
    IwmModel model = new IwmModel(config, 0);
    Map<String, TensorSpec> expected = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) expected.put(e.getKey(), TensorSpec.of(e.getValue()));
    Params.load(model, Checkpoint.load(dir, expected, Checkpoint.LoadOptions.STRICT), dir.resolve(Checkpoint.WEIGHTS).toString());
    return model;
  }
}
