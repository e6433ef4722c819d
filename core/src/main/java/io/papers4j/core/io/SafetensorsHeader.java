package io.papers4j.core.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed and validated header of a safetensors file.
 *
 * <p>File layout (https://github.com/huggingface/safetensors): an unsigned little-endian 64-bit
 * header length {@code N}, then {@code N} bytes of UTF-8 JSON (padded with spaces to a multiple of
 * 8 by writers), then the data section. Validation follows the reference implementation: the JSON
 * is an object; {@code __metadata__} maps strings to strings; every tensor's byte length equals
 * numel × dtype size; sorted by offset, the tensors cover the data section exactly, without gaps or
 * overlaps.
 *
 * @param file the file the header came from (for messages)
 * @param tensors tensors in header order
 * @param metadata the {@code __metadata__} entries (empty when absent)
 * @param dataStart absolute file offset of the data section, {@code 8 + N}
 */
public record SafetensorsHeader(
    Path file, Map<String, TensorInfo> tensors, Map<String, String> metadata, long dataStart) {

  /** The reference implementation refuses headers above 100 MB; so do we. */
  public static final long MAX_HEADER_BYTES = 100_000_000L;

  static final ObjectMapper JSON =
      new ObjectMapper(
          JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

  public SafetensorsHeader {
    tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  /** The entry for {@code name}, or a {@link CheckpointException} naming the file and tensor. */
  public TensorInfo tensor(String name) {
    TensorInfo t = tensors.get(name);
    if (t == null) {
      throw CheckpointException.of(
          file, name, "not in the file (it holds " + tensors.size() + " tensors)");
    }
    return t;
  }

  /** Reads the header length from the first 8 bytes and checks it against the file size. */
  static long headerLength(Path file, ByteBuffer first8, long fileSize) {
    if (fileSize < 8) {
      throw CheckpointException.of(
          file, "truncated: " + fileSize + " bytes, shorter than the 8-byte header length");
    }
    long n = first8.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    if (n < 0 || n > MAX_HEADER_BYTES) {
      throw CheckpointException.of(file, "header length " + Long.toUnsignedString(n) + " is invalid");
    }
    if (n > fileSize - 8) {
      throw CheckpointException.of(
          file, "header length " + n + " runs past the end of the file (" + fileSize + " bytes)");
    }
    return n;
  }

  /**
   * Parses and validates the JSON header bytes.
   *
   * @param dataLength bytes in the file after the header, which the tensors must cover exactly
   */
  static SafetensorsHeader parse(Path file, byte[] json, long dataLength) {
    if (json.length == 0 || json[0] != '{') {
      throw CheckpointException.of(file, "header is not a JSON object");
    }
    JsonNode root;
    try (JsonParser p = JSON.createParser(json)) {
      root = JSON.readTree(p);
      if (p.nextToken() != null) {
        // Trailing bytes after the object must be the writer's space padding.
        throw CheckpointException.of(file, "header has bytes after the JSON object");
      }
    } catch (IOException e) {
      throw CheckpointException.of(file, "header is not valid JSON: " + firstLine(e), e);
    }
    if (!(root instanceof ObjectNode obj)) {
      throw CheckpointException.of(file, "header is not a JSON object");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : obj.properties()) {
      if (e.getKey().equals("__metadata__")) {
        parseMetadata(file, e.getValue(), metadata);
      } else {
        tensors.put(e.getKey(), parseTensor(file, e.getKey(), e.getValue()));
      }
    }
    checkCoverage(file, tensors.values(), dataLength);
    return new SafetensorsHeader(file, tensors, metadata, 8L + json.length);
  }

  private static void parseMetadata(Path file, JsonNode node, Map<String, String> out) {
    if (!node.isObject()) {
      throw CheckpointException.of(file, "__metadata__ is not a JSON object");
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!e.getValue().isTextual()) {
        throw CheckpointException.of(
            file, "__metadata__ key '" + e.getKey() + "' is not a string");
      }
      out.put(e.getKey(), e.getValue().textValue());
    }
  }

  private static TensorInfo parseTensor(Path file, String name, JsonNode node) {
    if (!node.isObject()) {
      throw CheckpointException.of(file, name, "header entry is not a JSON object");
    }
    JsonNode dt = node.get("dtype");
    if (dt == null || !dt.isTextual()) {
      throw CheckpointException.of(file, name, "missing string 'dtype'");
    }
    DType dtype = DType.parse(dt.textValue());
    if (dtype == null) {
      throw CheckpointException.of(file, name, "unsupported dtype '" + dt.textValue() + "'");
    }
    long[] shape = longArray(file, name, node.get("shape"), "shape", -1);
    long[] off = longArray(file, name, node.get("data_offsets"), "data_offsets", 2);
    if (off[1] < off[0]) {
      throw CheckpointException.of(
          file, name, "data_offsets [" + off[0] + ", " + off[1] + "] end before they begin");
    }
    long numel;
    long expected;
    try {
      numel = TensorInfo.numel(shape);
      expected = Math.multiplyExact(numel, dtype.size);
    } catch (ArithmeticException e) {
      throw CheckpointException.of(file, name, "shape is too large");
    }
    if (off[1] - off[0] != expected) {
      throw CheckpointException.of(
          file,
          name,
          "shape "
              + java.util.Arrays.toString(shape)
              + " of "
              + dtype
              + " needs "
              + expected
              + " bytes but data_offsets span "
              + (off[1] - off[0]));
    }
    return new TensorInfo(name, dtype, shape, off[0], off[1]);
  }

  private static long[] longArray(Path file, String name, JsonNode node, String key, int length) {
    if (!(node instanceof ArrayNode arr)) {
      throw CheckpointException.of(file, name, "missing array '" + key + "'");
    }
    if (length >= 0 && arr.size() != length) {
      throw CheckpointException.of(file, name, "'" + key + "' must have " + length + " entries");
    }
    long[] out = new long[arr.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = arr.get(i);
      if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
        throw CheckpointException.of(
            file, name, "'" + key + "' entry " + i + " is not a non-negative integer: " + v);
      }
      out[i] = v.longValue();
    }
    return out;
  }

  /** Sorted by offset, the tensors must tile [0, dataLength) exactly. */
  private static void checkCoverage(Path file, Iterable<TensorInfo> infos, long dataLength) {
    List<TensorInfo> sorted = new ArrayList<>();
    infos.forEach(sorted::add);
    sorted.sort(
        Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
    long pos = 0;
    for (TensorInfo t : sorted) {
      if (t.begin() != pos) {
        String what = t.begin() < pos ? "overlaps the previous tensor" : "leaves a gap before it";
        throw CheckpointException.of(
            file, t.name(), "data_offsets begin at " + t.begin() + " but " + what + " (expected " + pos + ")");
      }
      pos = t.end();
    }
    if (pos != dataLength) {
      String who = sorted.isEmpty() ? "" : " (last tensor '" + sorted.get(sorted.size() - 1).name() + "')";
      throw CheckpointException.of(
          file,
          "tensors cover " + pos + " bytes but the data section holds " + dataLength
              + (pos > dataLength ? ": data_offsets run past the end of the file (truncated?)" : "")
              + who);
    }
  }

  /** Header JSON as a writer produces it: metadata first, then tensors in the given order. */
  static byte[] toJson(Map<String, String> metadata, List<TensorInfo> tensors) {
    ObjectNode root = JSON.createObjectNode();
    if (metadata != null && !metadata.isEmpty()) {
      ObjectNode m = root.putObject("__metadata__");
      metadata.forEach(m::put);
    }
    for (TensorInfo t : tensors) {
      ObjectNode n = root.putObject(t.name());
      n.put("dtype", t.dtype().name());
      ArrayNode s = n.putArray("shape");
      for (long d : t.shape()) s.add(d);
      n.putArray("data_offsets").add(t.begin()).add(t.end());
    }
    try {
      return JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
