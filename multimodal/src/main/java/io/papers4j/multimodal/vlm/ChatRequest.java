package io.papers4j.multimodal.vlm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * An OpenAI chat-completions request with image parts, as any OpenAI client sends it:
 *
 * <pre>{"messages": [{"role": "user", "content": [
 *     {"type": "text", "text": "What is written here?"},
 *     {"type": "image_url", "image_url": {"url": "data:image/png;base64,…"}}]}],
 *  "max_tokens": 32, "temperature": 0}</pre>
 *
 * <p>Each image part becomes an {@code <image>} marker in the message text (at its place) and a
 * decoded image, in order. Only {@code data:} URLs are accepted (nothing is fetched from the
 * network). Every malformed part gives an {@link IllegalArgumentException} naming the message and part.
 */
public record ChatRequest(List<Message> messages, int maxTokens, double temperature) {
  public static final String IMAGE_MARKER = "<image>";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One message; {@code text} holds {@link #IMAGE_MARKER} where its images were. */
  public record Message(String role, String text, List<BufferedImage> images) {}

  /** All images of the conversation in order. */
  public List<BufferedImage> images() {
    List<BufferedImage> all = new ArrayList<>();
    for (Message m : messages) all.addAll(m.images());
    return all;
  }

  public static ChatRequest parse(String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (Exception e) {
      throw new IllegalArgumentException("request body is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (root == null || !root.isObject()) throw new IllegalArgumentException("request body must be a JSON object");
    JsonNode msgs = root.get("messages");
    if (msgs == null || !msgs.isArray() || msgs.isEmpty()) {
      throw new IllegalArgumentException("'messages' must be a non-empty array");
    }
    List<Message> out = new ArrayList<>();
    for (int i = 0; i < msgs.size(); i++) out.add(message(msgs.get(i), i));
    int maxTokens = root.path("max_tokens").asInt(64);
    if (maxTokens < 1) throw new IllegalArgumentException("'max_tokens' must be >= 1, got " + maxTokens);
    double temperature = root.path("temperature").asDouble(0);
    if (temperature < 0) throw new IllegalArgumentException("'temperature' must be >= 0, got " + temperature);
    return new ChatRequest(List.copyOf(out), maxTokens, temperature);
  }

  private static Message message(JsonNode m, int i) {
    String where = "messages[" + i + "]";
    if (!m.isObject()) throw new IllegalArgumentException(where + " must be an object");
    String role = m.path("role").asText("");
    if (!List.of("system", "user", "assistant").contains(role)) {
      throw new IllegalArgumentException(where + ".role must be system, user or assistant, got '" + role + "'");
    }
    JsonNode content = m.get("content");
    if (content == null || content.isNull()) throw new IllegalArgumentException(where + ".content is missing");
    if (content.isTextual()) return new Message(role, content.asText(), List.of());
    if (!content.isArray()) throw new IllegalArgumentException(where + ".content must be a string or an array of parts");
    StringBuilder text = new StringBuilder();
    List<BufferedImage> images = new ArrayList<>();
    for (int j = 0; j < content.size(); j++) {
      JsonNode part = content.get(j);
      String pw = where + ".content[" + j + "]";
      String type = part.path("type").asText("");
      switch (type) {
        case "text" -> {
          if (!part.path("text").isTextual()) throw new IllegalArgumentException(pw + ": a text part needs a string 'text'");
          text.append(part.get("text").asText());
        }
        case "image_url" -> {
          JsonNode iu = part.get("image_url");
          String url = iu == null ? null : iu.isTextual() ? iu.asText() : iu.path("url").isTextual() ? iu.get("url").asText() : null;
          if (url == null) throw new IllegalArgumentException(pw + ": an image_url part needs image_url.url");
          images.add(decodeDataUrl(url, pw));
          text.append(IMAGE_MARKER);
        }
        default -> throw new IllegalArgumentException(pw + ": unknown part type '" + type + "' (expected text or image_url)");
      }
    }
    return new Message(role, text.toString(), List.copyOf(images));
  }

  /** data:image/…;base64,… → image; other URLs are refused (the server never fetches). */
  static BufferedImage decodeDataUrl(String url, String where) {
    if (!url.startsWith("data:")) {
      throw new IllegalArgumentException(where + ": only data: URLs are accepted (the server does not fetch "
          + url.substring(0, Math.min(url.length(), 40)) + ")");
    }
    int comma = url.indexOf(',');
    if (comma < 0 || !url.substring(0, comma).endsWith(";base64")) {
      throw new IllegalArgumentException(where + ": the data URL must be base64 (data:image/png;base64,...)");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(url.substring(comma + 1).replaceAll("\\s", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": invalid base64 in the data URL (" + e.getMessage() + ")");
    }
    return Images.decode(bytes, where);
  }
}
