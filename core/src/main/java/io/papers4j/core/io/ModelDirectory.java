package io.papers4j.core.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * The plain model directory of models that have no Hugging Face counterpart: {@code config.json}
 * (a config record as JSON), {@code model.safetensors} and {@code papers4j.json}, each file written
 * atomically. Unlike {@link Checkpoint#save}, the directory itself is not replaced, so other files a
 * run keeps beside the model (logs, samples) survive a save.
 *
 * <p>Every failure is one {@link IllegalArgumentException} naming the file and what kind of model
 * was expected ({@code kind}, e.g. "a keyframe model"), so commands can print it as it is.
 */
public final class ModelDirectory {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelDirectory() {}

  /**
   * Writes {@code config} as config.json, {@code parameters} (detached, contiguous) as
   * model.safetensors and {@code system} plus {@code info} as papers4j.json.
   */
  public static void save(Path dir, Object config, Map<String, Tensor> parameters, String system, Map<String, Object> info) {
    try {
      Files.createDirectories(dir);
      AtomicFiles.writeString(dir.resolve(Checkpoint.CONFIG), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config));
      Map<String, Tensor> contiguous = new LinkedHashMap<>();
      parameters.forEach((k, v) -> contiguous.put(k, v.detach().contiguous()));
      Safetensors.write(dir.resolve(Checkpoint.WEIGHTS), contiguous);
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("system", system);
      meta.putAll(info);
      AtomicFiles.writeString(dir.resolve(Checkpoint.PAPERS4J), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(meta));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot write the model to " + dir + ": " + e.getMessage());
    }
  }

  /**
   * Reads config.json as {@code type} after checking that the directory holds both files.
   *
   * @param kind what the directory should be, with its article ("a CLIP model")
   * @param hint appended to the missing-file message (how to make one), or "" for none
   */
  public static <C> C readConfig(Path dir, Class<C> type, String kind, String hint) {
    Path cfg = dir.resolve(Checkpoint.CONFIG);
    if (!Files.isRegularFile(cfg) || !Files.isRegularFile(dir.resolve(Checkpoint.WEIGHTS))) {
      throw new IllegalArgumentException(
          dir + " is not " + kind + " (needs config.json and model.safetensors" + (hint.isEmpty() ? "" : "; " + hint) + ")");
    }
    try {
      return JSON.readValue(cfg.toFile(), type);
    } catch (Exception e) {
      String first = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
      throw new IllegalArgumentException(cfg + ": not the config of " + kind + " (" + first + ")");
    }
  }

  /** The tensors of model.safetensors; a damaged file gives one message naming it. */
  public static Map<String, Tensor> readWeights(Path dir) {
    Path weights = dir.resolve(Checkpoint.WEIGHTS);
    try {
      return Safetensors.read(weights);
    } catch (CheckpointException e) {
      throw new IllegalArgumentException(e.getMessage(), e); // already names the file and the problem
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(weights + ": not a readable safetensors file (" + e.getMessage() + ")");
    }
  }

  /** The weights file's path, for messages of {@code Params.load}. */
  public static Path weightsFile(Path dir) {
    return dir.resolve(Checkpoint.WEIGHTS);
  }
}
