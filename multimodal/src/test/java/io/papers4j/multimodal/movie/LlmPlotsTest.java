package io.papers4j.multimodal.movie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LlmPlotsTest {
  static final PlotGrammar.Size SIZE = new PlotGrammar.Size(2, 1, 2);

  @Test
  void retries_after_malformed_and_truncated_replies() {
    String good = PlotGrammar.expand("a storm at sea", 5, SIZE, "vintage").toJson();
    Deque<String> replies = new ArrayDeque<>(List.of("Sure! Here is your plot: {\"title\": \"x\",", // truncated
        "```json\n{\"title\": \"x\"}\n```", // valid JSON, schema violated
        "Here it is:\n```json\n" + good + "\n```"));
    List<String> prompts = new ArrayList<>();
    LlmPlots llm = new LlmPlots(m -> {
      prompts.add(m);
      return replies.pop();
    }, 3, 4096);
    Plot p = llm.generate("a storm at sea", SIZE, 0);
    assertThat(p.style().keyword()).isEqualTo("vintage");
    assertThat(prompts).hasSize(3);
    assertThat(prompts.get(0)).contains("a storm at sea").contains("\"chapters\"");
    assertThat(prompts.get(1)).contains("rejected: plot is not valid JSON");
    assertThat(prompts.get(2)).contains("rejected: plot JSON: theme: missing");
  }

  @Test
  void gives_up_with_the_last_problem() {
    LlmPlots llm = new LlmPlots(m -> "{\"title\": \"x\", \"theme\": ", 2, 4096);
    assertThatThrownBy(() -> llm.generate("x", SIZE, 0))
        .hasMessageStartingWith("the endpoint gave no valid plot in 2 attempt(s); last problem: plot is not valid JSON");
  }

  @Test
  void talks_to_an_openai_compatible_server_over_loopback() throws Exception {
    String good = PlotGrammar.expand("a desert race", 2, SIZE, "comic").toJson();
    Deque<String> replies = new ArrayDeque<>(List.of(good.substring(0, 200), good));
    ObjectMapper json = new ObjectMapper();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/chat/completions", ex -> {
      ex.getRequestBody().readAllBytes();
      byte[] body = json.writeValueAsBytes(Map.of("choices", List.of(Map.of("message", Map.of("role", "assistant", "content", replies.pop())))));
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
    try {
      Plot p = LlmPlots.of("http://127.0.0.1:" + server.getAddress().getPort(), "tiny", 3).generate("a desert race", SIZE, 0);
      assertThat(p.toJson()).isEqualTo(good);
      assertThat(replies).isEmpty();
    } finally {
      server.stop(0);
    }
  }
}
