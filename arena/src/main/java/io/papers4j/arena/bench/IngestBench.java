package io.papers4j.arena.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.papers4j.arena.store.ArenaStore;
import io.papers4j.arena.store.VoteRecord;
import io.papers4j.arena.web.Arena;
import io.papers4j.arena.web.ArenaApp;
import io.papers4j.arena.web.ArenaConfig;
import io.papers4j.arena.web.ChatBackend;
import io.papers4j.arena.web.Moderation;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * (b) vote ingest: V battles (plus min(V/4, 1000) warm-up battles whose votes are posted first and
 * not timed) are played to the point of voting (created, one message, both replies
 * streamed from an instant in-process backend), then C client threads post the V votes over
 * loopback HTTP/1.1 keep-alive to the real server with an SQLite file store (WAL,
 * synchronous=FULL, group commit: each vote is acknowledged only after the transaction holding it
 * committed). Throughput = V / wall time of the vote phase; latency per request; loss = acknowledged
 * votes missing from the store (checked id by id after the run).
 */
public final class IngestBench {
  private IngestBench() {}

  public static String run(int votes, int clients, PrintStream out) throws Exception {
    Path dir = Files.createTempDirectory("arena-bench");
    ArenaConfig cfg = new ArenaConfig(List.of(
        new ArenaConfig.ModelEndpoint("a", "http://unused", null, "a", 1),
        new ArenaConfig.ModelEndpoint("b", "http://unused", null, "b", 1)),
        List.of(), null, 24_000, 50, 0.7, 1.0, 1024, Integer.MAX_VALUE, Integer.MAX_VALUE, null, 50_000,
        Integer.MAX_VALUE, Integer.MAX_VALUE, 10, Integer.MAX_VALUE);
    ChatBackend instant = (msgs, onDelta) -> {
      onDelta.accept("ok");
      return "ok";
    };
    ObjectMapper json = new ObjectMapper();
    try (ArenaStore store = ArenaStore.sqlite(dir.resolve("arena.db"))) {
      Javalin app = ArenaApp.create(new Arena(cfg, store, Moderation.keywords(List.of()), m -> instant, 10)).start("127.0.0.1", 0);
      try {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String base = "http://127.0.0.1:" + app.port();
        List<String> ids = new ArrayList<>();
        int warmup = Math.min(votes / 4, 1000);
        for (int i = 0; i < votes + warmup; i++) {
          String id = json.readTree(post(http, base + "/api/battles", "{}").body()).get("id").asText();
          post(http, base + "/api/battles/" + id + "/messages", "{\"text\":\"q\"}");
          for (String side : new String[] {"a", "b"}) {
            http.send(HttpRequest.newBuilder(URI.create(base + "/api/battles/" + id + "/stream/" + side))
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofString());
          }
          ids.add(id);
        }
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        // warm-up (not timed, not counted): the first votes compile the vote path
        List<Future<?>> warm = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
          final int first = c;
          warm.add(pool.submit(() -> {
            for (int k = votes + first; k < votes + warmup; k += clients) postBlocking(base + "/api/battles/" + ids.get(k) + "/vote", VOTE);
            return null;
          }));
        }
        for (Future<?> f : warm) f.get();
        long storedBefore = store.count();
        long[] lat = new long[votes];
        boolean[] acked = new boolean[votes];
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long s0 = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
          final int first = c;
          fs.add(pool.submit(() -> {
            // each client posts every clients-th vote, one request at a time
            for (int k = first; k < votes; k += clients) {
              long a = System.nanoTime();
              int code = postBlocking(base + "/api/battles/" + ids.get(k) + "/vote", VOTE);
              lat[k] = System.nanoTime() - a;
              acked[k] = code == 200;
            }
            return null;
          }));
        }
        for (Future<?> f : fs) f.get();
        double secs = (System.nanoTime() - s0) / 1e9;
        // client and server share this process: CPU per vote bounds the rate on free cores
        double cpuMs = (os.getProcessCpuTime() - cpu0) / 1e6 / votes;
        pool.shutdown();
        Set<String> stored = new HashSet<>();
        for (VoteRecord v : store.votes()) stored.add(v.id());
        int storedTimed = stored.size() - (int) storedBefore;
        int ok = 0, lost = 0;
        for (int k = 0; k < votes; k++) {
          if (!acked[k]) continue;
          ok++;
          if (!stored.contains(ids.get(k) + "-1")) lost++;
        }
        Arrays.sort(lat);
        double p50 = lat[votes / 2] / 1e6, p99 = lat[(int) Math.min(votes - 1, Math.ceil(votes * 0.99) - 1)] / 1e6;
        double rate = votes / secs;
        out.printf(Locale.ROOT, "(b) %d votes, %d clients: %.0f votes/s, p50 %.1f ms, p99 %.1f ms, %.2f ms CPU/vote (client + server), acknowledged %d, stored %d, lost %d%n",
            votes, clients, rate, p50, p99, cpuMs, ok, storedTimed, lost);
        return String.format(Locale.ROOT,
            "**(b) Vote ingest** over loopback (HTTP/1.1 keep-alive through `HttpURLConnection`, Javalin, SQLite file store in WAL mode with synchronous=FULL, group commit: "
                + "a vote is acknowledged only after the transaction holding it committed), %d votes from %d client threads in the same JVM after an untimed warm-up of %d votes: "
                + "**%.0f votes/s**, p50 %.1f ms, p99 %.1f ms, %.2f ms of CPU per vote (client and server together); %d acknowledged, %d stored, **%d acknowledged votes missing** "
                + "(target ≥ 1,000 votes/s with zero loss: **%s**).%n",
            votes, clients, warmup, rate, p50, p99, cpuMs, ok, storedTimed, lost, rate >= 1000 && lost == 0 && ok == votes ? "met" : "not met");
      } finally {
        app.stop();
      }
    }
  }

  private static final byte[] VOTE = "{\"type\":\"leftvote\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  /**
   * One POST on the calling thread with {@link java.net.HttpURLConnection} (the JDK keeps the
   * connection alive per thread); it costs far less CPU per request than {@link HttpClient}'s
   * selector hand-offs, so less of the shared cores goes to the load generator.
   */
  private static int postBlocking(String url, byte[] body) throws Exception {
    var c = (java.net.HttpURLConnection) URI.create(url).toURL().openConnection();
    c.setRequestMethod("POST");
    c.setDoOutput(true);
    c.setRequestProperty("Content-Type", "application/json");
    c.setFixedLengthStreamingMode(body.length);
    try (var os = c.getOutputStream()) {
      os.write(body);
    }
    int code = c.getResponseCode();
    try (var in = code < 400 ? c.getInputStream() : c.getErrorStream()) {
      if (in != null) in.readAllBytes(); // drain, so the connection returns to the keep-alive cache
    }
    return code;
  }

  private static HttpResponse<String> post(HttpClient http, String url, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
