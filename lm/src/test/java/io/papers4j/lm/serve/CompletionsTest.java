package io.papers4j.lm.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.papers4j.core.nn.Init;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.core.tokenize.BpeTrainer;
import io.papers4j.core.tokenize.PreTokenizer;
import io.papers4j.lm.generate.ContinuousBatching;
import io.papers4j.lm.generate.Generation;
import io.papers4j.lm.generate.Sampling;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bytedeco.pytorch.NoGradGuard;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /v1/completions, chat log-probs, /health, /tokenize, /detokenize and batching, over HTTP. */
class CompletionsTest {
  private static final String TEXT =
      "User: hello there\nAssistant: hello, how are you today?\nUser: fine thanks\nAssistant: good to hear."
          + " In the beginning God created the heaven and the earth. And the earth was without form.";
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient http = HttpClient.newHttpClient();
  static BpeTokenizer tok;
  static LlamaModel model;
  static Javalin app;
  static LmServer busy; // one row, one queued sequence
  static Javalin busyApp;

  @BeforeAll
  static void start() {
    Engine.init();
    tok = BpeTrainer.train(TEXT, 300, List.of("<|endoftext|>"), PreTokenizer.GPT2);
    LlamaConfig c = LlamaConfig.llama(tok.vocabSize(), 32, 64, 2, 4, 2, 1024, 1e-5, 10000.0, true);
    model = new LlamaModel(c, Init.normal(5, 0.3), null); // peaked logits: greedy is not decided by rounding
    app = new LmServer("tiny", model, tok).create().start(0);
    busy = new LmServer("tiny", model, tok, ChatTemplate.Style.PLAIN, new ContinuousBatching.Options(1, 1024, 1, 16));
    busyApp = busy.create().start(0);
  }

  @AfterAll
  static void stop() {
    app.stop();
    busyApp.stop();
  }

