package io.papers4j.core.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.io.AtomicFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The loss log {@code log.jsonl}: one JSON object per line, appended and flushed as training goes,
 * so a crashed or interrupted run still has its curve.
 *
 * <pre>
 * {"step":10,"loss":5.91,"lr":3.0E-4,"grad_norm":1.7,"items":40960,"elapsed_s":12.3}
 * {"step":10,"val_loss":5.95,"val_ppl":383.6}
 * </pre>
 *
 * On resume from step N, lines after N (work that the checkpoint does not contain) are dropped.
 */
public final class LossLog implements AutoCloseable {
  public static final String FILE = "log.jsonl";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One training step. {@code items} and {@code elapsedS} are cumulative over the run. */
  public record TrainPoint(long step, double loss, double lr, double gradNorm, long items, double elapsedS) {}

  /** One evaluation: mean validation loss and its exponential (perplexity for cross-entropy). */
  public record EvalPoint(long step, double loss, double perplexity) {}

  private final Path file;
  private final List<TrainPoint> train = new ArrayList<>();
  private final List<EvalPoint> eval = new ArrayList<>();
  private BufferedWriter out;

  private LossLog(Path file) {
    this.file = file;
  }

  /** A fresh log in {@code dir} (an existing one is replaced). */
  public static LossLog create(Path dir) {
    LossLog log = new LossLog(dir.resolve(FILE));
    log.rewrite();
    return log;
  }

  /** The log of {@code dir} kept up to and including {@code step}, open for appending. */
  public static LossLog resume(Path dir, long step) {
    LossLog log = read(dir);
    log.train.removeIf(p -> p.step > step);
    log.eval.removeIf(p -> p.step > step);
    log.rewrite();
    return log;
  }

  /** Reads {@code dir/log.jsonl} (read-only; for plots and reports). */
  public static LossLog read(Path dir) {
    LossLog log = new LossLog(dir.resolve(FILE));
    if (!Files.exists(log.file)) return log;
    try {
      int n = 0;
      for (String line : Files.readAllLines(log.file, StandardCharsets.UTF_8)) {
        n++;
        if (line.isBlank()) continue;
        JsonNode j;
        try {
          j = JSON.readTree(line);
        } catch (IOException e) {
          // A crash can cut the last line short; anything else is corruption.
          if (n == countLines(log.file)) break;
          throw new IllegalArgumentException(log.file + " line " + n + " is not JSON: " + e.getMessage());
        }
        if (j.has("val_loss")) {
          log.eval.add(new EvalPoint(j.get("step").asLong(), num(j, "val_loss"), num(j, "val_ppl")));
        } else if (j.has("loss")) {
          log.train.add(
              new TrainPoint(j.get("step").asLong(), num(j, "loss"), num(j, "lr"), num(j, "grad_norm"),
                  j.path("items").asLong(), num(j, "elapsed_s")));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + log.file, e);
    }
    return log;
  }

  private static int countLines(Path f) throws IOException {
    return Files.readAllLines(f, StandardCharsets.UTF_8).size();
  }

  private static double num(JsonNode j, String key) {
    JsonNode v = j.get(key);
    if (v == null || v.isNull()) return Double.NaN;
    if (v.isTextual()) return Double.parseDouble(v.asText()); // "NaN", "Infinity"
    return v.asDouble();
  }

  public void add(TrainPoint p) {
    train.add(p);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("step", p.step);
    m.put("loss", p.loss);
    m.put("lr", p.lr);
    m.put("grad_norm", Double.isFinite(p.gradNorm) ? p.gradNorm : null);
    m.put("items", p.items);
    m.put("elapsed_s", p.elapsedS);
    append(m);
  }

  public void add(EvalPoint p) {
    eval.add(p);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("step", p.step);
    m.put("val_loss", p.loss);
    m.put("val_ppl", p.perplexity);
    append(m);
  }

  public List<TrainPoint> train() {
    return List.copyOf(train);
  }

  public List<EvalPoint> eval() {
    return List.copyOf(eval);
  }

  public Path file() {
    return file;
  }

  private void append(Map<String, Object> m) {
    try {
      if (out == null) {
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
      out.write(JSON.writeValueAsString(m));
      out.newLine();
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + file, e);
    }
  }

  /** Writes the kept entries to a temporary file and moves it over the log. */
  private void rewrite() {
    close();
    AtomicFiles.write(file, tmp -> {
      LossLog staging = new LossLog(tmp);
      // Interleave in step order, train before eval of the same step, as they were written.
      int i = 0, j = 0;
      while (i < train.size() || j < eval.size()) {
        boolean takeTrain =
            j >= eval.size() || (i < train.size() && train.get(i).step <= eval.get(j).step);
        if (takeTrain) staging.add(train.get(i++));
        else staging.add(eval.get(j++));
      }
      staging.close();
    });
  }

  @Override
  public void close() {
    if (out == null) return;
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close " + file, e);
    } finally {
      out = null;
    }
  }
}
