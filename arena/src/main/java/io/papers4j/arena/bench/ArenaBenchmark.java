package io.papers4j.arena.bench;

import io.javalin.Javalin;
import io.papers4j.arena.sim.Simulator;
import io.papers4j.arena.stats.Battle;
import io.papers4j.arena.stats.Bootstrap;
import io.papers4j.arena.stats.BradleyTerry;
import io.papers4j.arena.stats.PairCounts;
import io.papers4j.arena.stats.RatingScale;
import io.papers4j.arena.store.ArenaStore;
import io.papers4j.arena.web.Arena;
import io.papers4j.arena.web.ArenaApp;
import io.papers4j.arena.web.ArenaConfig;
import io.papers4j.arena.web.ChatBackend;
import io.papers4j.arena.web.Moderation;
import io.papers4j.core.cli.Benchmark;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code papers4j bench arena [--battles N] [--models M] [--rounds R] [--votes V]}:
 * (a) leaderboard recompute — BT fit plus R bootstrap rounds on N synthetic battles among M models
 * (issue target: under 10 s for 1,000,000 battles, 50 models, 100 rounds on 2 cores);
 * (b) vote ingest over loopback — V votes on finished battles posted by 8 client threads to the real
 * server with an SQLite file store (target: ≥ 1,000 votes/s, zero loss), with p50/p99 latency.
 */
public final class ArenaBenchmark implements Benchmark {
  @Override
  public String name() {
    return "arena";
  }

  @Override
  public String description() {
    return "Arena leaderboard recompute (BT + bootstrap on 1M battles) and vote ingest throughput/latency";
  }

  @Override
  public String run(List<String> args, PrintStream out) throws Exception {
    int battles = intArg(args, "--battles", 1_000_000);
    int models = intArg(args, "--models", 50);
    int rounds = intArg(args, "--rounds", 100);
    int votes = intArg(args, "--votes", 2000);
    StringBuilder md = new StringBuilder();
    int cores = Runtime.getRuntime().availableProcessors();

    // (a)
    Simulator sim = Simulator.beta(models, 2, 1);
    List<Battle> data = sim.uniformBattles(battles, new SplittableRandom(2));
    long t0 = System.nanoTime();
    PairCounts pc = PairCounts.of(data);
    BradleyTerry.DEFAULT.fit(pc);
    long t1 = System.nanoTime();
    var boot = Bootstrap.bradleyTerry(data, BradleyTerry.DEFAULT, RatingScale.FASTCHAT, rounds, 0, Bootstrap.Resampling.TRIPLES);
    long t2 = System.nanoTime();
    double fit = (t1 - t0) / 1e9, bootS = (t2 - t1) / 1e9;
    out.printf(Locale.ROOT, "(a) %,d battles, %d models: BT fit %.2f s, %d bootstrap rounds %.2f s, total %.2f s (%d cores)%n",
        battles, models, fit, rounds, bootS, fit + bootS, cores);
    md.append(String.format(Locale.ROOT,
        "(a) Leaderboard recompute, %,d synthetic battles among %d models (%d unique triples), %d cores: BT fit (incl. collapsing to triples) %.2f s, "
            + "%d multinomial bootstrap rounds %.2f s, **total %.2f s** (target < 10 s).%n%n",
        battles, models, pc.size(), cores, fit, rounds, bootS, fit + bootS));
    if (boot.ratings().length != rounds) throw new IllegalStateException("bootstrap returned the wrong number of rounds");

    // (b)
    Path dir = Files.createTempDirectory("arena-bench");
    ArenaConfig cfg = new ArenaConfig(List.of(
        new ArenaConfig.ModelEndpoint("a", "http://unused", null, "a", 1),
        new ArenaConfig.ModelEndpoint("b", "http://unused", null, "b", 1)),
        List.of(), null, 24_000, 50, 0.7, 1.0, 1024, Integer.MAX_VALUE);
    ChatBackend instant = (msgs, onDelta) -> {
      onDelta.accept("ok");
      return "ok";
    };
    try (ArenaStore store = ArenaStore.sqlite(dir.resolve("arena.db"))) {
      Javalin app = ArenaApp.create(new Arena(cfg, store, Moderation.keywords(List.of()), m -> instant, 10)).start("127.0.0.1", 0);
      try {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + app.port();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < votes; i++) {
          String id = new com.fasterxml.jackson.databind.ObjectMapper().readTree(send(http, base + "/api/battles", "{}").body()).get("id").asText();
          send(http, base + "/api/battles/" + id + "/messages", "{\"text\":\"q\"}");
          for (String side : new String[] {"a", "b"}) {
            http.send(HttpRequest.newBuilder(URI.create(base + "/api/battles/" + id + "/stream/" + side))
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofString());
          }
          ids.add(id);
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        long[] lat = new long[votes];
        long s0 = System.nanoTime();
        List<Future<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < votes; i++) {
          final int k = i;
          fs.add(pool.submit(() -> {
            long a = System.nanoTime();
            int code = send(http, base + "/api/battles/" + ids.get(k) + "/vote", "{\"type\":\"leftvote\"}").statusCode();
            lat[k] = System.nanoTime() - a;
            return code;
          }));
        }
        int ok = 0;
        for (Future<Integer> f : fs) if (f.get() == 200) ok++;
        double secs = (System.nanoTime() - s0) / 1e9;
        pool.shutdown();
        long stored = store.count();
        Arrays.sort(lat);
        double p50 = lat[votes / 2] / 1e6, p99 = lat[(int) Math.min(votes - 1, Math.ceil(votes * 0.99) - 1)] / 1e6;
        out.printf(Locale.ROOT, "(b) %d votes, 8 clients: %.0f votes/s, p50 %.1f ms, p99 %.1f ms, acknowledged %d, stored %d%n",
            votes, votes / secs, p50, p99, ok, stored);
        md.append(String.format(Locale.ROOT,
            "(b) Vote ingest over loopback, SQLite file store (WAL, synchronous=FULL, group commit: a vote is acknowledged after its batch commits), 8 client threads, %d votes: "
                + "**%.0f votes/s**, p50 %.1f ms, p99 %.1f ms; %d acknowledged, %d stored (loss: %d; target ≥ 1,000 votes/s).%n",
            votes, votes / secs, p50, p99, ok, stored, ok - stored));
      } finally {
        app.stop();
      }
    }
    md.append("\nMeasured under load (shared 2-core machine, several builds running).\n");
    return md.toString();
  }

  private static HttpResponse<String> send(HttpClient http, String url, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int intArg(List<String> args, String name, int dflt) {
    int i = args.indexOf(name);
    if (i < 0) return dflt;
    if (i + 1 >= args.size()) throw new IllegalArgumentException(name + " needs a value");
    try {
      return Integer.parseInt(args.get(i + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got " + args.get(i + 1));
    }
  }
}
