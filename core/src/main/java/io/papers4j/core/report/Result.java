package io.papers4j.core.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.papers4j.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The result-file contract of DESIGN.md: {@code reports/<system>/result.json}.
 *
 * @param system CLI name of the system
 * @param paper arXiv id
 * @param claim the paper's central claim, in one sentence
 * @param preset "quick" or "full"
 * @param seed the seed used
 * @param runtimeS wall time of the run in seconds
 * @param metrics our measurements
 * @param paperReference the paper's numbers for the same metrics where they exist
 * @param reproduced whether the claim held at this scale by the criterion stated in notes
 * @param notes the criterion and anything a reader must know
 */
public record Result(
    String system,
    String paper,
    String claim,
    String preset,
    long seed,
    double runtimeS,
    Map<String, Object> metrics,
    Map<String, Object> paperReference,
    boolean reproduced,
    String notes) {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** JSON keys exactly as DESIGN.md names them. */
  public Map<String, Object> toJsonMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("system", system);
    m.put("paper", paper);
    m.put("claim", claim);
    m.put("preset", preset);
    m.put("seed", seed);
    m.put("runtime_s", runtimeS);
    m.put("metrics", metrics);
    m.put("paper_reference", paperReference);
    m.put("reproduced", reproduced);
    m.put("notes", notes);
    return m;
  }

  /** Writes {@code result.json} into {@code dir} atomically (temporary file, then move). */
  public Path write(Path dir) throws IOException {
    Path target = dir.resolve("result.json");
    AtomicFiles.write(target, tmp -> JSON.writeValue(tmp.toFile(), toJsonMap()));
    return target;
  }

  /** Writes a result.json map (e.g. one read back and extended) to {@code file}, formatted as {@link #write} does. */
  public static void writeJson(Path file, Map<String, Object> json) throws IOException {
    JSON.writeValue(file.toFile(), json);
  }

  /** Reads a result.json back (for the index page). */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> readJson(Path file) throws IOException {
    return JSON.readValue(file.toFile(), Map.class);
  }

  /** A builder for {@code system} (its CLI name) and {@code paper} (arXiv id). */
  public static Builder builder(String system, String paper) {
    return new Builder(system, paper);
  }

  /**
   * Builds a {@link Result}: metrics and paper references keep the order they are added in (the
   * order of result.json). Required: claim, preset, reproduced and notes; the seed defaults to 0
   * and the run time to the seconds since {@link #startedAt} when it is not set.
   */
  public static final class Builder {
    private final String system;
    private final String paper;
    private String claim;
    private String preset;
    private long seed;
    private double runtimeS = Double.NaN;
    private long startNanos = -1;
    private final Map<String, Object> metrics = new LinkedHashMap<>();
    private final Map<String, Object> paperReference = new LinkedHashMap<>();
    private Boolean reproduced;
    private String notes;

    private Builder(String system, String paper) {
      this.system = Objects.requireNonNull(system, "system");
      this.paper = Objects.requireNonNull(paper, "paper");
    }

    public Builder claim(String claim) {
      this.claim = claim;
      return this;
    }

    public Builder preset(String preset) {
      this.preset = preset;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Wall time of the run in seconds (overrides {@link #startedAt}). */
    public Builder runtimeS(double seconds) {
      this.runtimeS = seconds;
      return this;
    }

    /** {@link System#nanoTime()} at the start of the run: {@link #build} reports the seconds since. */
    public Builder startedAt(long nanoTime) {
      this.startNanos = nanoTime;
      return this;
    }

    public Builder metric(String name, Object value) {
      metrics.put(name, value);
      return this;
    }

    public Builder metrics(Map<String, ?> values) {
      metrics.putAll(values);
      return this;
    }

    /** The paper's number for a metric (paper_reference). */
    public Builder reference(String name, Object value) {
      paperReference.put(name, value);
      return this;
    }

    public Builder references(Map<String, ?> values) {
      paperReference.putAll(values);
      return this;
    }

    public Builder reproduced(boolean reproduced) {
      this.reproduced = reproduced;
      return this;
    }

    public Builder notes(String notes) {
      this.notes = notes;
      return this;
    }

    public Result build() {
      require(claim, "claim");
      require(preset, "preset");
      require(reproduced, "reproduced");
      require(notes, "notes");
      double runtime = runtimeS;
      if (Double.isNaN(runtime)) {
        if (startNanos < 0) throw new IllegalStateException(system + " result: set runtimeS or startedAt");
        runtime = (System.nanoTime() - startNanos) / 1e9;
      }
      return new Result(system, paper, claim, preset, seed, runtime, new LinkedHashMap<>(metrics),
          new LinkedHashMap<>(paperReference), reproduced, notes);
    }

    private void require(Object value, String field) {
      if (value == null) throw new IllegalStateException(system + " result: " + field + " is not set");
    }
  }
}
