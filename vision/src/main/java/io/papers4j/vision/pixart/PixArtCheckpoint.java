package io.papers4j.vision.pixart;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.io.TensorSpec;
import io.papers4j.core.nn.Params;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * A PixArt checkpoint directory, written atomically: {@code config.json} with the official
 * PixArtMS constructor's keys ({@code input_size}, {@code patch_size}, {@code in_channels}, {@code
 * hidden_size}, {@code depth}, {@code num_heads}, {@code mlp_ratio}, {@code model_max_length},
 * {@code caption_channels}, {@code pe_interpolation}, {@code base_size}, {@code pred_sigma},
 * {@code kv_compress_config} {sampling, scale_factor, kv_compress_layer}), {@code model_type:
 * papers4j-pixart} and the full {@link PixArtConfig} under {@code papers4j_config}; {@code
 * model.safetensors} with the official tensor names (see {@link PixArt}) including the {@code
 * pos_embed} and {@code y_embedder.y_embedding} buffers; {@code papers4j.json}.
 */
public final class PixArtCheckpoint {
  public static final String MODEL_TYPE = "papers4j-pixart";
  private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private PixArtCheckpoint() {}

  public static void save(Path dir, PixArt model, Map<String, Object> runInfo) {
    PixArtConfig c = model.config();
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put("model_type", MODEL_TYPE);
    cfg.put("model", "PixArtMS");
    cfg.put("input_size", c.imageSize());
    cfg.put("patch_size", c.patchSize());
    cfg.put("in_channels", c.channels());
    cfg.put("hidden_size", c.hiddenSize());
    cfg.put("depth", c.depth());
    cfg.put("num_heads", c.numHeads());
    cfg.put("mlp_ratio", (double) c.mlpHidden() / c.hiddenSize());
    cfg.put("caption_channels", c.textDim());
    cfg.put("model_max_length", c.maxTextTokens());
    cfg.put("pe_interpolation", c.peInterpolation());
    cfg.put("base_size", c.baseSize());
    cfg.put("pred_sigma", false);
    cfg.put("text_encoder", "all-MiniLM-L6-v2 (frozen)");
    Map<String, Object> kv = new LinkedHashMap<>();
    kv.put("sampling", c.kvLayers().isEmpty() ? null : c.kvMode());
    kv.put("scale_factor", c.kvRatio());
    kv.put("kv_compress_layer", c.kvLayers());
    cfg.put("kv_compress_config", kv);
    cfg.put("papers4j_config", JSON.convertValue(c, Map.class));
    Map<String, Tensor> tensors = new LinkedHashMap<>(model.namedParameters());
    tensors.putAll(model.buffers());
    try {
      Checkpoint.save(dir, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(cfg) + "\n", tensors, runInfo);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise the PixArt config: " + e.getMessage(), e);
    }
  }

  /** The config of a PixArt checkpoint; one message when the directory holds another kind of model. */
  public static PixArtConfig readConfig(Path dir) {
    com.fasterxml.jackson.databind.JsonNode m = Checkpoint.readConfigOfType(dir, MODEL_TYPE, "PixArt");
    if (!m.hasNonNull("papers4j_config")) throw new IllegalArgumentException(dir.resolve(Checkpoint.CONFIG) + ": missing papers4j_config");
    try {
      return JSON.convertValue(m.get("papers4j_config"), PixArtConfig.class);
    } catch (IllegalArgumentException e) {
      Throwable root = e;
      while (root.getCause() != null) root = root.getCause();
      throw new IllegalArgumentException(dir.resolve(Checkpoint.CONFIG) + ": invalid PixArt config: " + root.getMessage(), e);
    }
  }

  public static PixArt load(Path dir) {
    PixArt model = new PixArt(readConfig(dir), 0, "avg");
    Map<String, TensorSpec> expected = new LinkedHashMap<>();
    model.namedParameters().forEach((k, v) -> expected.put(k, TensorSpec.of(v)));
    model.buffers().forEach((k, v) -> expected.put(k, TensorSpec.of(v)));
    Map<String, Tensor> tensors = new LinkedHashMap<>(Checkpoint.load(dir, expected, Checkpoint.LoadOptions.STRICT));
    try (NoGradGuard g = new NoGradGuard()) {
      for (Map.Entry<String, Tensor> e : model.buffers().entrySet()) e.getValue().copy_(tensors.remove(e.getKey()));
    }
    Params.load(model, tensors, dir.resolve(Checkpoint.WEIGHTS).toString());
    return model;
  }
}
