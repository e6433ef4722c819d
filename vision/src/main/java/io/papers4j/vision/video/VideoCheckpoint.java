package io.papers4j.vision.video;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.io.TensorSpec;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Params;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * Checkpoints of the image model ({@code model_type: papers4j-video-image}) and of the video model
 * ({@code papers4j-atomovideo}: the frozen image model's tensors plus the inserted layers): {@code
 * config.json} (the {@link VideoConfig} and the image UNet's diffusers config under {@code unet}),
 * {@code model.safetensors}, {@code papers4j.json}, written atomically.
 */
public final class VideoCheckpoint {
  public static final String IMAGE_TYPE = "papers4j-video-image";
  public static final String VIDEO_TYPE = "papers4j-atomovideo";
  private static final ObjectMapper JSON = new ObjectMapper();

  private VideoCheckpoint() {}

  public static void save(Path dir, ImageModel model, Map<String, Object> runInfo) {
    write(dir, IMAGE_TYPE, model.config(), model.namedParameters(), runInfo);
  }

  public static void save(Path dir, VideoModel model, Map<String, Object> runInfo) {
    write(dir, VIDEO_TYPE, model.config(), model.namedParameters(), runInfo);
  }

  private static void write(Path dir, String type, VideoConfig config, Map<String, Tensor> tensors, Map<String, Object> runInfo) {
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put("model_type", type);
    cfg.putAll(config.toJson());
    cfg.put("unet", config.unet().toDiffusers());
    try {
      Checkpoint.save(dir, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(cfg) + "\n", tensors, runInfo);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The config of a checkpoint directory, after checking its model type. */
  static JsonNode config(Path dir, String expectedType) {
    if (!Files.isDirectory(dir)) throw new IllegalArgumentException("model directory not found: " + dir);
    return Checkpoint.readConfigOfType(dir, expectedType, expectedType.equals(VIDEO_TYPE) ? "video-model" : "image-model");
  }

  public static ImageModel loadImage(Path dir) {
    ImageModel m = new ImageModel(VideoConfig.fromJson(config(dir, IMAGE_TYPE)), Init.normal(0, 0.02));
    load(dir, m.namedParameters());
    return m;
  }

  public static VideoModel loadVideo(Path dir) {
    VideoConfig c = VideoConfig.fromJson(config(dir, VIDEO_TYPE));
    VideoModel m = new VideoModel(c, new ImageModel(c, Init.normal(0, 0.02)), Init.normal(0, 0.02));
    load(dir, m.namedParameters());
    return m;
  }

  private static void load(Path dir, Map<String, Tensor> live) {
    Map<String, TensorSpec> expected = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : live.entrySet()) expected.put(e.getKey(), TensorSpec.of(e.getValue()));
    Map<String, Tensor> loaded = Checkpoint.load(dir, expected, Checkpoint.LoadOptions.STRICT);
    Params.load(() -> live, loaded, dir.resolve(Checkpoint.WEIGHTS).toString());
  }
}
