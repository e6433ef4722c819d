package io.papers4j.core.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** Typed reads from a JSON object; a wrong type is an error that names the key. */
public final class JsonReader {
  private final ObjectNode node;
  private final String prefix;

  public JsonReader(ObjectNode node) {
    this(node, "");
  }

  public JsonReader(ObjectNode node, String prefix) {
    this.node = node;
    this.prefix = prefix;
  }

  private JsonNode get(String key) {
    JsonNode v = node.get(key);
    return v == null || v.isNull() ? null : v;
  }

  private IllegalArgumentException wrong(String key, String type, JsonNode v) {
    return new IllegalArgumentException(
        "key '" + prefix + key + "' must be " + type + ", got " + v);
  }

  public Integer integer(String key) {
    JsonNode v = get(key);
    if (v == null) return null;
    if (v.isIntegralNumber() && v.canConvertToInt()) return v.intValue();
    // Python writes 4096.0 only by mistake, but accept a float that is a whole number.
    if (v.isFloatingPointNumber() && v.doubleValue() == Math.rint(v.doubleValue())
        && Math.abs(v.doubleValue()) <= Integer.MAX_VALUE) {
      return (int) v.doubleValue();
    }
    throw wrong(key, "an integer", v);
  }

  public int req(String key) {
    Integer v = integer(key);
    if (v == null) throw new IllegalArgumentException("missing key '" + prefix + key + "'");
    return v;
  }

  public Double dbl(String key) {
    JsonNode v = get(key);
    if (v == null) return null;
    if (!v.isNumber()) throw wrong(key, "a number", v);
    return v.doubleValue();
  }

  public Boolean bool(String key) {
    JsonNode v = get(key);
    if (v == null) return null;
    if (!v.isBoolean()) throw wrong(key, "true or false", v);
    return v.booleanValue();
  }

  public String str(String key) {
    JsonNode v = get(key);
    if (v == null) return null;
    if (!v.isTextual()) throw wrong(key, "a string", v);
    return v.textValue();
  }

  public List<String> strings(String key) {
    JsonNode v = get(key);
    List<String> out = new ArrayList<>();
    if (v == null) return out;
    if (!v.isArray()) throw wrong(key, "a list of strings", v);
    for (JsonNode e : v) {
      if (!e.isTextual()) throw wrong(key, "a list of strings", v);
      out.add(e.textValue());
    }
    return out;
  }

  /** An int or a list of ints (LLaMA-3's eos_token_id). */
  public List<Integer> intOrInts(String key) {
    JsonNode v = get(key);
    List<Integer> out = new ArrayList<>();
    if (v == null) return out;
    if (v.isArray()) {
      for (JsonNode e : v) {
        if (!e.isIntegralNumber() || !e.canConvertToInt()) throw wrong(key, "an integer or a list of integers", v);
        out.add(e.intValue());
      }
      return out;
    }
    out.add(integer(key));
    return out;
  }
}
