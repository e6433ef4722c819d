package io.papers4j.core.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.bytedeco.pytorch.Tensor;

/**
 * The checkpoint directory contract of DESIGN.md:
 *
 * <pre>
 * DIR/config.json        Hugging Face config (keys as transformers writes them)
 * DIR/model.safetensors  weights with Hugging Face tensor names
 * DIR/papers4j.json      resolved run config, seed, data, step, code version
 * </pre>
 *
 * <p>{@link #save} writes all three into a hidden temporary directory beside {@code DIR} and then
 * renames it to {@code DIR}, so a crash never leaves a half-written checkpoint. {@link #load} reads
 * the weights and checks every expected tensor's dtype and shape, naming the tensor when one is
 * absent or different. Hugging Face's sharded layout ({@code model.safetensors.index.json} plus
 * {@code model-0000N-of-0000M.safetensors}) loads too, so a downloaded LLaMA/Mistral/Yi directory
 * can be used unchanged.
 */
public final class Checkpoint {
  public static final String CONFIG = "config.json";
  public static final String WEIGHTS = "model.safetensors";
  public static final String WEIGHTS_INDEX = "model.safetensors.index.json";
  public static final String PAPERS4J = "papers4j.json";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private Checkpoint() {}

  /**
   * How strictly {@link #load} matches the file against the expected tensors.
   *
   * @param allowUnexpected ignore tensors in the file that are not expected (e.g. an old
   *     checkpoint's {@code rotary_emb.inv_freq}) instead of failing
   * @param castFloats convert a floating-point tensor to the expected floating-point dtype (e.g.
   *     a bf16 download into an f32 model) instead of failing
   */
  public record LoadOptions(boolean allowUnexpected, boolean castFloats) {
    /** Exact match: our own checkpoints. */
    public static final LoadOptions STRICT = new LoadOptions(false, false);
    /**
     * Our own checkpoints when they may have been written in another float dtype ({@code
     * --save-dtype bf16}): exact names, floating-point tensors converted to the model's dtype.
     */
    public static final LoadOptions OWN = new LoadOptions(false, true);
    /** Real Hugging Face downloads: extra buffers ignored, floats converted. */
    public static final LoadOptions HF_IMPORT = new LoadOptions(true, true);
  }

  // ---------------------------------------------------------------- saving

  /**
   * Saves a checkpoint directory atomically.
   *
   * @param configJson the config.json text (any model family)
   * @param tensors weights by Hugging Face name
   * @param papers4j run record: resolved config, seed, data, step, code version (see {@link
   *     #runInfo})
   */
  public static void save(
      Path dir, String configJson, Map<String, Tensor> tensors, Map<String, Object> papers4j) {
    Path target = dir.toAbsolutePath().normalize();
    Path parent = target.getParent();
    Path tmp = null;
    try {
      Files.createDirectories(parent);
      tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".tmp");
      Files.writeString(tmp.resolve(CONFIG), configJson);
      Safetensors.write(tmp.resolve(WEIGHTS), tensors, Map.of("format", "pt"));
      Files.writeString(tmp.resolve(PAPERS4J), JSON.writeValueAsString(papers4j) + "\n");
      Path old = null;
      if (Files.exists(target)) {
        // A directory cannot be renamed over a non-empty one: move the old one aside first.
        old = Files.createTempDirectory(parent, "." + target.getFileName() + ".old");
        Files.delete(old);
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      tmp = null;
      if (old != null) deleteTree(old);
    } catch (IOException e) {
      throw CheckpointException.of(target, "cannot write checkpoint: " + e.getMessage(), e);
    } finally {
      if (tmp != null) deleteTree(tmp);
    }
  }

