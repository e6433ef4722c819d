package io.papers4j.arena.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.papers4j.arena.store.ArenaStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-address rate limits on every battle route: cookie-proof, 429 with Retry-After, bounded memory. */
class RateLimitTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  FakeOpenAi fake;
  ArenaStore store;
  Arena arena;
  Javalin app;
  // no cookie manager: the client never returns the arena_uid cookie, i.e. drops it every time
  final HttpClient http = HttpClient.newHttpClient();

  void start(String extraConfig) throws Exception {
    fake = new FakeOpenAi();
    ArenaConfig cfg = ArenaConfig.parse(JSON.readTree("{\"models\":[{\"name\":\"alpha\",\"api_base\":\"" + fake.base()
        + "\"},{\"name\":\"beta\",\"api_base\":\"" + fake.base() + "\"}]" + extraConfig + "}"));
    store = ArenaStore.sqlite(dir.resolve("arena.db"));
    arena = new Arena(cfg, store, Moderation.keywords(cfg.moderationKeywords()),
        m -> new OpenAiBackend(m, cfg.temperature(), cfg.topP(), cfg.maxTokens()), 5);
    app = ArenaApp.create(arena).start(0);
  }

  @AfterEach
  void stop() throws Exception {
    if (app != null) app.stop();
    if (fake != null) fake.close();
    if (store != null) store.close();
  }

  HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) b.header("Content-Type", "application/json");
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static long retryAfter(HttpResponse<String> r) {
    return Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
  }

  @Test
  void a_client_that_drops_or_rotates_its_cookie_is_still_limited() throws Exception {
    start(",\"requests_per_minute\":3");
    for (int i = 0; i < 3; i++) {
      // a fresh judge cookie each time: the old per-judge quota never filled up
      assertThat(send("POST", "/api/battles", "{}", "Cookie", "arena_uid=" + UUID.randomUUID()).statusCode()).isEqualTo(201);
    }
    var refused = send("POST", "/api/battles", "{}", "Cookie", "arena_uid=" + UUID.randomUUID());
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(retryAfter(refused)).isBetween(1L, 20L); // 3 per minute: the next token in <= 20 s
    assertThat(JSON.readTree(refused.body()).get("error").asText()).contains("rate limit");
    assertThat(send("POST", "/api/battles", "{}").statusCode()).isEqualTo(429); // no cookie at all
  }

  @Test
  void regenerate_in_a_loop_gets_429_with_retry_after() throws Exception {
    start(",\"votes_per_minute\":4");
    String id = JSON.readTree(send("POST", "/api/battles", "{}").body()).get("id").asText();
    assertThat(send("POST", "/api/battles/" + id + "/messages", "{\"text\":\"hi\"}").statusCode()).isEqualTo(200);
    int regenerated = 0;
    HttpResponse<String> last = null;
    for (int i = 0; i < 20; i++) {
      for (String side : new String[] {"a", "b"}) {
        assertThat(send("GET", "/api/battles/" + id + "/stream/" + side, null, "Accept", "text/event-stream").body()).contains("done");
      }
      last = send("POST", "/api/battles/" + id + "/regenerate", "{}");
      if (last.statusCode() != 200) break;
      regenerated++;
    }
    assertThat(regenerated).isEqualTo(3); // the message took the first of the four tokens
    assertThat(last.statusCode()).isEqualTo(429);
    assertThat(retryAfter(last)).isBetween(1L, 15L);
  }

  @Test
  void a_stream_past_the_request_limit_is_a_plain_429() throws Exception {
    start(",\"requests_per_minute\":4");
    String id = JSON.readTree(send("POST", "/api/battles", "{}").body()).get("id").asText();
    send("POST", "/api/battles/" + id + "/messages", "{\"text\":\"hi\"}");
    assertThat(send("GET", "/api/battles/" + id + "/stream/a", null, "Accept", "text/event-stream").body()).contains("done");
    assertThat(send("GET", "/api/battles/" + id + "/stream/b", null, "Accept", "text/event-stream").body()).contains("done");
    var r = send("GET", "/api/battles/" + id + "/stream/a", null, "Accept", "text/event-stream");
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    assertThat(retryAfter(r)).isPositive();
    assertThat(send("POST", "/api/battles/" + id + "/vote", "{\"type\":\"leftvote\"}").statusCode()).isEqualTo(429);
    assertThat(store.count()).isZero();
  }

  @Test
  void limiter_memory_stays_bounded_and_other_clients_are_unaffected() throws Exception {
    start(",\"requests_per_minute\":2,\"trusted_proxy_header\":\"X-Forwarded-For\",\"rate_limit_clients\":50");
    for (int i = 0; i < 400; i++) {
      // the proxy appends the peer address last; whatever the client wrote before it is ignored
      String xff = "6.6.6.6, 10." + (i / 256) + "." + (i % 256) + ".7";
      assertThat(send("POST", "/api/battles", "{}", "X-Forwarded-For", xff).statusCode()).isEqualTo(201);
    }
    assertThat(arena.requestLimiter.size()).isEqualTo(50);
    assertThat(arena.turnLimiter.size()).isZero();
    // one client exhausts its quota; the next address is served
    String flood = "192.0.2.1";
    send("POST", "/api/battles", "{}", "X-Forwarded-For", flood);
    send("POST", "/api/battles", "{}", "X-Forwarded-For", flood);
    assertThat(send("POST", "/api/battles", "{}", "X-Forwarded-For", flood).statusCode()).isEqualTo(429);
    assertThat(send("POST", "/api/battles", "{}", "X-Forwarded-For", "192.0.2.2").statusCode()).isEqualTo(201);
    assertThat(send("POST", "/api/battles", "{}", "X-Forwarded-For", "1.2.3.4, " + flood).statusCode()).isEqualTo(429);
    assertThat(arena.requestLimiter.size()).isLessThanOrEqualTo(50);
  }

  @Test
  void without_the_option_a_forged_forwarded_header_changes_nothing() throws Exception {
    start(",\"requests_per_minute\":2");
    for (int i = 0; i < 2; i++) {
      assertThat(send("POST", "/api/battles", "{}", "X-Forwarded-For", "10.0.0." + i).statusCode()).isEqualTo(201);
    }
    assertThat(send("POST", "/api/battles", "{}", "X-Forwarded-For", "10.0.0.9").statusCode()).isEqualTo(429);
    assertThat(arena.requestLimiter.size()).isEqualTo(1);
  }

  @Test
  void one_battle_regenerates_at_most_its_limit() throws Exception {
    start(",\"regenerations_per_battle\":2");
    String id = JSON.readTree(send("POST", "/api/battles", "{}").body()).get("id").asText();
    send("POST", "/api/battles/" + id + "/messages", "{\"text\":\"hi\"}");
    HttpResponse<String> last = null;
    int served = 0;
    for (int i = 0; i < 4; i++) {
      for (String side : new String[] {"a", "b"}) send("GET", "/api/battles/" + id + "/stream/" + side, null, "Accept", "text/event-stream");
      last = send("POST", "/api/battles/" + id + "/regenerate", "{}");
      if (last.statusCode() != 200) break;
      served++;
    }
    assertThat(served).isEqualTo(2);
    assertThat(last.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(last.body()).get("error").asText()).contains("regeneration limit of 2 per battle");
  }

  @Test
  void a_busy_model_fails_the_reply_without_naming_it_and_the_side_can_be_asked_again() throws Exception {
    start(",\"backend_requests_per_minute\":1");
    String id = JSON.readTree(send("POST", "/api/battles", "{}").body()).get("id").asText();
    send("POST", "/api/battles/" + id + "/messages", "{\"text\":\"hi\"}");
    String first = send("GET", "/api/battles/" + id + "/stream/a", null, "Accept", "text/event-stream").body();
    String second = send("GET", "/api/battles/" + id + "/stream/b", null, "Accept", "text/event-stream").body();
    // one reply per model per minute: a second stream of the same model in this battle would be busy;
    // the two sides are different models, so both went through, and a new battle's replies are refused
    assertThat(first).contains("done");
    assertThat(second).contains("done");
    String id2 = JSON.readTree(send("POST", "/api/battles", "{}").body()).get("id").asText();
    send("POST", "/api/battles/" + id2 + "/messages", "{\"text\":\"hi\"}");
    String busy = send("GET", "/api/battles/" + id2 + "/stream/a", null, "Accept", "text/event-stream").body();
    assertThat(busy).contains("event: failed").contains("replies per minute for one model");
    assertThat(busy).doesNotContain("alpha").doesNotContain("beta").doesNotContain(fake.base());
    // the side was not marked as streaming or failed: asking again gives the same neutral refusal, not "already streaming"
    assertThat(send("GET", "/api/battles/" + id2 + "/stream/a", null, "Accept", "text/event-stream").body())
        .contains("replies per minute for one model").doesNotContain("already streaming");
  }

  @Test
  void an_address_past_its_battle_limit_loses_its_own_oldest_battle_not_others() throws Exception {
    start(",\"trusted_proxy_header\":\"X-Forwarded-For\",\"sessions_per_client\":3,\"max_sessions\":10");
    String other = JSON.readTree(send("POST", "/api/battles", "{}", "X-Forwarded-For", "192.0.2.1").body()).get("id").asText();
    send("POST", "/api/battles/" + other + "/messages", "{\"text\":\"hi\"}", "X-Forwarded-For", "192.0.2.1");
    List<String> own = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      own.add(JSON.readTree(send("POST", "/api/battles", "{}", "X-Forwarded-For", "198.51.100.9").body()).get("id").asText());
    }
    assertThat(send("POST", "/api/battles/" + own.get(0) + "/messages", "{\"text\":\"hi\"}", "X-Forwarded-For", "198.51.100.9").statusCode())
        .isEqualTo(404);
    assertThat(send("POST", "/api/battles/" + own.get(3) + "/messages", "{\"text\":\"hi\"}", "X-Forwarded-For", "198.51.100.9").statusCode())
        .isEqualTo(200);
    // a flood of bare battles from many addresses fills the server (10 battles): bare battles go first, then
    // the largest holder's; the other user's conversation stays
    for (int a = 0; a < 30; a++) send("POST", "/api/battles", "{}", "X-Forwarded-For", "203.0.113." + a);
    assertThat(arena.sessionCounts()[0]).isLessThanOrEqualTo(10);
    assertThat(send("GET", "/api/battles/" + other + "/stream/a", null, "Accept", "text/event-stream", "X-Forwarded-For", "192.0.2.1").body())
        .contains("done");
    assertThat(send("GET", "/api/battles/" + own.get(3) + "/stream/a", null, "Accept", "text/event-stream", "X-Forwarded-For", "198.51.100.9").body())
        .contains("done");
  }
}
