package io.papers4j.core.io;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Format-neutral {@code config.json} I/O: reading a file with one readable error, parsing text into
 * a JSON object, and writing a map the way transformers does (keys sorted, two-space indent,
 * {@code "key": value}, trailing newline). Model families (e.g. {@code lm.llama.LlamaConfig}) map
 * their own keys on top.
 */
public final class ConfigJson {
  /** The mapper used for config files. */
  public static final ObjectMapper JSON = new ObjectMapper();

  private static final ObjectMapper SNAKE_CASE =
      new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  private ConfigJson() {}

  /**
   * A record (or bean) as a map with snake_case keys in declaration order, nested values as plain
   * Java: how a resolved configuration goes into {@code papers4j.json} without a hand-written map.
   * The map is mutable, so a caller may add keys (e.g. the optimizer's own record).
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> snakeCase(Object record) {
    return SNAKE_CASE.convertValue(record, LinkedHashMap.class);
  }

  /**
   * Reads {@code file} and hands its text to {@code parse}; a missing or unreadable file, or an
   * {@link IllegalArgumentException} from {@code parse}, becomes a {@link CheckpointException}
   * naming the file.
   */
  public static <T> T read(Path file, Function<String, T> parse) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw CheckpointException.of(file, "no such file");
    } catch (IOException e) {
      throw CheckpointException.of(file, "cannot read: " + e.getMessage(), e);
    }
    try {
      return parse.apply(new String(bytes, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw CheckpointException.of(file, e.getMessage(), e);
    }
  }

  /** Parses text that must be one JSON object; problems are {@link IllegalArgumentException}s. */
  public static ObjectNode parseObject(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      String m = String.valueOf(e.getMessage());
      throw new IllegalArgumentException("not valid JSON: " + m.lines().findFirst().orElse(m), e);
    }
    if (root == null || !root.isObject()) throw new IllegalArgumentException("not a JSON object");
    return (ObjectNode) root;
  }

  /** The value of a JSON node as plain Java (maps, lists, numbers, strings, booleans). */
  public static Object plain(JsonNode n) {
    return JSON.convertValue(n, Object.class);
  }

  /** config.json text as transformers writes it: keys sorted, two-space indent, trailing newline. */
  public static String write(Map<String, Object> keys) {
    DefaultPrettyPrinter pp =
        new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"))
            .withObjectIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"));
    try {
      return JSON.copy().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .writer(pp).writeValueAsString(keys) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
