package io.papers4j.vision.tryon;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.io.TensorSpec;
import io.papers4j.core.nn.Params;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * A try-on checkpoint directory: {@code config.json} ({@code model_type: papers4j-tryon}, the arm and
 * widths, and the diffusers {@code UNet2DConditionModel} config of each UNet under {@code unet_vton}
 * and {@code unet_garm}), {@code model.safetensors} ({@code unet_vton.*}, {@code unet_garm.*},
 * {@code garment_encoder.*}, {@code category_embedding.weight}) and {@code papers4j.json}.
 */
public final class TryOnCheckpoint {
  public static final String MODEL_TYPE = "papers4j-tryon";
  private static final ObjectMapper JSON = new ObjectMapper();

  private TryOnCheckpoint() {}

  public static void save(Path dir, OotdModel model, Map<String, Object> runInfo) {
    TryOnConfig c = model.config();
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put("model_type", MODEL_TYPE);
    cfg.put("arm", c.arm());
    cfg.put("block_out_channels", Arrays.stream(c.channels()).boxed().toList());
    cfg.put("attention_heads", c.heads());
    cfg.put("norm_num_groups", c.normGroups());
    cfg.put("context_dim", c.contextDim());
    cfg.put("garment_encoder_width", c.encoderWidth());
    cfg.put("num_train_timesteps", c.trainTimesteps());
    cfg.put("beta_schedule", "linear 1e-4 to 0.02");
    cfg.put("prediction_type", diffusersPrediction(c.prediction()));
    cfg.put("image_size", TryOnData.SIZE);
    cfg.put("categories", TryOnData.CATEGORIES);
    cfg.put("unet_vton", c.denoiser().toDiffusers());
    if (model.outfitting != null) cfg.put("unet_garm", c.outfitting().toDiffusers());
    try {
      Checkpoint.save(dir, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(cfg) + "\n", model.namedParameters(), runInfo);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise the try-on config: " + e.getMessage(), e);
    }
  }

  /** The config of a try-on checkpoint; one message for a missing directory or another kind of model. */
  public static TryOnConfig readConfig(Path dir) {
    if (!Files.isDirectory(dir)) throw new IllegalArgumentException("no checkpoint directory at " + dir);
    com.fasterxml.jackson.databind.JsonNode m = Checkpoint.readConfigOfType(dir, MODEL_TYPE, "try-on");
    for (String k : List.of("arm", "block_out_channels", "attention_heads", "norm_num_groups", "context_dim", "garment_encoder_width",
        "num_train_timesteps")) {
      if (!m.hasNonNull(k)) throw new IllegalArgumentException(dir.resolve(Checkpoint.CONFIG) + ": missing " + k);
    }
    String pred = ourPrediction(m.path("prediction_type").asText("epsilon"), dir);
    int[] ch = new int[m.get("block_out_channels").size()];
    for (int i = 0; i < ch.length; i++) ch[i] = m.get("block_out_channels").get(i).asInt();
    try {
      return new TryOnConfig(m.get("arm").asText(), ch, m.get("attention_heads").asInt(), m.get("norm_num_groups").asInt(),
          m.get("context_dim").asInt(), m.get("garment_encoder_width").asInt(), m.get("num_train_timesteps").asInt(), pred);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(dir.resolve(Checkpoint.CONFIG) + ": " + e.getMessage(), e);
    }
  }

  /** diffusers' {@code prediction_type} names: epsilon, v_prediction, sample. */
  static String diffusersPrediction(String p) {
    return switch (p) {
      case "eps" -> "epsilon";
      case "v" -> "v_prediction";
      default -> "sample";
    };
  }

  private static String ourPrediction(String diffusers, Path dir) {
    return switch (diffusers) {
      case "epsilon" -> "eps";
      case "v_prediction" -> "v";
      case "sample" -> "x0";
      default -> throw new IllegalArgumentException(dir.resolve(Checkpoint.CONFIG) + ": prediction_type " + diffusers
          + " is not supported (epsilon, v_prediction or sample)");
    };
  }

  public static OotdModel load(Path dir) {
    OotdModel model = new OotdModel(readConfig(dir), 0);
    Map<String, TensorSpec> expected = new LinkedHashMap<>();
    model.namedParameters().forEach((k, v) -> expected.put(k, TensorSpec.of(v)));
    Map<String, Tensor> tensors = Checkpoint.load(dir, expected, Checkpoint.LoadOptions.STRICT);
    Params.load(model, tensors, dir.resolve(Checkpoint.WEIGHTS).toString());
    return model;
  }
}
