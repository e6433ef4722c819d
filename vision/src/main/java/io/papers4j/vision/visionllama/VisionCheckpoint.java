package io.papers4j.vision.visionllama;

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
 * A VisionLLaMA / ViT checkpoint directory: {@code config.json} (the {@link VisionConfig} record
 * with {@code model_type}), {@code model.safetensors} and {@code papers4j.json}, written atomically
 * by {@link Checkpoint}.
 */
public final class VisionCheckpoint {
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private VisionCheckpoint() {}

  public static void save(Path dir, ImageClassifier model, Map<String, Object> runInfo) {
    try {
      Map<String, Object> cfg = new LinkedHashMap<>();
      cfg.put("model_type", "visionllama");
      cfg.putAll(JSON.convertValue(model.config(), Map.class));
      cfg.put("arch", model.arch());
      Checkpoint.save(dir, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(cfg) + "\n",
          model.namedParameters(), runInfo);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise the config: " + e.getMessage(), e);
    }
  }

  /** The config record of a checkpoint: {@link PyramidConfig} when {@code arch} is pyramid, else {@link VisionConfig}. */
  public static Object readConfig(Path dir) {
    com.fasterxml.jackson.databind.JsonNode m = Checkpoint.readConfigOfType(dir, "visionllama", "VisionLLaMA");
    try {
      if ("pyramid".equals(m.path("arch").asText())) return JSON.convertValue(m, PyramidConfig.class);
      return JSON.convertValue(m, VisionConfig.class);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(dir.resolve(Checkpoint.CONFIG) + ": invalid VisionLLaMA config: " + e.getMessage(), e);
    }
  }

  public static ImageClassifier load(Path dir) {
    Object config = readConfig(dir);
    ImageClassifier model =
        config instanceof PyramidConfig pc ? new PyramidVisionModel(pc, 0) : new VisionModel((VisionConfig) config, 0);
    Map<String, TensorSpec> expected = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
      expected.put(e.getKey(), TensorSpec.of(e.getValue()));
    }
    Map<String, Tensor> tensors = Checkpoint.load(dir, expected, Checkpoint.LoadOptions.STRICT);
    Params.load(model, tensors, dir.resolve(Checkpoint.WEIGHTS).toString());
    return model;
  }
}
