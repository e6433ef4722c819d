package io.papers4j.lm.cli;

import io.javalin.Javalin;
import io.papers4j.core.cli.Benchmark;
import io.papers4j.core.report.Machine;
import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.lm.generate.ContinuousBatching;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import io.papers4j.lm.serve.ChatTemplate;
import io.papers4j.lm.serve.LmServer;
import io.papers4j.lm.train.CorpusTokens;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * {@code papers4j bench serve}: throughput and latency of {@code lm serve} over loopback at 1, 8
 * and 32 concurrent clients, with continuous batching (up to 32 rows) against the same model
 * served one request at a time ({@code --max-batch 1}).
 *
 * <p>Each client sends streaming {@code /v1/completions} requests one after another: a random
 * prompt of {@code --prompt} token ids, {@code --max-tokens} new tokens ({@code ignore_eos}, so
 * every request has the same length), greedy. Time to first token is the arrival of the first
 * chunk; latency is the whole request; throughput is generated tokens over wall time. Clients and
 * server share the JVM and the cores.
 *
 * <p>Options: {@code --preset small} (random init, vocabulary of the 2,048-token kjv BPE) or
 * {@code --model DIR}; {@code --prompt 32 --max-tokens 64 --clients 1,8,32 --requests 2} (requests
 * per client; at least 8 per run). {@code PAPERS4J_JAVA_OPTS=-Dpapers4j.threads=1} runs libtorch on
 * one thread (steadier on a machine shared with other jobs, where 2-thread OpenMP regions stall).
 */
public final class ServeBench implements Benchmark {

  @Override
  public String name() {
    return "serve";
  }

  @Override
  public String description() {
    return "lm serve over loopback: tokens/s, p50/p99 latency and time to first token at 1/8/32 clients, batched vs one at a time";
  }

  /** One run's numbers. */
  record Run(String mode, int clients, int requests, long tokens, double wallS, double p50, double p99, double ttft50,
      double ttft99, double stepMs, double meanRows, double prefillMsPerToken) {
    double tokensPerS() {
      return tokens / wallS;
    }
  }

