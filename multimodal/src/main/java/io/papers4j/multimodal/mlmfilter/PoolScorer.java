package io.papers4j.multimodal.mlmfilter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Supplier;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * Scores a pool in batches and resumes after an interruption without rescoring: every finished batch
 * is appended to the scores file as JSON lines {@code {"id", "metric", "score" (int or null), "raw"}}
 * and flushed to disk; on start the file's complete lines for the same metric mark pairs as done
 * (a half-written last line from a crash is cut off). Malformed outputs are recorded with a null
 * score and counted, never thrown.
 */
public final class PoolScorer {
  /** A pair to score: its id, caption and a lazily read image (3, S, S). */
  public record Item(String id, String caption, Supplier<Tensor> image) {}

  /** Raw outputs of a batch (the filter model's generations, or a baseline's numbers as text). */
  public interface Generator {
    List<String> generate(List<Item> batch, Metric metric);
  }

  /** Called after each batch with (pairs done, total). */
  public interface Progress {
    void done(long done, long total);
  }

  /** The outcome: score per id (NaN = malformed), in item order, and the counts. */
  public record Scores(Map<String, Double> byId, long malformed, long scoredNow, long resumed) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private PoolScorer() {}

  /** A generator that asks the filter model (greedy, ≤ 4 new tokens). */
  public static Generator of(MlmFilterModel model) {
    return (batch, metric) -> {
      List<Tensor> imgs = new ArrayList<>();
      List<long[]> prompts = new ArrayList<>();
      for (Item it : batch) {
        imgs.add(it.image().get());
        prompts.add(model.prompt(it.caption(), metric.tag()));
      }
      return model.generate(MlmFilterModel.stack(imgs), prompts);
    };
  }

  /** Scores {@code items} on {@code metric}; {@code out} may be null (nothing written, no resume). */
  public static Scores score(List<Item> items, Metric metric, int batch, Path out, Generator gen, Progress progress) {
    if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1");
    Map<String, Double> done = out == null ? new LinkedHashMap<>() : resume(out, metric);
    long resumed = 0;
    for (Item it : items) if (done.containsKey(it.id())) resumed++;
    ScoreParser parser = new ScoreParser();
    long malformedBefore = done.values().stream().filter(v -> v.isNaN()).count();
    List<Item> todo = items.stream().filter(it -> !done.containsKey(it.id())).toList();
    long total = items.size(), finished = resumed;
    for (int start = 0; start < todo.size(); start += batch) {
      List<Item> chunk = todo.subList(start, Math.min(todo.size(), start + batch));
      List<String> raw;
      try (PointerScope scope = new PointerScope()) {
        raw = gen.generate(chunk, metric);
      }
      if (raw.size() != chunk.size()) throw new IllegalStateException("scorer returned " + raw.size() + " outputs for " + chunk.size() + " pairs");
      StringBuilder lines = new StringBuilder();
      for (int i = 0; i < chunk.size(); i++) {
        OptionalInt s = parser.parse(raw.get(i));
        done.put(chunk.get(i).id(), s.isPresent() ? s.getAsInt() : Double.NaN);
        ObjectNode n = JSON.createObjectNode().put("id", chunk.get(i).id()).put("metric", metric.name().toLowerCase(Locale.ROOT));
        if (s.isPresent()) n.put("score", s.getAsInt());
        else n.putNull("score");
        n.put("raw", raw.get(i));
        try {
          lines.append(JSON.writeValueAsString(n)).append('\n');
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
      if (out != null) append(out, lines.toString());
      finished += chunk.size();
      if (progress != null) progress.done(finished, total);
    }
    Map<String, Double> ordered = new LinkedHashMap<>();
    for (Item it : items) ordered.put(it.id(), done.get(it.id()));
    return new Scores(ordered, parser.malformed() + malformedBefore, todo.size(), resumed);
  }

  private static void append(Path out, String text) {
    try {
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null) Files.createDirectories(parent);
      try (var ch = java.nio.channels.FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
        ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        ch.force(false);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot write scores to " + out + ": " + e.getMessage());
    }
  }

  /** Complete lines of a scores file for {@code metric}; a half-written last line is cut from the file. */
  static Map<String, Double> resume(Path out, Metric metric) {
    Map<String, Double> done = new LinkedHashMap<>();
    if (!Files.exists(out)) return done;
    try {
      byte[] bytes = Files.readAllBytes(out);
      int end = bytes.length;
      while (end > 0 && bytes[end - 1] != '\n') end--;
      if (end < bytes.length) {
        try (var ch = java.nio.channels.FileChannel.open(out, StandardOpenOption.WRITE)) {
          ch.truncate(end);
        }
      }
      String text = new String(bytes, 0, end, StandardCharsets.UTF_8);
      int lineNo = 0;
      for (String line : text.split("\n")) {
        lineNo++;
        if (line.isBlank()) continue;
        JsonNode n;
        try {
          n = JSON.readTree(line);
        } catch (IOException e) {
          throw new IllegalArgumentException(out + " line " + lineNo + ": not a scores line (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (!n.path("id").isTextual() || !n.path("metric").isTextual()) {
          throw new IllegalArgumentException(out + " line " + lineNo + ": expected {\"id\", \"metric\", \"score\"}");
        }
        if (!n.get("metric").asText().equalsIgnoreCase(metric.name())) continue;
        done.put(n.get("id").asText(), n.path("score").isNumber() ? n.get("score").asDouble() : Double.NaN);
      }
      return done;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + out + ": " + e.getMessage());
    }
  }

  /** Reads a scores file (any metrics): id → score (NaN for malformed), in file order; with its metric names. */
  public static Map<String, Double> read(Path file, String metricOrNull) {
    if (!Files.isRegularFile(file)) throw new IllegalArgumentException("scores file not found: " + file);
    Map<String, Double> out = new LinkedHashMap<>();
    java.util.Set<String> metrics = new java.util.TreeSet<>();
    try {
      int lineNo = 0;
      for (String line : Files.readAllLines(file)) {
        lineNo++;
        if (line.isBlank()) continue;
        JsonNode n;
        try {
          n = JSON.readTree(line);
        } catch (IOException e) {
          throw new IllegalArgumentException(file + " line " + lineNo + ": not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (!n.path("id").isTextual() && !n.path("id").isNumber() || !n.has("score")) {
          throw new IllegalArgumentException(file + " line " + lineNo + ": expected {\"id\", \"score\"} (a file written by mlmfilter score)");
        }
        String m = n.path("metric").asText("");
        if (metricOrNull != null && !m.equalsIgnoreCase(metricOrNull)) continue;
        metrics.add(m);
        out.put(n.get("id").asText(), n.get("score").isNumber() ? n.get("score").asDouble() : Double.NaN);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    }
    if (metrics.size() > 1) throw new IllegalArgumentException(file + " holds several metrics " + metrics + "; choose one with --metric");
    if (out.isEmpty()) throw new IllegalArgumentException(file + ": no scores" + (metricOrNull == null ? "" : " for metric " + metricOrNull));
    return out;
  }
}
