package io.papers4j.core.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.papers4j.core.io.Safetensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A resumable training checkpoint: the directory {@code OUT/checkpoint-000100/} holding
 *
 * <pre>
 * model.safetensors      the parameters (Hugging Face names)
 * optimizer.safetensors  the optimizer's state tensors (moments, steps, projectors, ...)
 * trainer_state.json     step, seed, libtorch RNG state, cumulative items and time, the config
 * </pre>
 *
 * plus whatever the caller adds (config.json, tokenizer.json). It is written into a hidden
 * temporary directory that is renamed into place, so a crash mid-write leaves the previous
 * checkpoint as the newest complete one.
 */
public final class TrainCheckpoint {
  public static final String MODEL = "model.safetensors";
  public static final String OPTIMIZER = "optimizer.safetensors";
  public static final String STATE = "trainer_state.json";
  private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)");
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Adds files to a checkpoint directory before it is moved into place. */
  @FunctionalInterface
  public interface Extra {
    void write(Path dir, long step) throws IOException;
  }

  /** What {@link #load} restored besides the tensors. */
  public record Restored(Path dir, long step, long items, double elapsedS) {}

  private TrainCheckpoint() {}

  public static Path dirFor(Path outDir, long step) {
    return outDir.resolve(String.format("checkpoint-%06d", step));
  }

  /** Writes the checkpoint of {@code step} and deletes all but the newest {@code keep}. */
  public static Path write(
      Path outDir,
      long step,
      Map<String, Tensor> params,
      Map<String, Tensor> optimizerState,
      long items,
      double elapsedS,
      Map<String, Object> info,
      int keep,
      Extra extra) {
    Path target = dirFor(outDir, step).toAbsolutePath();
    Path tmp = null;
    try {
      Files.createDirectories(outDir);
      tmp = Files.createTempDirectory(outDir.toAbsolutePath(), "." + target.getFileName() + ".tmp");
      Safetensors.write(tmp.resolve(MODEL), params, Map.of("format", "pt"));
      Safetensors.write(tmp.resolve(OPTIMIZER), optimizerState);
      Map<String, Object> state = new LinkedHashMap<>();
      state.put("step", step);
      state.put("items", items);
      state.put("elapsed_s", elapsedS);
      state.put("rng_state", Base64.getEncoder().encodeToString(rngState()));
      state.putAll(info);
      JSON.writeValue(tmp.resolve(STATE).toFile(), state);
      if (extra != null) extra.write(tmp, step);
      if (Files.exists(target)) deleteTree(target); // re-running the same step overwrites it
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      tmp = null;
      prune(outDir, keep);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + target + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) deleteTree(tmp);
    }
  }

  /** The newest complete checkpoint under {@code outDir}, if any. */
  public static Optional<Path> latest(Path outDir) {
    return list(outDir).stream().reduce((a, b) -> b);
  }

  /** Complete checkpoints (those with a trainer state) under {@code outDir}, oldest first. */
  public static List<Path> list(Path outDir) {
    if (!Files.isDirectory(outDir)) return List.of();
    try (Stream<Path> s = Files.list(outDir)) {
      return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
          .filter(p -> Files.isRegularFile(p.resolve(STATE)))
          .sorted(Comparator.comparingLong(TrainCheckpoint::stepOf))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + outDir, e);
    }
  }

  static long stepOf(Path dir) {
    Matcher m = NAME.matcher(dir.getFileName().toString());
    if (!m.matches()) throw new IllegalArgumentException(dir + " is not a checkpoint-<step> directory");
    return Long.parseLong(m.group(1));
  }

  /**
   * Restores parameters (copied into the live tensors), the optimizer state via {@code
   * loadOptimizer}, and libtorch's RNG from {@code dir}. Fails naming the file and tensor when a
   * parameter is missing or has another shape.
   */
  @SuppressWarnings("unchecked")
  public static Restored load(
      Path dir, Map<String, Tensor> params, java.util.function.Consumer<Map<String, Tensor>> loadOptimizer) {
    Path modelFile = dir.resolve(MODEL);
    Map<String, Tensor> saved = Safetensors.read(modelFile);
    try (NoGradGuard noGrad = new NoGradGuard()) {
      for (Map.Entry<String, Tensor> e : params.entrySet()) {
        Tensor t = saved.get(e.getKey());
        if (t == null) {
          throw new IllegalArgumentException(modelFile + ": missing parameter '" + e.getKey() + "'");
        }
        if (!Arrays.equals(t.shape(), e.getValue().shape())) {
          throw new IllegalArgumentException(
              modelFile + ": parameter '" + e.getKey() + "' has shape " + Arrays.toString(t.shape())
                  + " but the model has " + Arrays.toString(e.getValue().shape()));
        }
        e.getValue().copy_(t);
      }
    }
    loadOptimizer.accept(Safetensors.read(dir.resolve(OPTIMIZER)));
    Map<String, Object> state;
    try {
      state = JSON.readValue(dir.resolve(STATE).toFile(), Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir.resolve(STATE) + ": " + e.getMessage(), e);
    }
    Object rng = state.get("rng_state");
    if (rng != null) setRngState(Base64.getDecoder().decode(rng.toString()));
    return new Restored(
        dir,
        ((Number) state.get("step")).longValue(),
        ((Number) state.getOrDefault("items", 0)).longValue(),
        ((Number) state.getOrDefault("elapsed_s", 0.0)).doubleValue());
  }

  /** libtorch's default CPU generator state as bytes. */
  static byte[] rngState() {
    Tensor s = torch.getDefaultCPUGenerator().get_state().contiguous();
    ByteBuffer b = s.createBuffer();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  static void setRngState(byte[] state) {
    torch.getDefaultCPUGenerator().set_state(Tensor.create(state, false, state.length)); // uint8
  }

  private static void prune(Path outDir, int keep) {
    List<Path> all = new ArrayList<>(list(outDir));
    for (int i = 0; i < all.size() - keep; i++) deleteTree(all.get(i));
  }

  /** Deletes a directory tree (used to clear checkpoints and stale runs). */
  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) return;
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
