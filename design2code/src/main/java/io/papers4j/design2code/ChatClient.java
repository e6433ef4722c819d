package io.papers4j.design2code;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * A minimal client for any OpenAI-compatible chat-completions endpoint with image inputs, using the
 * paper's decoding settings (temperature 0, max 4096 tokens, seed 2024, image detail "high") and
 * the official retry policy (3 tries, 2 s apart). The API key, if any, comes from
 * {@code $OPENAI_API_KEY}.
 */
public final class ChatClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Decoding settings.
   *
   * @param temperature 0.0 (paper, GPT-4V)
   * @param maxTokens 4096
   * @param seed 2024
   */
  public record Decoding(double temperature, int maxTokens, long seed) {
    public static final Decoding PAPER = new Decoding(0.0, 4096, 2024);
  }

  /** One part of a user message: text or a PNG image. */
  public record Part(String text, byte[] png) {
    public static Part text(String t) {
      return new Part(t, null);
    }

    public static Part image(byte[] png) {
      return new Part(null, png);
    }
  }

  private final URI uri;
  private final String model;
  private final Decoding decoding;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

  public ChatClient(String endpoint, String model, Decoding decoding) {
    String e = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    if (!e.endsWith("/chat/completions")) e = e + "/chat/completions";
    this.uri = URI.create(e);
    this.model = model;
    this.decoding = decoding;
  }

  /** Request body (exposed for tests and logging). */
  String body(List<Part> parts) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("model", model);
    ArrayNode content = root.putArray("messages").addObject().put("role", "user").putArray("content");
    for (Part p : parts) {
      if (p.text() != null) {
        content.addObject().put("type", "text").put("text", p.text());
      } else {
        ObjectNode img = content.addObject().put("type", "image_url").putObject("image_url");
        img.put("url", "data:image/png;base64," + Base64.getEncoder().encodeToString(p.png()));
        img.put("detail", "high");
      }
    }
    root.put("max_tokens", decoding.maxTokens());
    root.put("temperature", decoding.temperature());
    root.put("seed", decoding.seed());
    return JSON.writeValueAsString(root);
  }

  /** Sends one user message and returns the assistant's text, stripped. */
  public String complete(List<Part> parts) throws IOException, InterruptedException {
    String body = body(parts);
    IOException last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      try {
        HttpRequest.Builder req =
            HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        String key = System.getenv("OPENAI_API_KEY");
        if (key != null && !key.isBlank()) req.header("Authorization", "Bearer " + key);
        HttpResponse<String> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() / 100 != 2)
          throw new IOException(uri + " answered HTTP " + resp.statusCode() + ": " + abbreviate(resp.body()));
        JsonNode msg = JSON.readTree(resp.body()).path("choices").path(0).path("message").path("content");
        if (!msg.isTextual()) throw new IOException(uri + " answered without choices[0].message.content: " + abbreviate(resp.body()));
        return PyStr.strip(msg.asText());
      } catch (IOException e) {
        last = e;
        if (attempt < 3) Thread.sleep(2000);
      }
    }
    throw last;
  }

  private static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }
}
