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
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real users voting while others attack, over loopback against the real server and a SQLite store.
 * Clients are told apart by {@code X-Forwarded-For} (the server trusts it here, as it would behind a
 * reverse proxy), so one process plays many addresses:
 *
 * <ul>
 *   <li>each real user first opens a battle and leaves it ready to vote, then plays full rounds
 *       (create, message, both streams, vote), and finally votes on that first battle; a battle
 *       evicted under the user is counted, not fatal;
 *   <li>battle flooders create battles in a loop from a rotating pool of addresses, more addresses
 *       than the limiters remember and more battles than the server keeps;
 *   <li>one regenerate flooder asks for regenerations in a loop from one address.
 * </ul>
 *
 * Reported: every acknowledged vote found in the store (id by id), real users' first battles still
 * there, limiter and battle counts against their bounds, requests served and refused.
 */
public final class AbuseBench {
  /** Sizes of one run. */
  public record Scenario(int realUsers, int roundsPerUser, int flooders, int floodAddresses, int maxSessions, int limiterClients) {}

  /** What a run measured. */
  public record Outcome(
      int votesAcknowledged,
      int votesLost,
      int firstBattlesLost,
      int roundsLost,
      int floodCreated,
      int floodRefused,
      int regenerationsServed,
      int regenerationsRefused,
      int maxLiveBattles,
      int maxLimiterEntries,
      double seconds,
      double roundP50Ms,
      double roundP99Ms) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ChatBackend INSTANT = (msgs, onDelta) -> {
    onDelta.accept("ok");
    return "ok";
  };

  private AbuseBench() {}

  public static Outcome run(Scenario sc, PrintStream out) throws Exception {
    Path dir = Files.createTempDirectory("arena-abuse");
    ArenaConfig cfg = ArenaConfig.parse(JSON.readTree("{\"models\":["
        + "{\"name\":\"a\",\"api_base\":\"http://unused\"},{\"name\":\"b\",\"api_base\":\"http://unused\"}],"
        + "\"trusted_proxy_header\":\"X-Forwarded-For\",\"max_sessions\":" + sc.maxSessions()
        + ",\"rate_limit_clients\":" + sc.limiterClients() + "}"));
    try (ArenaStore store = ArenaStore.sqlite(dir.resolve("arena.db"))) {
      Arena arena = new Arena(cfg, store, Moderation.keywords(List.of()), m -> INSTANT, 10);
      Javalin app = ArenaApp.create(arena).start("127.0.0.1", 0);
      String base = "http://127.0.0.1:" + app.port();
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      ExecutorService pool = Executors.newFixedThreadPool(sc.realUsers() + sc.flooders() + 1);
      AtomicBoolean usersDone = new AtomicBoolean();
      AtomicInteger floodCreated = new AtomicInteger(), floodRefused = new AtomicInteger();
      AtomicInteger regenServed = new AtomicInteger(), regenRefused = new AtomicInteger();
      AtomicInteger maxLive = new AtomicInteger(), maxLimiter = new AtomicInteger();
      List<String> acked = Collections.synchronizedList(new ArrayList<>());
      List<Long> rounds = Collections.synchronizedList(new ArrayList<>());
      AtomicInteger firstLost = new AtomicInteger(), roundsLost = new AtomicInteger();
      try {
        long t0 = System.nanoTime();
        List<Future<?>> flood = new ArrayList<>();
        for (int f = 0; f < sc.flooders(); f++) {
          final int first = f;
          flood.add(pool.submit(() -> {
            for (int k = first; !usersDone.get(); k += sc.flooders()) {
              String addr = "203.0." + (k % sc.floodAddresses() / 256) + "." + (k % sc.floodAddresses() % 256);
              int code = post(http, base + "/api/battles", "{}", addr).statusCode();
              (code == 201 ? floodCreated : floodRefused).incrementAndGet();
              maxLive.accumulateAndGet(arena.sessionCounts()[0], Math::max);
              maxLimiter.accumulateAndGet(arena.limiterEntries(), Math::max);
            }
            return null;
          }));
        }
        flood.add(pool.submit(() -> {
          String addr = "198.51.100.7";
          String id = battle(http, base, addr);
          while (!usersDone.get()) {
            HttpResponse<String> r = post(http, base + "/api/battles/" + id + "/regenerate", "{}", addr);
            if (r.statusCode() == 200) {
              regenServed.incrementAndGet();
              streams(http, base, id, addr);
            } else {
              regenRefused.incrementAndGet();
              if (r.statusCode() == 400) { // this battle's regeneration limit: open another when allowed
                try {
                  id = battle(http, base, addr);
                } catch (IllegalStateException refused) {
                  Thread.sleep(50);
                }
              }
              if (r.statusCode() == 429) Thread.sleep(50);
            }
          }
          return null;
        }));
        List<Future<?>> users = new ArrayList<>();
        for (int u = 0; u < sc.realUsers(); u++) {
          final String addr = "192.0.2." + (u + 1);
          users.add(pool.submit(() -> {
            String first;
            try {
              first = battle(http, base, addr);
            } catch (IllegalStateException evicted) {
              firstLost.incrementAndGet();
              first = null;
            }
            // play the rounds only once the flood has filled the server: evictions are then under way
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (floodCreated.get() < sc.maxSessions()) {
              if (System.nanoTime() > deadline) throw new IllegalStateException("the flood did not fill the server within 60 s");
              Thread.sleep(5);
            }
            for (int r = 0; r < sc.roundsPerUser(); r++) {
              long a = System.nanoTime();
              String id;
              try {
                id = battle(http, base, addr);
              } catch (IllegalStateException evicted) {
                roundsLost.incrementAndGet();
                continue;
              }
              if (post(http, base + "/api/battles/" + id + "/vote", "{\"type\":\"leftvote\"}", addr).statusCode() == 200) acked.add(id + "-1");
              rounds.add(System.nanoTime() - a);
            }
            if (first != null) {
              HttpResponse<String> v = post(http, base + "/api/battles/" + first + "/vote", "{\"type\":\"tievote\"}", addr);
              if (v.statusCode() == 200) acked.add(first + "-1");
              else firstLost.incrementAndGet();
            }
            return null;
          }));
        }
        for (Future<?> f : users) f.get();
        usersDone.set(true);
        for (Future<?> f : flood) f.get();
        double secs = (System.nanoTime() - t0) / 1e9;
        Set<String> stored = new HashSet<>();
        for (VoteRecord v : store.votes()) stored.add(v.id());
        int lost = 0;
        for (String id : acked) if (!stored.contains(id)) lost++;
        long[] lat = rounds.stream().mapToLong(Long::longValue).sorted().toArray();
        double p50 = lat.length == 0 ? Double.NaN : lat[lat.length / 2] / 1e6;
        double p99 = lat.length == 0 ? Double.NaN : lat[(int) Math.min(lat.length - 1, Math.ceil(lat.length * 0.99) - 1)] / 1e6;
        Outcome o = new Outcome(acked.size(), lost, firstLost.get(), roundsLost.get(), floodCreated.get(), floodRefused.get(), regenServed.get(),
            regenRefused.get(), maxLive.get(), maxLimiter.get(), secs, p50, p99);
        out.printf(Locale.ROOT, "(c) abuse: %s%n", o);
        return o;
      } finally {
        pool.shutdownNow();
        app.stop();
      }
    }
  }