  static HttpResponse<String> post(Javalin a, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.port() + path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode complete(String body) throws Exception {
    HttpResponse<String> r = post(app, "/v1/completions", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  static String greedy(long[] prompt, int n) {
    long[] out = Generation.generate(model, prompt, n, Sampling.greedy(), null, true, null);
    return tok.decode(Arrays.stream(out).mapToInt(x -> (int) x).toArray());
  }

  static long[] ids(String text) {
    return Arrays.stream(tok.encode(text)).asLongStream().toArray();
  }

  @Test
  void echo_with_logprobs_and_max_tokens_0_gives_the_log_probs_lm_score_computes() throws Exception {
    long[] ids = ids("In the beginning God created the heaven and the earth.");
    JsonNode j = complete("{\"model\":\"tiny\",\"prompt\":[" + JSON.writeValueAsString(ids) + "],\"max_tokens\":0,"
        + "\"echo\":true,\"logprobs\":2,\"temperature\":0}");
    assertThat(j.get("object").asText()).isEqualTo("text_completion");
    JsonNode c = j.get("choices").get(0);
    assertThat(c.get("text").asText()).isEqualTo(tok.decode(Arrays.stream(ids).mapToInt(x -> (int) x).toArray()));
    assertThat(c.get("finish_reason").asText()).isEqualTo("length");
    JsonNode lp = c.get("logprobs");
    double[] want;
    try (NoGradGuard g = new NoGradGuard()) {
      want = model.nextTokenLogProbs(ids); // what `papers4j lm score` prints after its leading null
    }
    assertThat(lp.get("tokens")).hasSize(ids.length);
    assertThat(lp.get("token_logprobs").get(0).isNull()).isTrue();
    assertThat(lp.get("top_logprobs").get(0).isNull()).isTrue();
    double worst = 0;
    for (int i = 1; i < ids.length; i++) {
      worst = Math.max(worst, Math.abs(lp.get("token_logprobs").get(i).asDouble() - want[i - 1]));
      String token = tok.decode(new int[] {(int) ids[i]});
      assertThat(lp.get("tokens").get(i).asText()).isEqualTo(token);
      JsonNode top = lp.get("top_logprobs").get(i);
      assertThat(top.size()).isBetween(2, 3); // the 2 most likely, plus the prompt's token if not among them
      assertThat(top.get(token).asDouble()).isEqualTo(lp.get("token_logprobs").get(i).asDouble());
    }
    System.out.printf("completions echo log-probs vs nextTokenLogProbs: max |diff| %.2e over %d tokens%n", worst, ids.length - 1);
    assertThat(worst).isLessThan(1e-5);
    int offset = 0;
    for (int i = 0; i < ids.length; i++) {
      assertThat(lp.get("text_offset").get(i).asInt()).isEqualTo(offset);
      offset += lp.get("tokens").get(i).asText().length();
    }
    assertThat(j.get("usage").get("prompt_tokens").asInt()).isEqualTo(ids.length);
    assertThat(j.get("usage").get("completion_tokens").asInt()).isZero();
  }

  @Test
  void greedy_completion_equals_direct_generation_and_streaming_gives_the_same_text_and_logprobs() throws Exception {
    String prompt = "And the earth was";
    JsonNode j = complete("{\"prompt\":\"" + prompt + "\",\"max_tokens\":10,\"temperature\":0,\"logprobs\":1}");
    JsonNode c = j.get("choices").get(0);
    String text = c.get("text").asText();
    assertThat(text).isEqualTo(greedy(ids(prompt), 10));
    assertThat(c.get("finish_reason").asText()).isEqualTo("length");
    JsonNode lp = c.get("logprobs");
    assertThat(lp.get("tokens")).hasSize(10);
    assertThat(lp.get("text_offset").get(0).asInt()).isEqualTo(prompt.length()); // offsets into prompt + completion
    for (int i = 0; i < 10; i++) { // greedy: each token is the most likely one
      double chosen = lp.get("token_logprobs").get(i).asDouble();
      lp.get("top_logprobs").get(i).properties().forEach(e -> assertThat(e.getValue().asDouble()).isLessThanOrEqualTo(chosen));
    }

    HttpResponse<String> s = post(app, "/v1/completions", "{\"prompt\":\"" + prompt + "\",\"max_tokens\":10,"
        + "\"temperature\":0,\"logprobs\":1,\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
    assertThat(s.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    List<String> lines = s.body().lines().filter(l -> l.startsWith("data: ")).toList();
    assertThat(lines.get(lines.size() - 1)).isEqualTo("data: [DONE]");
    StringBuilder streamed = new StringBuilder();
    List<Double> streamedLps = new ArrayList<>();
    for (String l : lines.subList(0, lines.size() - 2)) {
      JsonNode ev = JSON.readTree(l.substring(6));
      assertThat(ev.get("object").asText()).isEqualTo("text_completion");
      streamed.append(ev.get("choices").get(0).get("text").asText());
      ev.get("choices").get(0).get("logprobs").get("token_logprobs").forEach(x -> streamedLps.add(x.asDouble()));
    }
    assertThat(streamed.toString()).isEqualTo(text);
    assertThat(streamedLps).hasSize(10);
    for (int i = 0; i < 10; i++) assertThat(streamedLps.get(i)).isCloseTo(lp.get("token_logprobs").get(i).asDouble(), within(1e-9));
    JsonNode usage = JSON.readTree(lines.get(lines.size() - 2).substring(6));
    assertThat(usage.get("choices")).isEmpty();
    assertThat(usage.get("usage").get("completion_tokens").asInt()).isEqualTo(10);
  }

  @Test
  void every_prompt_form_gives_n_choices_per_prompt_in_order() throws Exception {
    long[] a = ids("hello there");
    long[] b = ids("good to hear");
    String[] forms = {
      "\"hello there\"",
      "[\"hello there\",\"good to hear\"]",
      JSON.writeValueAsString(a),
      "[" + JSON.writeValueAsString(a) + "," + JSON.writeValueAsString(b) + "]"
    };
    int[] prompts = {1, 2, 1, 2};
    for (int f = 0; f < forms.length; f++) {
      JsonNode j = complete("{\"prompt\":" + forms[f] + ",\"max_tokens\":3,\"n\":2,\"temperature\":0,\"echo\":true}");
      JsonNode cs = j.get("choices");
      assertThat(cs).hasSize(prompts[f] * 2);
      for (int i = 0; i < cs.size(); i++) {
        assertThat(cs.get(i).get("index").asInt()).isEqualTo(i);
        String p = i / 2 == 0 ? "hello there" : "good to hear";
        assertThat(cs.get(i).get("text").asText()).isEqualTo(p + greedy(i / 2 == 0 ? a : b, 3));
      }
      assertThat(j.get("usage").get("prompt_tokens").asInt()).isEqualTo(2 * (prompts[f] == 1 ? a.length : a.length + b.length));
    }
  }

  @Test
  void seeded_choices_equal_generation_with_seed_plus_index_and_repeat_exactly() throws Exception {
    String req = "{\"prompt\":\"hello there\",\"max_tokens\":8,\"temperature\":0.9,\"n\":3,\"seed\":42}";
    JsonNode a = complete(req).get("choices");
    JsonNode b = complete(req).get("choices");
    for (int i = 0; i < 3; i++) {
      long[] out = Generation.generate(model, ids("hello there"), 8, new Sampling(0.9, 0, 1.0, 42 + i), null, true, null);
      String alone = tok.decode(Arrays.stream(out).mapToInt(x -> (int) x).toArray());
      assertThat(a.get(i).get("text").asText()).as("choice %d", i).isEqualTo(alone);
      assertThat(b.get(i).get("text").asText()).isEqualTo(alone);
    }
  }

  @Test
  void a_stop_string_cuts_the_text_before_it() throws Exception {
    String full = greedy(ids("hello there"), 20);
    String stop = full.substring(4, 6);
    JsonNode c = complete("{\"prompt\":\"hello there\",\"max_tokens\":20,\"temperature\":0,\"stop\":[\"zzzz\","
        + JSON.writeValueAsString(stop) + "]}").get("choices").get(0);
    assertThat(c.get("text").asText()).isEqualTo(full.substring(0, full.indexOf(stop)));
    assertThat(c.get("finish_reason").asText()).isEqualTo("stop");
  }

  @Test
  void bad_fields_get_400s_that_name_them() throws Exception {
    String[][] cases = {
      {"{\"max_tokens\":3}", "'prompt' is required"},
      {"{\"prompt\":[],\"max_tokens\":3}", "'prompt' must be a non-empty"},
      {"{\"prompt\":\"x\",\"max_tokens\":-1}", "max_tokens must be in [0,"},
      {"{\"prompt\":\"x\",\"max_tokens\":\"ten\"}", "max_tokens must be an integer"},
      {"{\"prompt\":\"x\",\"temperature\":3}", "temperature must be in [0, 2]"},
      {"{\"prompt\":\"x\",\"top_p\":0}", "top_p must be in (0, 1]"},
      {"{\"prompt\":\"x\",\"logprobs\":21}", "logprobs must be in [0, 20]"},
      {"{\"prompt\":\"x\",\"n\":0}", "n must be in [1, 16]"},
      {"{\"prompt\":\"x\",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}", "stop must be a string or an array of at most 4"},
      {"{\"prompt\":[1,2,99999]}", "prompt[2] = 99999 is outside the vocabulary"},
      {"{\"prompt\":[[1],\"x\",7]}", "prompt[2] must be a string or an array of token ids"},
      {"{\"prompt\":\"x\",\"max_tokens\":1024}", "exceeds the model's context of 1024 tokens"},
      {"{\"prompt\":\"x\",\"model\":\"gpt-4\"}", "unknown model id: gpt-4"},
      {"{\"prompt\":\"x\",\"echo\":\"yes\"}", "echo must be true or false"},
    };
    for (String[] c : cases) {
      HttpResponse<String> r = post(app, "/v1/completions", c[0]);
      assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
      JsonNode e = JSON.readTree(r.body()).get("error");
      assertThat(e.get("message").asText()).as(c[0]).contains(c[1]);
      assertThat(e.get("type").asText()).isEqualTo("invalid_request_error");
    }
  }

  @Test
  void chat_logprobs_come_in_the_current_api_shape() throws Exception {
    String req = "{\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}],\"temperature\":0,\"max_tokens\":6,"
        + "\"logprobs\":true,\"top_logprobs\":3%s}";
    JsonNode j = JSON.readTree(post(app, "/v1/chat/completions", String.format(req, "")).body());
    JsonNode content = j.get("choices").get(0).get("logprobs").get("content");
    assertThat(content.size()).isBetween(1, 6);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    for (JsonNode t : content) {
      t.get("bytes").forEach(x -> bytes.write(x.asInt()));
      assertThat(t.get("logprob").asDouble()).isLessThanOrEqualTo(0.0);
      assertThat(t.get("bytes").isArray()).isTrue();
      assertThat(t.get("top_logprobs")).hasSize(3);
      assertThat(t.get("top_logprobs").get(0).get("logprob").asDouble()).isEqualTo(t.get("logprob").asDouble()); // greedy
    }
    // the tokens' bytes (a token may hold part of a UTF-8 character) spell the reply
    assertThat(bytes.toString(StandardCharsets.UTF_8)).startsWith(j.get("choices").get(0).get("message").get("content").asText());
    HttpResponse<String> bad = post(app, "/v1/chat/completions",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"top_logprobs\":2}");
    assertThat(JSON.readTree(bad.body()).get("error").get("message").asText()).isEqualTo("top_logprobs needs logprobs: true");

    List<String> lines = post(app, "/v1/chat/completions", String.format(req, ",\"stream\":true")).body().lines()
        .filter(l -> l.startsWith("data: ")).toList();
    assertThat(lines.get(lines.size() - 1)).isEqualTo("data: [DONE]");
    int streamedTokens = 0;
    for (String l : lines.subList(0, lines.size() - 1)) {
      JsonNode ch = JSON.readTree(l.substring(6)).get("choices").get(0);
      if (ch.has("logprobs")) streamedTokens += ch.get("logprobs").get("content").size();
    }
    assertThat(streamedTokens).isEqualTo(content.size());
  }

  @Test
  void health_tokenize_and_detokenize_answer_like_vllm() throws Exception {
    var h = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/health")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(h.statusCode()).isEqualTo(200);
    JsonNode t = JSON.readTree(post(app, "/tokenize", "{\"model\":\"tiny\",\"prompt\":\"hello there\"}").body());
    assertThat(t.get("count").asInt()).isEqualTo(tok.encode("hello there").length);
    assertThat(t.get("max_model_len").asInt()).isEqualTo(1024);
    long[] got = new long[t.get("tokens").size()];
    for (int i = 0; i < got.length; i++) got[i] = t.get("tokens").get(i).asLong();
    assertThat(got).containsExactly(ids("hello there"));
    JsonNode d = JSON.readTree(post(app, "/detokenize", "{\"tokens\":" + t.get("tokens") + "}").body());
    assertThat(d.get("prompt").asText()).isEqualTo("hello there");
    JsonNode m = JSON.readTree(post(app, "/tokenize", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").body());
    assertThat(m.get("count").asInt()).isEqualTo(tok.encode("User: hi\nAssistant:").length);
    assertThat(post(app, "/detokenize", "{\"tokens\":[\"a\"]}").statusCode()).isEqualTo(400);
  }

  @Test
  void concurrent_greedy_requests_decoded_together_equal_each_alone() throws Exception {
    String[] prompts = {"hello", "In the beginning God created", "fine thanks", "And the earth was without form. And",
        "good", "how are you today? User: fine thanks Assistant: good to hear. In the beginning"};
    List<CompletableFuture<HttpResponse<String>>> fs = new ArrayList<>();
    for (String p : prompts) {
      fs.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/v1/completions"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":" + JSON.writeValueAsString(p)
              + ",\"max_tokens\":12,\"temperature\":0}")).build(), HttpResponse.BodyHandlers.ofString()));
    }
    for (int i = 0; i < prompts.length; i++) {
      JsonNode j = JSON.readTree(fs.get(i).get(60, TimeUnit.SECONDS).body());
      assertThat(j.get("choices").get(0).get("text").asText()).as(prompts[i]).isEqualTo(greedy(ids(prompts[i]), 12));
    }
  }

  @Test
  void a_full_queue_answers_429_and_a_client_that_goes_away_frees_its_row() throws Exception {
    ContinuousBatching b = busy.batching();
    String longStream = "{\"prompt\":\"hello\",\"max_tokens\":1000,\"temperature\":0,\"stream\":true}";
    try (Socket s = new Socket("127.0.0.1", busyApp.port())) {
      byte[] body = longStream.getBytes(StandardCharsets.UTF_8);
      OutputStream out = s.getOutputStream();
      out.write(("POST /v1/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder got = new StringBuilder();
      while (!got.toString().contains("data: ")) got.append((char) in.read()); // the first chunk arrived
      assertThat(b.inFlight()).isEqualTo(1);
      // the row is taken: one more request waits in the queue, the next is refused
      CompletableFuture<HttpResponse<String>> queued = http.sendAsync(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + busyApp.port() + "/v1/completions"))
              .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"hello\",\"max_tokens\":3}")).build(),
          HttpResponse.BodyHandlers.ofString());
      long t0 = System.nanoTime();
      while (b.queued() < 1 && System.nanoTime() - t0 < 10_000_000_000L) Thread.sleep(5);
      HttpResponse<String> refused = post(busyApp, "/v1/completions", "{\"prompt\":\"hello\",\"max_tokens\":3}");
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(JSON.readTree(refused.body()).get("error").get("message").asText()).contains("busy");
      s.setSoLinger(true, 0);
      s.close(); // the streaming client goes away mid-generation
      HttpResponse<String> after = queued.get(60, TimeUnit.SECONDS); // so the queued request gets the row
      assertThat(after.statusCode()).isEqualTo(200);
      long steps = b.steps();
      assertThat(steps).isLessThan(500); // the 1000-token stream was stopped long before its end
      t0 = System.nanoTime();
      while (b.inFlight() > 0 && System.nanoTime() - t0 < 10_000_000_000L) Thread.sleep(5);
      assertThat(b.inFlight()).isZero();
    }
  }
}
