package io.papers4j.arena.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import java.util.Map;

/**
 * Test stand-in for a remote OpenAI-compatible chat endpoint: streams "[CODE] says: TEXT" word by
 * word as chat.completion.chunk events, CODE being {@link #code} of the model id (a model that
 * said its own name would be dropped by the cleaner as an identity leak). Model "broken" answers
 * HTTP 500.
 */
final class FakeOpenAi implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  final Javalin app;

  FakeOpenAi() {
    app = Javalin.create(c -> c.showJavalinBanner = false);
    app.post("/v1/chat/completions", ctx -> {
      JsonNode req = JSON.readTree(ctx.body());
      String model = req.get("model").asText();
      if (model.equals("broken")) {
        ctx.status(500).json(Map.of("error", "upstream exploded"));
        return;
      }
      JsonNode msgs = req.get("messages");
      String last = msgs.get(msgs.size() - 1).get("content").asText();
      String reply = "[" + code(model) + "] says: " + last;
      StringBuilder sb = new StringBuilder();
      for (String w : reply.split("(?<= )")) {
        var chunk = Map.of("object", "chat.completion.chunk",
            "choices", java.util.List.of(Map.of("index", 0, "delta", Map.of("content", w))));
        sb.append("data: ").append(JSON.writeValueAsString(chunk)).append("\n\n");
      }
      sb.append("data: [DONE]\n\n");
      ctx.contentType("text/event-stream").result(sb.toString());
    });
    app.start(0);
  }

  static String code(String model) {
    return Integer.toHexString(model.hashCode());
  }

  String base() {
    return "http://127.0.0.1:" + app.port() + "/v1";
  }

  @Override
  public void close() {
    app.stop();
  }
}
