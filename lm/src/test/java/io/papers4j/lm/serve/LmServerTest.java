package io.papers4j.lm.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.core.tokenize.BpeTrainer;
import io.papers4j.core.tokenize.PreTokenizer;
import io.papers4j.lm.generate.Generation;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import io.papers4j.lm.generate.Sampling;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LmServerTest {
  private static final String TEXT =
      "User: hello there\nAssistant: hello, how are you today?\nUser: fine thanks\nAssistant: good to hear."
          + " In the beginning God created the heaven and the earth. And the earth was without form.";
  static final ObjectMapper JSON = new ObjectMapper();
  static BpeTokenizer tok;
  static LlamaModel model;
  static Javalin app;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    Engine.init();
    tok = BpeTrainer.train(TEXT, 300, List.of("<|endoftext|>"), PreTokenizer.GPT2);
    LlamaConfig c = LlamaConfig.llama(tok.vocabSize(), 32, 64, 2, 4, 2, 256, 1e-5, 10000.0, true);
    model = new LlamaModel(c, 7);
    app = new LmServer("tiny", model, tok).create().start(0);
  }

  @AfterAll
  static void stop() {
    app.stop();
  }

  static HttpResponse<String> post(String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/v1/chat/completions"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static final String REQ = "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}],"
      + "\"temperature\":0,\"max_tokens\":12%s}";

  @Test
  void models_lists_the_served_checkpoint() throws Exception {
    var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/v1/models")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode j = JSON.readTree(r.body());
    assertThat(j.get("object").asText()).isEqualTo("list");
    assertThat(j.get("data").get(0).get("id").asText()).isEqualTo("tiny");
  }

  @Test
  void greedy_completion_equals_direct_generation_and_streaming_gives_the_same_text() throws Exception {
    JsonNode full = JSON.readTree(post(String.format(REQ, "")).body());
    assertThat(full.get("object").asText()).isEqualTo("chat.completion");
    String content = full.get("choices").get(0).get("message").get("content").asText();
    // independent path: the template + Generation.generate greedy, decoded and cut at the next user turn
    int[] enc = tok.encode("User: hello there\nAssistant:");
    long[] out = Generation.generate(model, Arrays.stream(enc).asLongStream().toArray(), 12, Sampling.greedy(),
        Set.of(), true, null);
    String direct = tok.decode(Arrays.stream(out).mapToInt(x -> (int) x).toArray());
    int cut = direct.indexOf("\nUser:");
    assertThat(content).isEqualTo(cut >= 0 ? direct.substring(0, cut) : direct);
    assertThat(full.get("usage").get("prompt_tokens").asInt()).isEqualTo(enc.length);

    HttpResponse<String> s = post(String.format(REQ, ",\"stream\":true"));
    assertThat(s.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    StringBuilder streamed = new StringBuilder();
    List<String> lines = s.body().lines().filter(l -> l.startsWith("data: ")).toList();
    assertThat(lines.get(lines.size() - 1)).isEqualTo("data: [DONE]");
    for (String l : lines.subList(0, lines.size() - 1)) {
      JsonNode ev = JSON.readTree(l.substring(6));
      assertThat(ev.get("object").asText()).isEqualTo("chat.completion.chunk");
      streamed.append(ev.get("choices").get(0).get("delta").path("content").asText(""));
    }
    assertThat(streamed.toString()).isEqualTo(content);
    assertThat(lines.size()).isGreaterThan(2);
  }

  @Test
  void bad_requests_get_openai_style_400s() throws Exception {
    var r = post("{oops");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(r.body()).get("error").get("message").asText()).isEqualTo("request body is not valid JSON");
    r = post("{\"model\":\"other\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    assertThat(JSON.readTree(r.body()).get("error").get("message").asText()).startsWith("unknown model id: other");
    r = post("{\"messages\":[]}");
    assertThat(r.statusCode()).isEqualTo(400);
    r = post("{\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}");
    assertThat(JSON.readTree(r.body()).get("error").get("message").asText()).contains("wizard");
    r = post("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":250}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(r.body()).get("error").get("message").asText()).contains("context of 256 tokens");
  }
}