  @Override
  public String run(List<String> args, PrintStream out) throws Exception {
    String preset = LmTrainBench.option(args, "--preset", "small");
    String dir = LmTrainBench.option(args, "--model", null);
    int promptLen = Integer.parseInt(LmTrainBench.option(args, "--prompt", "32"));
    int maxTokens = Integer.parseInt(LmTrainBench.option(args, "--max-tokens", "64"));
    int perClient = Integer.parseInt(LmTrainBench.option(args, "--requests", "2"));
    int[] clients = Arrays.stream(LmTrainBench.option(args, "--clients", "1,8,32").split(",")).mapToInt(Integer::parseInt).toArray();
    BpeTokenizer tok;
    LlamaModel model;
    String what;
    if (dir != null) {
      tok = ModelDir.tokenizer(Path.of(dir));
      model = LlamaCheckpoint.load(Path.of(dir));
      what = "checkpoint `" + dir + "`";
    } else {
      tok = CorpusTokens.load("kjv", 2048).tokenizer();
      model = new LlamaModel(LlamaConfig.preset(preset).withVocabSize(tok.vocabSize()), 1);
      what = "`" + preset + "` preset, random init, vocabulary " + tok.vocabSize();
    }
    int rows = Arrays.stream(clients).max().orElse(32);
    int seq = promptLen + maxTokens;
    double loadStart = Machine.load1();
    long t0 = System.nanoTime();
    List<Run> runs = new ArrayList<>();
    for (int c : clients) {
      for (String mode : List.of("one at a time", "batched")) {
        var o = new ContinuousBatching.Options(mode.equals("batched") ? rows : 1, seq, 1024, 64);
        LmServer server = new LmServer("bench", model, tok, ChatTemplate.Style.PLAIN, o);
        Javalin app = server.create().start("127.0.0.1", 0);
        try {
          measure(app.port(), model.config().vocabSize(), promptLen, maxTokens, 1, 1, mode); // warm-up
          long[] before = server.batching().counters();
          Run r = measure(app.port(), model.config().vocabSize(), promptLen, maxTokens, c, Math.max(perClient * c, 8), mode);
          long[] after = server.batching().counters();
          double steps = after[0] - before[0];
          r = new Run(r.mode(), r.clients(), r.requests(), r.tokens(), r.wallS(), r.p50(), r.p99(), r.ttft50(), r.ttft99(),
              (after[2] - before[2]) / 1e6 / steps, (after[1] - before[1]) / steps,
              (after[5] - before[5]) / 1e6 / Math.max(1, after[4] - before[4]));
          runs.add(r);
          out.printf(Locale.ROOT, "%-14s clients %2d: %3d requests, %6.1f tokens/s, latency p50 %6.0f ms p99 %6.0f ms, "
              + "TTFT p50 %6.0f ms p99 %6.0f ms; decode step %.1f ms at %.1f rows (load %.2f)%n", mode, c, r.requests(),
              r.tokensPerS(), r.p50(), r.p99(), r.ttft50(), r.ttft99(), r.stepMs(), r.meanRows(), Machine.load1());
        } finally {
          app.stop();
        }
      }
    }
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT, "`lm serve` on the %s (%,d parameters), %d-token prompts, %d generated tokens"
            + " per request (greedy, `ignore_eos`), streaming `/v1/completions` over loopback; each client sends its"
            + " requests one after another. Batched = continuous batching with up to %d rows; one at a time ="
            + " `--max-batch 1`. Clients run in the server's JVM on the same %d cores; libtorch intra-op threads: %d.%n%n",
        what, model.config().parameterCount(), promptLen, maxTokens, rows, Machine.cores(),
        org.bytedeco.pytorch.global.torch.get_num_threads()));
    md.append("| clients | mode | requests | tokens/s | latency p50 ms | latency p99 ms | TTFT p50 ms | TTFT p99 ms"
        + " | decode step ms (mean rows) | pre-fill ms/token | batched / one at a time |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < runs.size(); i++) {
      Run r = runs.get(i);
      String ratio = r.mode().equals("batched") && i > 0
          ? String.format(Locale.ROOT, "%.2f×", r.tokensPerS() / runs.get(i - 1).tokensPerS()) : "";
      md.append(String.format(Locale.ROOT, "| %d | %s | %d | %.1f | %.0f | %.0f | %.0f | %.0f | %.1f (%.1f) | %.2f | %s |%n",
          r.clients(), r.mode(), r.requests(), r.tokensPerS(), r.p50(), r.p99(), r.ttft50(), r.ttft99(), r.stepMs(),
          r.meanRows(), r.prefillMsPerToken(), ratio));
    }
    md.append(String.format(Locale.ROOT, "%nLoad average (1 min) %.2f at the start, %.2f at the end; %.0f s in all.%n",
        loadStart, Machine.load1(), (System.nanoTime() - t0) / 1e9));
    return md.toString();
  }

  /** {@code clients} threads send {@code requests} streaming completions in all. */
  static Run measure(int port, int vocab, int promptLen, int maxTokens, int clients, int requests, String mode) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    URI uri = URI.create("http://127.0.0.1:" + port + "/v1/completions");
    List<double[]> results = Collections.synchronizedList(new ArrayList<>()); // {latency ms, ttft ms, tokens}
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long start = System.nanoTime();
    List<Future<?>> fs = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      fs.add(pool.submit(() -> {
        for (int i; (i = next.getAndIncrement()) < requests; ) {
          SplittableRandom rng = new SplittableRandom(i);
          StringBuilder ids = new StringBuilder();
          for (int k = 0; k < promptLen; k++) ids.append(k == 0 ? "" : ",").append(rng.nextInt(vocab));
          String body = "{\"prompt\":[" + ids + "],\"max_tokens\":" + maxTokens + ",\"temperature\":0,\"ignore_eos\":true,"
              + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
          long t = System.nanoTime();
          HttpResponse<Stream<String>> r = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofLines());
          if (r.statusCode() != 200) throw new IllegalStateException("HTTP " + r.statusCode());
          double[] first = {-1};
          int[] tokens = {0};
          r.body().forEach(line -> {
            if (!line.startsWith("data: ")) return;
            if (first[0] < 0) first[0] = (System.nanoTime() - t) / 1e6;
            int u = line.indexOf("\"completion_tokens\":");
            if (u >= 0) tokens[0] = Integer.parseInt(line.substring(u + 20).replaceAll("[^0-9].*$", ""));
          });
          results.add(new double[] {(System.nanoTime() - t) / 1e6, first[0], tokens[0]});
        }
        return null;
      }));
    }
    for (Future<?> f : fs) f.get();
    double wall = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    double[] lat = results.stream().mapToDouble(x -> x[0]).sorted().toArray();
    double[] ttft = results.stream().mapToDouble(x -> x[1]).sorted().toArray();
    long tokens = (long) results.stream().mapToDouble(x -> x[2]).sum();
    return new Run(mode, clients, requests, tokens, wall, pct(lat, 50), pct(lat, 99), pct(ttft, 50), pct(ttft, 99), 0, 0, 0);
  }

  /** Nearest-rank percentile. */
  static double pct(double[] sorted, double p) {
    int k = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, k))];
  }
}
