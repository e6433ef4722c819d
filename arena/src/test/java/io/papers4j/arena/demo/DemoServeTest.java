package io.papers4j.arena.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.papers4j.arena.store.ArenaStore;
import io.papers4j.arena.web.Arena;
import io.papers4j.arena.web.ArenaApp;
import io.papers4j.arena.web.ArenaConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-command demo end to end with a 2-step training budget: the embedded defaults resolve to
 * two local models trained by papers4j on the KJV Bible, served in-process by lm serve's server;
 * an anonymous battle streams a reply from each, the vote reveals them and the leaderboard rates
 * them. A second start reuses the trained models.
 */
class DemoServeTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path home;
  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void default_config_trains_two_local_models_and_a_battle_streams_from_both() throws Exception {
    List<String> names = DemoModels.defaults().stream().map(DemoModels.Spec::name).toList();
    try (LocalModels local = Demo.localModels(home, 2L);
        ArenaStore store = ArenaStore.sqlite(home.resolve("demo.db"))) {
      ArenaConfig cfg = Demo.config(local, 8);
      assertThat(cfg.modelNames()).containsExactlyElementsOf(names);
      for (ArenaConfig.ModelEndpoint m : cfg.models()) assertThat(m.apiBase()).startsWith("http://127.0.0.1:");
      for (String n : names) assertThat(DemoModels.ready(DemoModels.modelsDir(home).resolve(n))).isTrue();

      Javalin app = ArenaApp.create(Arena.withOpenAi(cfg, store)).start("127.0.0.1", 0);
      try {
        String base = "http://127.0.0.1:" + app.port();
        String id = JSON.readTree(post(base + "/api/battles", "{}").body()).get("id").asText();
        assertThat(post(base + "/api/battles/" + id + "/messages", "{\"text\":\"In the beginning\"}").statusCode()).isEqualTo(200);
        for (String side : new String[] {"a", "b"}) {
          String sse = http.send(HttpRequest.newBuilder(URI.create(base + "/api/battles/" + id + "/stream/" + side))
              .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofString()).body();
          assertThat(sse).as("side %s", side).contains("event: delta").contains("event: done").doesNotContain("event: failed");
        }
        HttpResponse<String> vote = post(base + "/api/battles/" + id + "/vote", "{\"type\":\"leftvote\"}");
        assertThat(vote.statusCode()).isEqualTo(200);
        JsonNode revealed = JSON.readTree(vote.body());
        assertThat(List.of(revealed.get("model_a").asText(), revealed.get("model_b").asText()))
            .containsExactlyInAnyOrderElementsOf(names);
        JsonNode board = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/leaderboard")).build(),
            HttpResponse.BodyHandlers.ofString()).body());
        List<String> rated = new ArrayList<>();
        board.get("rows").forEach(r -> rated.add(r.get("model").asText()));
        assertThat(rated).containsExactlyInAnyOrderElementsOf(names);
      } finally {
        app.stop();
      }
    }
    // a second start finds both models complete and does not train again
    Path weights = DemoModels.modelsDir(home).resolve(names.get(0)).resolve("model.safetensors");
    long before = Files.getLastModifiedTime(weights).toMillis();
    List<Path> again = DemoModels.ensure(DemoModels.modelsDir(home),
        DemoModels.defaults().stream().map(s -> s.withSteps(2)).toList());
    assertThat(again).hasSize(2);
    assertThat(Files.getLastModifiedTime(weights).toMillis()).isEqualTo(before);
    assertThat(Files.exists(DemoModels.modelsDir(home).resolve(names.get(0) + ".partial"))).isFalse();
  }

  private HttpResponse<String> post(String url, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
