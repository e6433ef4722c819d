package io.papers4j.arena.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.papers4j.arena.store.ArenaStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArenaAppTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  FakeOpenAi fake;
  ArenaStore store;
  Javalin app;
  HttpClient http = HttpClient.newHttpClient();

  void start(String extraConfig, String... models) throws Exception {
    fake = new FakeOpenAi();
    StringBuilder ms = new StringBuilder();
    for (String m : models) {
      if (ms.length() > 0) ms.append(',');
      ms.append("{\"name\":\"").append(m).append("\",\"api_base\":\"").append(fake.base()).append("\"}");
    }
    ArenaConfig cfg = ArenaConfig.parse(JSON.readTree("{\"models\":[" + ms + "],\"moderation_keywords\":[\"badword\"],"
        + "\"admin_token\":\"s3cret-admin-token-0001\"" + extraConfig + "}"));
    store = ArenaStore.sqlite(dir.resolve("arena.db"));
    Arena arena = new Arena(cfg, store, Moderation.keywords(cfg.moderationKeywords()),
        m -> new OpenAiBackend(m, cfg.temperature(), cfg.topP(), cfg.maxTokens()), 20);
    app = ArenaApp.create(arena).start(0);
  }

  @AfterEach
  void stop() throws Exception {
    if (app != null) app.stop();
    if (fake != null) fake.close();
    if (store != null) store.close();
  }

  record Resp(int status, String body, String type) {
    JsonNode json() throws Exception {
      return JSON.readTree(body);
    }
  }

  Resp send(String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) b.header("Content-Type", "application/json");
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Resp(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
  }

  /** Reads one SSE stream to its end: "event: data" strings. */
  List<String> sse(String path) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
        .header("Accept", "text/event-stream").GET().build();
    HttpResponse<java.io.InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    List<String> events = new ArrayList<>();
    String event = null;
    try (BufferedReader br = new BufferedReader(new InputStreamReader(r.body()))) {
      String line;
      while ((line = br.readLine()) != null) {
        if (line.startsWith("event:")) event = line.substring(6).trim();
        else if (line.startsWith("data:")) events.add(event + " " + JSON.readTree(line.substring(5).trim()).asText());
      }
    }
    return events;
  }

  static String text(List<String> events) {
    StringBuilder sb = new StringBuilder();
    for (String e : events) if (e.startsWith("delta ")) sb.append(e.substring(6));
    return sb.toString();
  }

  @Test
  void anonymous_battle_streams_both_sides_then_vote_reveals_and_is_stored() throws Exception {
    start("", "alpha", "beta");
    Resp created = send("POST", "/api/battles", "{\"anony\":true}");
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().has("models")).isFalse(); // hidden until the vote
    String id = created.json().get("id").asText();
    assertThat(send("POST", "/api/battles/" + id + "/vote", "{\"type\":\"leftvote\"}").status()).isEqualTo(409);
    assertThat(send("POST", "/api/battles/" + id + "/messages", "{\"text\":\"hi <b>there</b>\"}").status()).isEqualTo(200);
    // votes stay closed while a reply is missing
    List<String> a = sse("/api/battles/" + id + "/stream/a");
    assertThat(send("POST", "/api/battles/" + id + "/vote", "{\"type\":\"leftvote\"}").status()).isEqualTo(409);
    List<String> b = sse("/api/battles/" + id + "/stream/b");
    assertThat(a.get(a.size() - 1)).startsWith("done");
    assertThat(a.stream().filter(e -> e.startsWith("delta")).count()).isGreaterThan(3); // streamed in pieces
    assertThat(text(a)).endsWith("says: hi <b>there</b>");
    // a reconnect replays the finished reply instead of asking the model again
    assertThat(text(sse("/api/battles/" + id + "/stream/b"))).isEqualTo(text(b));
    Resp vote = send("POST", "/api/battles/" + id + "/vote", "{\"type\":\"leftvote\"}");
    assertThat(vote.status()).isEqualTo(200);
    String modelA = vote.json().get("model_a").asText();
    assertThat(text(a)).startsWith("[" + FakeOpenAi.code(modelA) + "]");
    assertThat(store.count()).isEqualTo(1);
    assertThat(send("POST", "/api/battles/" + id + "/vote", "{\"type\":\"rightvote\"}").status()).isEqualTo(409);
    JsonNode board = send("GET", "/api/leaderboard", null).json();
    assertThat(board.get("battles").asInt()).isEqualTo(1);
    assertThat(board.get("rows").get(0).get("model").asText()).isEqualTo(modelA);
    // one vote: finite ratings under the web prior, non-zero intervals, both models preliminary
    for (JsonNode row : board.get("rows")) {
      assertThat(row.get("rating").asInt()).isBetween(850, 1150);
      assertThat(row.get("ci_plus").asInt()).isPositive();
      assertThat(row.get("ci_minus").asInt()).isPositive();
      assertThat(row.get("preliminary").asBoolean()).isTrue();
    }
    Resp png = send("GET", "/api/leaderboard/heatmap/win_fraction", null);
    assertThat(png.status()).isEqualTo(200);
    assertThat(png.type()).isEqualTo("image/png");
    // FastChat vote log and clean_battle export (admin only)
    assertThat(send("GET", "/admin/export", null).status()).isEqualTo(401);
    Resp log = send("GET", "/admin/export?format=clean", null, "Authorization", "Bearer s3cret-admin-token-0001");
    JsonNode clean = JSON.readTree(log.body().lines().findFirst().orElseThrow());
    assertThat(clean.get("winner").asText()).isEqualTo("model_a");
    assertThat(clean.get("anony").asBoolean()).isTrue();
    assertThat(clean.get("conversation_a").get(0).get("content").asText()).isEqualTo("hi <b>there</b>");
  }

  @Test
  void named_battle_regenerate_and_turn_limit() throws Exception {
    start(",\"max_turns\":2", "alpha", "beta", "gamma");
    Resp created = send("POST", "/api/battles", "{\"anony\":false,\"model_a\":\"gamma\",\"model_b\":\"alpha\"}");
    assertThat(created.json().get("models").toString()).isEqualTo("[\"gamma\",\"alpha\"]");
    String id = created.json().get("id").asText();
    send("POST", "/api/battles/" + id + "/messages", "{\"text\":\"one\"}");
    assertThat(send("POST", "/api/battles/" + id + "/messages", "{\"text\":\"too early\"}").status()).isEqualTo(409);
    sse("/api/battles/" + id + "/stream/a");
    sse("/api/battles/" + id + "/stream/b");
    assertThat(send("POST", "/api/battles/" + id + "/regenerate", null).status()).isEqualTo(200);
    assertThat(text(sse("/api/battles/" + id + "/stream/a"))).isEqualTo("[" + FakeOpenAi.code("gamma") + "] says: one");
    sse("/api/battles/" + id + "/stream/b");
    send("POST", "/api/battles/" + id + "/messages", "{\"text\":\"two\"}");
    sse("/api/battles/" + id + "/stream/a");
    sse("/api/battles/" + id + "/stream/b");
    Resp third = send("POST", "/api/battles/" + id + "/messages", "{\"text\":\"three\"}");
    assertThat(third.status()).isEqualTo(400);
    assertThat(third.json().get("error").asText()).contains("limit of 2 turns");
    assertThat(send("POST", "/api/battles/" + id + "/vote", "{\"type\":\"tievote\"}").status()).isEqualTo(200);
    // named battles are stored but do not enter the leaderboard
    assertThat(store.count()).isEqualTo(1);
    assertThat(send("GET", "/api/leaderboard", null).json().get("battles").asInt()).isZero();
  }

  @Test
  void malformed_requests_get_clear_4xx_json_errors() throws Exception {
    start(",\"max_input_chars\":100", "alpha", "beta");
    Resp r = send("POST", "/api/battles", "{not json");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("error").asText()).isEqualTo("request body is not valid JSON");
    r = send("POST", "/api/battles", "{\"anony\":false,\"model_a\":\"alpha\",\"model_b\":\"nope\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("error").asText()).isEqualTo("unknown model id: nope");
    assertThat(send("POST", "/api/battles/nope/messages", "{\"text\":\"x\"}").json().get("error").asText())
        .isEqualTo("unknown battle id: nope");
    String id = send("POST", "/api/battles", "{}").json().get("id").asText();
    r = send("POST", "/api/battles/" + id + "/messages", "{\"text\":\"" + "x".repeat(101) + "\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("error").asText()).contains("longer than 100 characters");
    r = send("POST", "/api/battles/" + id + "/messages", "{\"text\":42}");
    assertThat(r.json().get("error").asText()).isEqualTo("field 'text' must be a string");
    r = send("POST", "/api/battles/" + id + "/vote", "{\"type\":\"upvote\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("error").asText()).contains("upvote");
    r = send("GET", "/api/leaderboard/heatmap/pie", null);
    assertThat(r.status()).isEqualTo(404);
    r = send("GET", "/no/such/page", null);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().get("error").asText()).contains("/no/such/page").contains("not found");
    r = send("POST", "/api/battles/" + id + "/messages", "{\"text\":\"" + "x".repeat(300_000) + "\"}");
    assertThat(r.status()).isEqualTo(413);
    r = send("POST", "/admin/flags", "{\"judge\":\"x\"}", "Authorization", "Bearer wrong");
    assertThat(r.status()).isEqualTo(401);
  }

  @Test
  void a_failing_backend_never_unmasks_an_anonymous_battle_before_the_vote() throws Exception {
    start("", "broken", "alpha");
    { // with two models configured, the failing one is in every battle, on one side or the other
      String id = send("POST", "/api/battles", "{\"anony\":true}").json().get("id").asText();
      send("POST", "/api/battles/" + id + "/messages", "{\"text\":\"hello\"}");
      for (String side : new String[] {"a", "b"}) {
        String seen = String.join("\n", sse("/api/battles/" + id + "/stream/" + side));
        assertThat(seen).doesNotContain("broken", "alpha", fake.base(), "127.0.0.1", "upstream exploded", "HTTP 500");
      }
      String replayed = String.join("\n", sse("/api/battles/" + id + "/stream/a")) + String.join("\n", sse("/api/battles/" + id + "/stream/b"));
      assertThat(replayed).doesNotContain("broken", "alpha", fake.base(), "upstream exploded");
    }
  }

  @Test
  void moderated_and_failed_battles_are_dropped_by_the_cleaner() throws Exception {
    start("", "alpha", "broken");
    String id = send("POST", "/api/battles", "{\"anony\":false,\"model_a\":\"alpha\",\"model_b\":\"broken\"}").json().get("id").asText();
    send("POST", "/api/battles/" + id + "/messages", "{\"text\":\"hello\"}");
    sse("/api/battles/" + id + "/stream/a");
    List<String> failed = sse("/api/battles/" + id + "/stream/b");
    assertThat(failed.get(failed.size() - 1)).startsWith("failed").contains(BattleApi.REPLY_FAILED);
    assertThat(send("POST", "/api/battles/" + id + "/vote", "{\"type\":\"leftvote\"}").status()).isEqualTo(200);
    String id2 = send("POST", "/api/battles", "{\"anony\":false,\"model_a\":\"broken\",\"model_b\":\"alpha\"}").json().get("id").asText();
    Resp m = send("POST", "/api/battles/" + id2 + "/messages", "{\"text\":\"a BadWord here\"}");
    assertThat(m.json().get("moderated").asBoolean()).isTrue();
    Resp votes = send("GET", "/admin/export", null, "Authorization", "Bearer s3cret-admin-token-0001");
    assertThat(votes.body().lines().count()).isEqualTo(1);
    assertThat(votes.body()).contains("NETWORK ERROR");
    Resp clean = send("GET", "/admin/export?format=clean", null, "Authorization", "Bearer s3cret-admin-token-0001");
    assertThat(clean.body()).isEmpty();
  }

  @Test
  void flagging_a_judge_changes_the_leaderboard_at_once_and_the_judge_cookie_is_http_only() throws Exception {
    start("", "alpha", "beta");
    HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/api/battles"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    String cookie = created.headers().firstValue("Set-Cookie").orElse("");
    assertThat(cookie).startsWith("arena_uid=").containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax");
    String uid = cookie.substring("arena_uid=".length(), cookie.indexOf(';'));
    String id = JSON.readTree(created.body()).get("id").asText();
    send("POST", "/api/battles/" + id + "/messages", "{\"text\":\"hi\"}");
    sse("/api/battles/" + id + "/stream/a");
    sse("/api/battles/" + id + "/stream/b");
    assertThat(send("POST", "/api/battles/" + id + "/vote", "{\"type\":\"leftvote\"}").status()).isEqualTo(200);
    assertThat(send("GET", "/api/leaderboard", null).json().get("battles").asInt()).isEqualTo(1);
    String admin = "Bearer s3cret-admin-token-0001";
    send("POST", "/admin/flags", "{\"judge\":\"arena_user_" + uid + "\"}", "Authorization", admin);
    assertThat(send("GET", "/api/leaderboard", null).json().get("battles").asInt()).isZero();
    send("DELETE", "/admin/flags/arena_user_" + uid, null, "Authorization", admin);
    assertThat(send("GET", "/api/leaderboard", null).json().get("battles").asInt()).isEqualTo(1);
    // a wrong token of the right length and a prefix of the right one are both refused
    assertThat(send("GET", "/admin/export", null, "Authorization", "Bearer s3cret-admin-token-0002").status()).isEqualTo(401);
    assertThat(send("GET", "/admin/export", null, "Authorization", "Bearer s3cret").status()).isEqualTo(401);
  }

  @Test
  void a_short_admin_token_is_refused_at_start_up() {
    assertThatThrownBy(() -> ArenaConfig.parse(JSON.readTree("{\"models\":[{\"name\":\"a\",\"api_base\":\"http://x\"},"
        + "{\"name\":\"b\",\"api_base\":\"http://x\"}],\"admin_token\":\"s3cret\"}")))
        .hasMessageContaining("admin_token must be at least 16 characters");
  }

  @Test
  void votes_past_the_rate_limit_get_429() throws Exception {
    start(",\"votes_per_minute\":2", "alpha", "beta");
    String id = send("POST", "/api/battles", "{}").json().get("id").asText();
    send("POST", "/api/battles/" + id + "/messages", "{\"text\":\"1\"}");
    sse("/api/battles/" + id + "/stream/a");
    sse("/api/battles/" + id + "/stream/b");
    send("POST", "/api/battles/" + id + "/messages", "{\"text\":\"2\"}");
    sse("/api/battles/" + id + "/stream/a");
    sse("/api/battles/" + id + "/stream/b");
    Resp r = send("POST", "/api/battles/" + id + "/messages", "{\"text\":\"3\"}");
    assertThat(r.status()).isEqualTo(429);
    assertThat(r.json().get("error").asText()).contains("rate limit");
  }

  @Test
  void pages_are_served() throws Exception {
    start("", "alpha", "beta");
    Resp page = send("GET", "/", null);
    assertThat(page.body()).contains("A is better").contains("data-mode=\"anony\"");
    assertThat(send("GET", "/named", null).body()).contains("data-mode=\"named\"");
    assertThat(send("GET", "/leaderboard", null).body()).contains("Leaderboard");
    assertThat(send("GET", "/static/arena.js", null).body()).contains("textContent");
  }
}
