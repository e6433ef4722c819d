package io.papers4j.lm.reasoning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * GSM8K (Cobbe et al. 2021, MIT): the bundled gzip copy of the train (7,473) and test (1,319)
 * splits, or a {@code .jsonl} file of {@code {"question", "answer"}} lines.
 */
public final class Gsm8kData {
  private Gsm8kData() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The bundled split, "train" or "test". */
  public static List<Problem> split(String name) {
    if (!name.equals("train") && !name.equals("test"))
      throw new IllegalArgumentException("GSM8K split must be train or test, got " + name);
    String res = "gsm8k/" + name + ".jsonl.gz";
    try (InputStream in = Gsm8kData.class.getResourceAsStream(res)) {
      if (in == null) throw new IllegalStateException("the bundled GSM8K copy is missing: " + res);
      return read(new GZIPInputStream(in), res);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + res + ": " + e.getMessage(), e);
    }
  }

  /** A {@code .jsonl} (or {@code .jsonl.gz}) file in GSM8K's format. */
  public static List<Problem> read(Path file) {
    if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no such GSM8K file: " + file);
    try (InputStream raw = Files.newInputStream(file)) {
      InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
      return read(in, file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static List<Problem> read(InputStream in, String origin) throws IOException {
    List<Problem> out = new ArrayList<>();
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String line;
    int n = 0;
    while ((line = r.readLine()) != null) {
      n++;
      if (line.isBlank()) continue;
      JsonNode j;
      try {
        j = JSON.readTree(line);
      } catch (IOException e) {
        throw new IllegalArgumentException(origin + " line " + n + ": not JSON");
      }
      if (!j.hasNonNull("question") || !j.hasNonNull("answer"))
        throw new IllegalArgumentException(origin + " line " + n + ": needs \"question\" and \"answer\"");
      out.add(Problem.ofGsm8k(j.get("question").asText(), j.get("answer").asText()));
    }
    return out;
  }
}
