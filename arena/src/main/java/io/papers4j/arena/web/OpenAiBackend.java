package io.papers4j.arena.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * An OpenAI-compatible {@code /v1/chat/completions} endpoint with {@code stream: true}: the reply
 * arrives as server-sent events {@code data: {"choices":[{"delta":{"content":"…"}}]}} ending with
 * {@code data: [DONE]}.
 */
public final class OpenAiBackend implements ChatBackend {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private final ArenaConfig.ModelEndpoint endpoint;
  private final double temperature;
  private final double topP;
  private final int maxTokens;

  public OpenAiBackend(ArenaConfig.ModelEndpoint endpoint, double temperature, double topP, int maxTokens) {
    this.endpoint = endpoint;
    this.temperature = temperature;
    this.topP = topP;
    this.maxTokens = maxTokens;
  }

  @Override
  public String stream(List<Message> messages, Consumer<String> onDelta) throws Exception {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", endpoint.model());
    body.put("stream", true);
    body.put("temperature", temperature);
    body.put("top_p", topP);
    body.put("max_tokens", maxTokens);
    ArrayNode ms = body.putArray("messages");
    for (Message m : messages) ms.addObject().put("role", m.role()).put("content", m.content());
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(endpoint.apiBase() + "/chat/completions"))
            .timeout(Duration.ofMinutes(5))
            .header("Content-Type", "application/json")
            .header("Accept", "text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (endpoint.apiKey() != null) req.header("Authorization", "Bearer " + endpoint.apiKey());
    HttpResponse<java.io.InputStream> resp = HTTP.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
    StringBuilder all = new StringBuilder();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
      if (resp.statusCode() / 100 != 2) {
        StringBuilder err = new StringBuilder();
        String l;
        while ((l = r.readLine()) != null && err.length() < 500) err.append(l);
        throw new java.io.IOException(endpoint.name() + ": HTTP " + resp.statusCode() + " from " + endpoint.apiBase() + ": " + err);
      }
      String line;
      while ((line = r.readLine()) != null) {
        if (!line.startsWith("data:")) continue;
        String data = line.substring(5).trim();
        if (data.equals("[DONE]")) break;
        JsonNode ev = JSON.readTree(data);
        if (ev.has("error")) throw new java.io.IOException(endpoint.name() + ": " + ev.get("error"));
        String piece = ev.path("choices").path(0).path("delta").path("content").asText("");
        if (!piece.isEmpty()) {
          all.append(piece);
          onDelta.accept(piece);
        }
      }
    }
    return all.toString();
  }
}
