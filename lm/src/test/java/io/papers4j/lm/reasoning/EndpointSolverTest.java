package io.papers4j.lm.reasoning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** EndpointSolver against a real HTTP server on loopback that answers like a chat model with fixed habits. */
class EndpointSolverTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void repliesOverTheWireAreGradedIntoMajAndPassScores() throws Exception {
    List<JsonNode> requests = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/chat/completions", ex -> {
      JsonNode req = JSON.readTree(ex.getRequestBody());
      requests.add(req);
      String question = req.path("messages").path(0).path("content").asText();
      long seed = req.path("seed").asLong();
      // the "apples" problem: always 12 (correct); the "pears" problem: greedy says 5 (wrong), samples say 8 only with odd seeds
      String answer = question.contains("apples") ? "12" : req.path("temperature").asDouble() == 0 ? "5" : (seed % 2 == 1 ? "8" : "1,000");
      byte[] body = JSON.writeValueAsBytes(java.util.Map.of("choices",
          List.of(java.util.Map.of("message", java.util.Map.of("role", "assistant", "content", "Step one.\n#### " + answer)))));
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
    try {
      EndpointSolver s = new EndpointSolver("http://127.0.0.1:" + server.getAddress().getPort(), "m");
      List<Problem> ps = List.of(new Problem("Tom has 12 apples.", "#### 12", new BigDecimal(12)),
          new Problem("Ann has 8 pears.", "#### 8", new BigDecimal(8)));
      Evaluation.Scores sc = s.evaluate(ps, 4, 0.7, 64, 10);
      // apples: maj@1, maj@4 and pass@4 all right; pears: greedy wrong, 2 of 4 samples right, a 2-2 tie
      assertThat(sc.maj1()).isEqualTo(0.5);
      assertThat(sc.passK()).isEqualTo(1.0);
      assertThat(sc.pass1()).isEqualTo((1.0 + 0.5) / 2);
      assertThat(requests).hasSize(2 * (1 + 4));
      assertThat(requests.get(0).path("model").asText()).isEqualTo("m");
      assertThat(requests.get(0).path("temperature").asDouble()).isZero();
      assertThat(requests.get(1).path("temperature").asDouble()).isEqualTo(0.7);
      assertThat(requests.get(0).path("messages").path(0).path("content").asText()).startsWith(EndpointSolver.INSTRUCTION);
    } finally {
      server.stop(0);
    }
  }

  /** The same path against the project's own OpenAI-compatible server (`papers4j lm serve`), a tiny untrained model. */
  @Test
  void theProjectsOwnServerAnswersTheSolverAndHonoursSeeds() {
    io.papers4j.core.tensor.Engine.init();
    io.papers4j.core.tokenize.BpeTokenizer tok = io.papers4j.core.tokenize.BpeTrainer.train(
        "Tom has 12 apples. He eats 3. How many are left? 12 - 3 = 9. #### 9", 280, List.of("<|endoftext|>"),
        io.papers4j.core.tokenize.PreTokenizer.GPT2);
    io.papers4j.lm.llama.LlamaModel model = new io.papers4j.lm.llama.LlamaModel(
        io.papers4j.lm.llama.LlamaConfig.llama(tok.vocabSize(), 32, 64, 2, 4, 2, 512, 1e-5, 10000.0, true), 5);
    io.javalin.Javalin app = new io.papers4j.lm.serve.LmServer("tiny", model, tok).create().start(0);
    try {
      EndpointSolver s = new EndpointSolver("http://127.0.0.1:" + app.port(), "tiny");
      String q = "Tom has 12 apples. He eats 3. How many are left?";
      List<String> greedy = s.sample(q, 2, 0.0, 12, 0);
      assertThat(greedy.get(0)).isNotEmpty().isEqualTo(greedy.get(1)); // temperature 0 ignores the seed
      List<String> a = s.sample(q, 3, 1.0, 12, 40), b = s.sample(q, 3, 1.0, 12, 40);
      assertThat(a).isEqualTo(b); // the server samples with the request's seed
      assertThat(java.util.Set.copyOf(a)).hasSizeGreaterThan(1); // seeds 40, 41, 42 differ at temperature 1
      Evaluation.Scores sc = s.evaluate(List.of(new Problem(q, "#### 9", new BigDecimal(9))), 2, 1.0, 12, 3);
      assertThat(sc.problems()).isEqualTo(1);
      assertThat(sc.k()).isEqualTo(2);
      assertThat(sc.passK()).isBetween(0.0, 1.0);
    } finally {
      app.stop();
    }
  }

  @Test
  void anUnreachableOrMalformedEndpointGivesOneMessage() {
    assertThatThrownBy(() -> new EndpointSolver("ftp://example.org", "m")).hasMessageContaining("http(s) URL");
    assertThatThrownBy(() -> new EndpointSolver("http://127.0.0.1:1", "m").sample("q", 1, 0, 8, 0)).hasMessageContaining("cannot reach endpoint");
  }
}
