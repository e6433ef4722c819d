package io.papers4j.core.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

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
    Files.createDirectories(dir);
    Path target = dir.resolve("result.json");
    Path tmp = Files.createTempFile(dir, ".result", ".json.tmp");
    try {
      JSON.writeValue(tmp.toFile(), toJsonMap());
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return target;
  }

  /** Reads a result.json back (for the index page). */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> readJson(Path file) throws IOException {
    return JSON.readValue(file.toFile(), Map.class);
  }
}
