package io.papers4j.arena.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.papers4j.arena.stats.Battle;
import io.papers4j.arena.stats.Winner;
import io.papers4j.core.io.AtomicFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes FastChat {@code clean_battle} logs: a JSON list of records or JSON lines. Only
 * {@code model_a}, {@code model_b} and {@code winner} are required; {@code judge}, {@code tstamp}
 * and {@code anony} are read when present (a missing {@code anony} counts as anonymous, as in
 * public battle files that carry no such field).
 */
public final class BattleLog {
  private static final ObjectMapper JSON = new ObjectMapper();

  private BattleLog() {}

  /** All battles in the file; errors name the file and the record (line or list index). */
  public static List<Battle> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new IOException("battle log not found: " + file);
    List<Battle> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      r.mark(1 << 16);
      int c;
      do c = r.read(); while (c != -1 && Character.isWhitespace(c));
      r.reset();
      if (c == '[') {
        JsonNode root;
        try {
          root = JSON.readTree(r);
        } catch (IOException e) {
          throw new IOException(file + ": not valid JSON: " + e.getMessage().split("\n")[0], e);
        }
        for (int i = 0; i < root.size(); i++) out.add(parse(root.get(i), file + " [record " + i + "]"));
      } else {
        String line;
        int n = 0;
        while ((line = r.readLine()) != null) {
          n++;
          if (line.isBlank()) continue;
          JsonNode node;
          try {
            node = JSON.readTree(line);
          } catch (IOException e) {
            throw new IOException(file + ":" + n + ": not valid JSON: " + e.getMessage().split("\n")[0], e);
          }
          out.add(parse(node, file + ":" + n));
        }
      }
    }
    return out;
  }

  /** Parses one record; {@code where} names it in error messages. */
  public static Battle parse(JsonNode n, String where) {
    if (n == null || !n.isObject()) throw new IllegalArgumentException(where + ": record is not a JSON object");
    String a = text(n, "model_a", where), b = text(n, "model_b", where), w = text(n, "winner", where);
    Winner winner;
    try {
      winner = Winner.parse(w);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage());
    }
    if (a.equals(b)) throw new IllegalArgumentException(where + ": model_a and model_b are both " + a);
    String judge = n.hasNonNull("judge") ? n.get("judge").asText() : null;
    double ts = n.hasNonNull("tstamp") ? n.get("tstamp").asDouble() : Double.NaN;
    boolean anony = !n.has("anony") || n.get("anony").asBoolean(true);
    return new Battle(a, b, winner, judge, ts, anony);
  }

  private static String text(JsonNode n, String field, String where) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull() || !v.isTextual() || v.asText().isBlank()) {
      throw new IllegalArgumentException(where + ": missing or empty string field '" + field + "'");
    }
    return v.asText();
  }

  /** The "simple" clean_battle record of a battle (fields that are unknown are left out). */
  public static ObjectNode toJson(Battle b) {
    ObjectNode o = JSON.createObjectNode();
    o.put("model_a", b.modelA());
    o.put("model_b", b.modelB());
    o.put("winner", b.winner().json);
    if (b.judge() != null) o.put("judge", b.judge());
    o.put("anony", b.anony());
    if (!Double.isNaN(b.tstamp())) o.put("tstamp", b.tstamp());
    return o;
  }

  /** Writes battles as JSON lines atomically (temporary file, then move). */
  public static void writeJsonl(List<Battle> battles, Path file) throws IOException {
    AtomicFiles.write(file, tmp -> {
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        for (Battle b : battles) w.write(JSON.writeValueAsString(toJson(b)) + "\n");
      }
    });
  }
}
