package io.papers4j.design2code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generation harness against a local HTTP server that replays a fixed chat-completions answer
 * (the only stand-in: no vision model runs offline).
 */
class GeneratorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private HttpServer server;
  private final List<JsonNode> requests = new ArrayList<>();
  private String endpoint;
  private int status = 200;

  static final String ANSWER = "Here you go:\n```html\n<!DOCTYPE html><html><body><h1>Pricing</h1><p>Free plan</p></body></html>\n```";

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v1/chat/completions",
        ex -> {
          requests.add(JSON.readTree(ex.getRequestBody().readAllBytes()));
          byte[] body =
              status == 200
                  ? JSON.writeValueAsBytes(JSON.createObjectNode().set("choices", JSON.createArrayNode().add(
                      JSON.createObjectNode().set("message", JSON.createObjectNode().put("role", "assistant").put("content", ANSWER)))))
                  : "{\"error\":\"overloaded\"}".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(status, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    endpoint = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  /** A one-page set written by hand (its screenshot is any PNG). */
  private Path set() throws IOException {
    Path set = dir.resolve("set");
    Files.createDirectories(set);
    Files.writeString(set.resolve("p1.html"), "<html><head><style>h1{color:red}</style></head><body><h1>Pricing</h1>\n<p>Free\n plan</p><script>var x=1;</script><!-- note --></body></html>");
    Files.write(set.resolve("p1.png"), Generator.png(Chromium.blank()));
    Files.writeString(
        set.resolve("manifest.json"),
        JSON.writeValueAsString(List.of(new BenchmarkSet.Entry("p1", "hand", "none", "none", 1280, 960, 100))));
    return set;
  }

  @Test
  void directAndTextAugmentedSendThePaperPromptsAndWriteCleanedHtml() throws Exception {
    Path set = set();
    ChatClient client = new ChatClient(endpoint, "test-vlm", ChatClient.Decoding.PAPER);
    Path out = dir.resolve("direct");
    List<String> ids = new Generator(client, null).run(set, Generator.Method.DIRECT, out, null);
    assertThat(ids).containsExactly("p1");
    assertThat(Files.readString(out.resolve("p1.html")))
        .isEqualTo("<!DOCTYPE html><html><body><h1>Pricing</h1><p>Free plan</p></body></html>");
    JsonNode req = requests.get(0);
    assertThat(req.get("model").asText()).isEqualTo("test-vlm");
    assertThat(req.get("temperature").asDouble()).isEqualTo(0.0);
    assertThat(req.get("max_tokens").asInt()).isEqualTo(4096);
    assertThat(req.get("seed").asInt()).isEqualTo(2024);
    JsonNode content = req.get("messages").get(0).get("content");
    assertThat(content.get(0).get("text").asText()).isEqualTo(Prompts.direct());
    String url = content.get(1).get("image_url").get("url").asText();
    assertThat(url).startsWith("data:image/png;base64,");
    assertThat(Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1))).isEqualTo(Files.readAllBytes(set.resolve("p1.png")));

    // resumable: a second run writes nothing and sends nothing
    assertThat(new Generator(client, null).run(set, Generator.Method.DIRECT, out, null)).isEmpty();
    assertThat(requests).hasSize(1);

    new Generator(client, null).run(set, Generator.Method.TEXT, dir.resolve("text"), null);
    String prompt = requests.get(1).get("messages").get(0).get("content").get(0).get("text").asText();
    assertThat(prompt).contains("The text elements are:\nPricing\nFree plan\n");
    assertThat(prompt).doesNotContain("var x").doesNotContain("note").doesNotContain("color:red");
  }

  @Test
  void selfRevisionSendsBothScreenshotsAndThePreviousHtml() throws Exception {
    Path set = set();
    ChatClient client = new ChatClient(endpoint, "test-vlm", ChatClient.Decoding.PAPER);
    Path initial = dir.resolve("text");
    Files.createDirectories(initial);
    Files.writeString(initial.resolve("p1.html"), "<html><body><h1>Pricng</h1></body></html>");
    try (Chromium c = Chromium.launch()) {
      new Generator(client, c).run(set, Generator.Method.REVISION, dir.resolve("rev"), initial);
    }
    JsonNode content = requests.get(0).get("messages").get(0).get("content");
    assertThat(content).hasSize(5);
    assertThat(content.get(0).get("text").asText()).contains("<html><body><h1>Pricng</h1></body></html>").contains("Pricing\nFree plan");
    assertThat(content.get(1).get("text").asText()).isEqualTo("Reference Webpage:");
    assertThat(content.get(3).get("text").asText()).isEqualTo("Current Webpage:");
    assertThat(content.get(4).get("image_url").get("url").asText()).startsWith("data:image/png;base64,");
    assertThat(Files.exists(dir.resolve("rev/p1.html"))).isTrue();
  }

  @Test
  void endpointErrorsNameTheStatusAfterThreeTries() throws Exception {
    status = 503;
    Path set = set();
    ChatClient client = new ChatClient(endpoint, "m", ChatClient.Decoding.PAPER);
    assertThatThrownBy(() -> new Generator(client, null).run(set, Generator.Method.DIRECT, dir.resolve("o"), null))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("HTTP 503");
    assertThat(requests).hasSize(3);
    assertThat(Files.exists(dir.resolve("o/p1.html"))).isFalse();
  }
}
