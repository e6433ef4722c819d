package io.papers4j.lm.saullm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.javalin.Javalin;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.core.tokenize.BpeTrainer;
import io.papers4j.core.tokenize.PreTokenizer;
import io.papers4j.lm.generate.Generation;
import io.papers4j.lm.generate.Sampling;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import io.papers4j.lm.serve.ChatClient;
import io.papers4j.lm.serve.ChatTemplate;
import io.papers4j.lm.serve.LmServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LegalBenchTest {
  static List<LegalTasks.Example> yesNo(String task, String... gold) {
    List<LegalTasks.Example> xs = new ArrayList<>();
    for (int i = 0; i < gold.length; i++) xs.add(new LegalTasks.Example(task, "d" + i, task + " question " + i, gold[i]));
    return xs;
  }

  @Test
  void scores_are_balanced_accuracy_per_task_after_normalisation_and_their_mean() {
    List<LegalTasks.Example> xs = new ArrayList<>(yesNo("licence_osi", "Yes", "Yes", "Yes", "No"));
    xs.addAll(yesNo("copyright_year", "2004", "1999"));
    // a model that always says "Yes." then rambles, and gets the years right with noise around them
    LegalBench.Scores s = LegalBench.score(xs, q -> q.startsWith("licence_osi") ? "\n  Yes.\nBecause it is." : 
        q.endsWith("0") ? " '2004'" : "1999!", "test");
    Map<String, Double> m = s.asMap();
    // licence_osi: recall(yes) = 3/3, recall(no) = 0/1 -> (1 + 0) / 2 = 0.5 (plain accuracy would be 0.75)
    assertThat(m.get("licence_osi")).isEqualTo(0.5);
    assertThat(s.tasks().get(0).accuracy()).isEqualTo(0.75);
    assertThat(m.get("copyright_year")).isEqualTo(1.0);
    assertThat(m.get("mean")).isEqualTo(0.75);
    // only two-class yes/no tasks count for the chance check; a constant answer sits exactly at 0.5
    assertThat(s.tasks().get(0).classes()).isEqualTo(2);
    assertThat(s.yesNoMean()).isEqualTo(0.5);
    assertThat(s.tasks()).extracting(LegalBench.TaskScore::task).containsExactly("licence_osi", "copyright_year");
  }

  @Test
  void an_endpoint_is_scored_over_loopback_against_the_projects_own_server() {
    Engine.init();
    BpeTokenizer tok = BpeTrainer.train("User: Is the licence above copyleft? Answer by only outputting 'Yes' or 'No'.\n"
        + "Assistant: Yes\nUser: Who holds the copyright?\nAssistant: Jane Roe\n", 300, List.of(), PreTokenizer.GPT2);
    LlamaModel model = new LlamaModel(LlamaConfig.llama(tok.vocabSize(), 32, 64, 2, 4, 2, 256, 1e-5, 10000.0, true), 3);
    Javalin app = new LmServer("tiny", model, tok).create().start(0);
    try {
      ChatClient c = new ChatClient("http://127.0.0.1:" + app.port(), "tiny", Duration.ofSeconds(60));
      List<LegalTasks.Example> xs = yesNo("licence_copyleft", "Yes", "No");
      List<String> replies = new ArrayList<>();
      LegalBench.Scores s = LegalBench.score(xs, q -> {
        String r = LegalBench.endpoint(c).generate(q);
        replies.add(r);
        return r;
      }, "test");
      assertThat(s.tasks()).hasSize(1);
      assertThat(s.tasks().get(0).n()).isEqualTo(2);
      // what came over the wire is the server model's own greedy reply to the same chat prompt
      for (int i = 0; i < xs.size(); i++) {
        long[] p = java.util.Arrays.stream(tok.encode(ChatTemplate.prompt(
            List.of(new ChatTemplate.Message("user", xs.get(i).instruction()))))).asLongStream().toArray();
        java.util.Set<Long> eos = new java.util.HashSet<>();
        for (int e : model.config().eosTokenId()) eos.add((long) e);
        long[] out = Generation.generate(model, p, LegalBench.MAX_NEW_TOKENS, Sampling.greedy(), eos, true, null);
        String direct = tok.decode(java.util.Arrays.stream(out).filter(x -> !eos.contains(x)).mapToInt(x -> (int) x).toArray());
        int cut = direct.indexOf(ChatTemplate.TURN_END);
        assertThat(replies.get(i)).isEqualTo(cut >= 0 ? direct.substring(0, cut) : direct);
      }
    } finally {
      app.stop();
    }
  }

  @Test
  void a_server_with_the_inst_template_answers_as_the_local_model_does() {
    Engine.init();
    BpeTokenizer tok = BpeTrainer.train("[INST] Is the licence above copyleft? Answer by only outputting 'Yes' or 'No'."
        + " [/INST] Yes\n[INST] Who holds the copyright? [/INST] Jane Roe\n", 300, List.of(), PreTokenizer.GPT2);
    LlamaModel model = new LlamaModel(LlamaConfig.llama(tok.vocabSize(), 32, 64, 2, 4, 2, 256, 1e-5, 10000.0, true), 5);
    // the server's inst style is the template instruction tuning trains with
    assertThat(ChatTemplate.prompt(ChatTemplate.Style.INST, List.of(new ChatTemplate.Message("user", "Is it OSI-approved?"))))
        .isEqualTo(InstructTemplate.prompt("Is it OSI-approved?"));
    Javalin app = new LmServer("tiny", model, tok, ChatTemplate.Style.INST).create().start(0);
    try {
      LegalBench.Answerer remote = LegalBench.endpoint(new ChatClient("http://127.0.0.1:" + app.port(), null, Duration.ofSeconds(60)));
      LegalBench.Answerer local = LegalBench.local(model, tok);
      for (String q : List.of("Is the licence above copyleft? Answer by only outputting 'Yes' or 'No'.", "Who holds the copyright?")) {
        assertThat(AnswerNormalisation.answer(remote.generate(q))).isEqualTo(AnswerNormalisation.answer(local.generate(q)));
      }
    } finally {
      app.stop();
    }
  }

  @Test
  void an_unreachable_endpoint_is_one_clear_message() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ChatClient c = new ChatClient("http://127.0.0.1:" + port + "/v1/", null, Duration.ofSeconds(5));
    assertThatThrownBy(() -> c.complete("hi", 4)).isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("cannot reach endpoint http://127.0.0.1:" + port + "/v1/chat/completions");
  }

  @Test
  void a_malformed_reply_or_an_http_error_is_one_clear_message() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/chat/completions", ex -> {
      byte[] body;
      int status = 200;
      String mode = ex.getRequestHeaders().getFirst("Host").startsWith("localhost") ? "nojson" : "nochoices";
      body = (mode.equals("nojson") ? "<html>oops</html>" : "{\"choices\": []}").getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(status, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.createContext("/err/v1/chat/completions", ex -> {
      byte[] body = "{\"error\": {\"message\": \"model overloaded\"}}".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(503, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
    try {
      int port = server.getAddress().getPort();
      assertThatThrownBy(() -> new ChatClient("http://localhost:" + port, null, Duration.ofSeconds(5)).complete("hi", 4))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("reply that is not JSON: <html>oops</html>");
      assertThatThrownBy(() -> new ChatClient("http://127.0.0.1:" + port, null, Duration.ofSeconds(5)).complete("hi", 4))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("without choices[0].message.content");
      assertThatThrownBy(() -> new ChatClient("http://127.0.0.1:" + port + "/err", null, Duration.ofSeconds(5)).complete("hi", 4))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("answered HTTP 503").hasMessageContaining("model overloaded");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void a_bad_endpoint_url_is_rejected_before_any_request() {
    assertThatThrownBy(() -> new ChatClient("ftp://example.org", null, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be an http(s) URL");
  }
}