  /**
   * The papers4j.json record with its standard keys, for {@link #save}.
   *
   * @param config the resolved run configuration (hyperparameters after presets and overrides)
   * @param seed the seed of the run
   * @param data what the model was trained on (e.g. "kjv")
   * @param step optimizer steps taken
   */
  public static Map<String, Object> runInfo(
      Map<String, Object> config, long seed, String data, long step) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("config", config);
    m.put("seed", seed);
    m.put("data", data);
    m.put("step", step);
    m.put("code_version", codeVersion());
    return m;
  }

  /** The papers4j version from the jar manifest, or "dev" when run from classes. */
  public static String codeVersion() {
    String v = Checkpoint.class.getPackage().getImplementationVersion();
    return v != null ? v : "dev";
  }

  // ---------------------------------------------------------------- loading

  /** The config.json text. */
  public static String readConfigJson(Path dir) {
    Path f = dir.resolve(CONFIG);
    try {
      return Files.readString(f);
    } catch (NoSuchFileException e) {
      throw CheckpointException.of(f, "no such file (not a checkpoint directory?)");
    } catch (IOException e) {
      throw CheckpointException.of(f, "cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * config.json parsed, after checking that its {@code model_type} is {@code modelType}: one message naming the file
   * when it is not valid JSON, and one naming the directory and both types when it holds another kind of model
   * ({@code kind} names the expected kind in that message, e.g. "flow").
   */
  public static JsonNode readConfigOfType(Path dir, String modelType, String kind) {
    JsonNode m;
    try {
      m = JSON.readTree(readConfigJson(dir));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(dir.resolve(CONFIG) + ": not valid JSON: " + e.getOriginalMessage());
    }
    String found = m.path("model_type").asText("(none)");
    if (!m.isObject() || !modelType.equals(found)) {
      throw new IllegalArgumentException(dir + " is not a " + kind + " checkpoint: config.json has model_type " + found
          + ", expected " + modelType);
    }
    return m;
  }

  /** papers4j.json as a map; empty when the directory is a plain Hugging Face download. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> readRunInfo(Path dir) {
    Path f = dir.resolve(PAPERS4J);
    if (!Files.exists(f)) return Map.of();
    try {
      return JSON.readValue(f.toFile(), LinkedHashMap.class);
    } catch (IOException e) {
      throw CheckpointException.of(f, "not valid JSON: " + e.getMessage(), e);
    }
  }

  /** The header of every weight file: one for model.safetensors, one per shard otherwise. */
  public static List<SafetensorsHeader> readHeaders(Path dir) {
    List<SafetensorsHeader> out = new ArrayList<>();
    for (Path f : weightFiles(dir)) out.add(Safetensors.readHeader(f));
    return out;
  }

  /**
   * Loads the weights, checking each expected tensor's presence, dtype and shape.
   *
   * @param expected name → dtype and shape (e.g. from the model's parameters via {@link
   *     TensorSpec#of(Tensor)})
   * @return the loaded tensors in {@code expected}'s order
   */
  public static Map<String, Tensor> load(Path dir, Map<String, TensorSpec> expected, LoadOptions options) {
    List<Path> files = weightFiles(dir);
    Map<String, Tensor> out = new LinkedHashMap<>();
    Map<String, Path> where = new LinkedHashMap<>();
    Map<String, TensorInfo> infos = new LinkedHashMap<>();
    List<SafetensorsFile> open = new ArrayList<>();
    try {
      for (Path f : files) {
        SafetensorsFile sf = SafetensorsFile.open(f);
        open.add(sf);
        for (TensorInfo t : sf.header().tensors().values()) {
          where.put(t.name(), f);
          infos.put(t.name(), t);
        }
      }
      Path shown = files.size() == 1 ? files.get(0) : dir;
      for (Map.Entry<String, TensorSpec> e : expected.entrySet()) {
        TensorInfo t = infos.get(e.getKey());
        if (t == null) {
          throw CheckpointException.of(shown, e.getKey(), "missing (expected " + e.getValue() + ")");
        }
        check(where.get(e.getKey()), t, e.getValue(), options);
      }
      if (!options.allowUnexpected()) {
        List<String> extra = infos.keySet().stream().filter(n -> !expected.containsKey(n)).toList();
        if (!extra.isEmpty()) {
          throw CheckpointException.of(
              shown, extra.get(0), "not expected by the model"
                  + (extra.size() > 1 ? " (and " + (extra.size() - 1) + " more: " + extra.subList(1, Math.min(extra.size(), 6)) + ")" : ""));
        }
      }
      for (Map.Entry<String, TensorSpec> e : expected.entrySet()) {
        SafetensorsFile sf = open.get(files.indexOf(where.get(e.getKey())));
        Tensor t = sf.tensor(e.getKey());
        if (DType.of(t.scalar_type()) != e.getValue().dtype()) {
          t = t.to(e.getValue().dtype().scalarType);
        }
        out.put(e.getKey(), t);
      }
      return out;
    } finally {
      for (SafetensorsFile sf : open) sf.close();
    }
  }

  /** Loads every tensor of the directory without checks. */
  public static Map<String, Tensor> loadAll(Path dir) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Path f : weightFiles(dir)) out.putAll(Safetensors.read(f));
    return out;
  }

  private static void check(Path file, TensorInfo t, TensorSpec want, LoadOptions options) {
    if (!Arrays.equals(t.shape(), want.shape())) {
      throw CheckpointException.of(
          file, t.name(), "shape " + Arrays.toString(t.shape()) + " does not match the expected "
              + Arrays.toString(want.shape()));
    }
    if (t.dtype() != want.dtype()) {
      boolean floats = isFloat(t.dtype()) && isFloat(want.dtype());
      if (!(options.castFloats() && floats)) {
        throw CheckpointException.of(
            file, t.name(), "dtype " + t.dtype() + " does not match the expected " + want.dtype());
      }
    }
  }

  private static boolean isFloat(DType d) {
    return d == DType.F16 || d == DType.BF16 || d == DType.F32 || d == DType.F64;
  }

  /** model.safetensors, or the shards listed by model.safetensors.index.json. */
  static List<Path> weightFiles(Path dir) {
    Path single = dir.resolve(WEIGHTS);
    if (Files.exists(single)) return List.of(single);
    Path index = dir.resolve(WEIGHTS_INDEX);
    if (!Files.exists(index)) {
      throw CheckpointException.of(
          single, "no such file (nor " + WEIGHTS_INDEX + "): not a checkpoint directory?");
    }
    JsonNode root;
    try {
      root = JSON.readTree(index.toFile());
    } catch (IOException e) {
      throw CheckpointException.of(index, "not valid JSON: " + e.getMessage(), e);
    }
    JsonNode map = root == null ? null : root.get("weight_map");
    if (map == null || !map.isObject()) {
      throw CheckpointException.of(index, "missing object 'weight_map'");
    }
    TreeMap<String, Path> shards = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : map.properties()) {
      String name = e.getValue().asText("");
      Path shard = dir.resolve(name);
      if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
        throw CheckpointException.of(index, e.getKey(), "bad shard file name '" + name + "'");
      }
      shards.put(name, shard);
    }
    return new ArrayList<>(shards.values());
  }

  private static void deleteTree(Path p) {
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(x -> {
        try {
          Files.deleteIfExists(x);
        } catch (IOException ignored) {
          // Best effort clean-up of our own hidden temporary directory.
        }
      });
    } catch (IOException ignored) {
      // Nothing to clean.
    }
  }
}
