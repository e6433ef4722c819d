package io.papers4j.lm.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A client for any OpenAI-compatible chat server ({@code POST <url>/v1/chat/completions},
 * non-streaming): one user message in, {@code choices[0].message.content} out. Every failure is an
 * {@link IllegalStateException} with one readable message: the server cannot be reached, answered
 * with an HTTP error, or sent a reply that is not a chat completion.
 */
public final class ChatClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI uri;
  private final String model;
  private final HttpClient http;
  private final Duration timeout;

  /**
   * @param baseUrl the server, with or without the trailing {@code /v1}
   * @param model the {@code model} field of each request (null: omitted, the server's default)
   * @param timeout per request
   */
  public ChatClient(String baseUrl, String model, Duration timeout) {
    if (baseUrl == null || baseUrl.isBlank()) throw new IllegalArgumentException("--endpoint is empty");
    String b = baseUrl.strip();
    while (b.endsWith("/")) b = b.substring(0, b.length() - 1);
    if (!b.endsWith("/v1")) b = b + "/v1";
    URI u;
    try {
      u = URI.create(b + "/chat/completions");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--endpoint is not a URL: " + baseUrl);
    }
    if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
      throw new IllegalArgumentException("--endpoint must be an http(s) URL such as http://localhost:8000, got " + baseUrl);
    }
    this.uri = u;
    this.model = model;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** The completions URL requests go to. */
  public URI uri() {
    return uri;
  }

  /** The reply to one user message at temperature 0 (greedy), at most {@code maxTokens} tokens. */
  public String complete(String userMessage, int maxTokens) {
    return complete(userMessage, maxTokens, 0.0, 0);
  }

  /** The reply to one user message sampled at {@code temperature} with {@code seed}, at most {@code maxTokens} tokens. */
  public String complete(String userMessage, int maxTokens, double temperature, long seed) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (model != null) body.put("model", model);
    body.put("messages", List.of(Map.of("role", "user", "content", userMessage)));
    body.put("temperature", temperature);
    body.put("max_tokens", maxTokens);
    body.put("seed", seed);
    HttpResponse<String> r;
    try {
      HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
      r = http.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new IllegalStateException("cannot reach endpoint " + uri + ": " + why, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + uri, e);
    }
    if (r.statusCode() != 200) {
      throw new IllegalStateException("endpoint " + uri + " answered HTTP " + r.statusCode() + ": " + abbreviate(r.body()));
    }
    JsonNode j;
    try {
      j = JSON.readTree(r.body());
    } catch (IOException e) {
      throw new IllegalStateException("endpoint " + uri + " sent a reply that is not JSON: " + abbreviate(r.body()));
    }
    JsonNode content = j == null ? null : j.path("choices").path(0).path("message").path("content");
    if (content == null || !content.isTextual()) {
      throw new IllegalStateException("endpoint " + uri + " sent a reply without choices[0].message.content: "
          + abbreviate(r.body()));
    }
    return content.asText();
  }

  private static String abbreviate(String s) {
    if (s == null) return "";
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }
}