  /** The markdown paragraph of a run for BENCHMARKS.md. */
  public static String describe(Scenario sc, Outcome o) {
    return String.format(Locale.ROOT,
        "**(c) Load and abuse** over loopback (instant backends, SQLite store; clients told apart by X-Forwarded-For): %d real users "
            + "× %d full rounds (create, message, two streams, vote) plus a vote on a battle each opened first, while %d threads flood "
            + "battle creation from %d addresses (server keeps %d battles, limiters %d addresses) and one address loops on regenerate. "
            + "%.1f s; real-user round p50 %.1f ms, p99 %.1f ms; **%d votes acknowledged, %d missing from the store; %d first battles "
            + "and %d rounds lost to eviction**; flood battles created %d, refused %d (429); regenerations served %d, refused %d; at most %d live battles and "
            + "%d limiter entries seen.%n",
        sc.realUsers(), sc.roundsPerUser(), sc.flooders(), sc.floodAddresses(), sc.maxSessions(), sc.limiterClients(), o.seconds(),
        o.roundP50Ms(), o.roundP99Ms(), o.votesAcknowledged(), o.votesLost(), o.firstBattlesLost(), o.roundsLost(), o.floodCreated(), o.floodRefused(),
        o.regenerationsServed(), o.regenerationsRefused(), o.maxLiveBattles(), o.maxLimiterEntries());
  }

  /** Creates a battle, sends a message and streams both sides: ready to vote. */
  private static String battle(HttpClient http, String base, String addr) throws Exception {
    HttpResponse<String> r = post(http, base + "/api/battles", "{}", addr);
    if (r.statusCode() != 201) throw new IllegalStateException("battle creation refused for a real user: " + r.statusCode() + " " + r.body());
    String id = JSON.readTree(r.body()).get("id").asText();
    HttpResponse<String> m = post(http, base + "/api/battles/" + id + "/messages", "{\"text\":\"q\"}", addr);
    if (m.statusCode() != 200) throw new IllegalStateException("message refused: " + m.statusCode() + " " + m.body());
    streams(http, base, id, addr);
    return id;
  }

  private static void streams(HttpClient http, String base, String id, String addr) throws Exception {
    for (String side : new String[] {"a", "b"}) {
      http.send(HttpRequest.newBuilder(URI.create(base + "/api/battles/" + id + "/stream/" + side))
          .header("Accept", "text/event-stream").header("X-Forwarded-For", addr).build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  private static HttpResponse<String> post(HttpClient http, String url, String body, String addr) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json").header("X-Forwarded-For", addr)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
