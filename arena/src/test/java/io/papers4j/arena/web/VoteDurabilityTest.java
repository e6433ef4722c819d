package io.papers4j.arena.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.arena.store.ArenaStore;
import io.papers4j.arena.store.VoteRecord;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A vote is acknowledged only after it is durably stored: a bounded burst of battles is played over
 * loopback against {@code arena serve} in a child JVM, the child is killed with SIGKILL mid-burst,
 * restarted on the same SQLite file, and every acknowledged vote must be there exactly once.
 */
class VoteDurabilityTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  Process startChild(Path config, Path db, int port) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        DurabilityChild.class.getName(), "--config", config.toString(), "--db", "jdbc:sqlite:" + db, "--port", String.valueOf(port));
    pb.redirectErrorStream(true).redirectOutput(dir.resolve("child-" + System.nanoTime() + ".log").toFile());
    Process p = pb.start();
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (get(port, "/api/models").statusCode() == 200) return p;
      } catch (Exception notYet) {
        Thread.sleep(200);
      }
    }
    p.destroyForcibly();
    throw new AssertionError("child server did not start; log in " + dir);
  }

  HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(int port, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(3))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  void drainStream(int port, String path) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(3)).header("Accept", "text/event-stream").GET().build();
    var r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader br = new BufferedReader(new InputStreamReader(r.body()))) {
      while (br.readLine() != null) {
        // read to the end of the stream
      }
    }
  }

  /** One full battle ending in a vote; returns the vote id when the vote was acknowledged. */
  String battle(int port, int i) throws Exception {
    String id = JSON.readTree(post(port, "/api/battles", "{}").body()).get("id").asText();
    post(port, "/api/battles/" + id + "/messages", "{\"text\":\"question " + i + "\"}");
    drainStream(port, "/api/battles/" + id + "/stream/a");
    drainStream(port, "/api/battles/" + id + "/stream/b");
    var v = post(port, "/api/battles/" + id + "/vote", "{\"type\":\"" + (i % 2 == 0 ? "leftvote" : "rightvote") + "\"}");
    return v.statusCode() == 200 && JSON.readTree(v.body()).path("stored").asBoolean() ? id + "-1" : null;
  }

  @Test
  void every_acknowledged_vote_survives_sigkill_exactly_once() throws Exception {
    try (FakeOpenAi fake = new FakeOpenAi()) {
      Path config = dir.resolve("arena.json");
      Files.writeString(config, "{\"models\":[{\"name\":\"alpha\",\"api_base\":\"" + fake.base() + "\"},"
          + "{\"name\":\"beta\",\"api_base\":\"" + fake.base() + "\"}],\"votes_per_minute\":100000,\"requests_per_minute\":100000}");
      Path db = dir.resolve("arena.db");
      int port = freePort();
      Process child = startChild(config, db, port);
      ConcurrentLinkedQueue<String> acked = new ConcurrentLinkedQueue<>();
      AtomicInteger next = new AtomicInteger();
      int burst = 400;
      ExecutorService pool = Executors.newFixedThreadPool(4);
      for (int t = 0; t < 4; t++) {
        pool.submit(() -> {
          int i;
          while ((i = next.getAndIncrement()) < burst) {
            try {
              String v = battle(port, i);
              if (v != null) acked.add(v);
            } catch (Exception serverGone) {
              return null;
            }
          }
          return null;
        });
      }
      // kill mid-burst: once some votes were acknowledged and the burst is not over
      long deadline = System.currentTimeMillis() + 60_000;
      while (acked.size() < 20 && System.currentTimeMillis() < deadline) Thread.sleep(20);
      child.destroyForcibly(); // SIGKILL on Linux
      child.waitFor(10, TimeUnit.SECONDS);
      pool.shutdown();
      assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
      List<String> ackedIds = new ArrayList<>(acked);
      assertThat(ackedIds.size()).isBetween(20, burst - 1);

      // restart on the same file: the server comes back and the store holds every acknowledged vote once
      Process again = startChild(config, db, port);
      try {
        assertThat(get(port, "/api/leaderboard").statusCode()).isEqualTo(200);
      } finally {
        again.destroyForcibly();
        again.waitFor(10, TimeUnit.SECONDS);
      }
      try (ArenaStore store = ArenaStore.sqlite(db)) {
        List<String> stored = store.votes().stream().map(VoteRecord::id).toList();
        Set<String> unique = new HashSet<>(stored);
        assertThat(unique).hasSize(stored.size());
        assertThat(unique).containsAll(ackedIds);
        System.out.printf("durability: %d votes acknowledged before SIGKILL, %d stored%n", ackedIds.size(), stored.size());
      }
    }
  }
}
