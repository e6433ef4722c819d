package io.papers4j.lm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.papers4j.core.cli.Benchmark;
import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.tensor.Precision;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * {@code papers4j bench generate}: KV-cached greedy generation of the LLaMA {@code small} preset at
 * batch 1 and 16, f32 and bf16 (CPU autocast), prefill and decode timed separately, beside a
 * PyTorch eager loop of the same model ({@code bench/generate_torch.py} loads the weights this
 * benchmark writes) on the same machine and thread count.
 *
 * <p>Prefill: one forward of the (B, P) prompts into an empty cache (logits at every position, as
 * both sides compute them). Decode: N steps of one token per row, each a forward of (B, 1) and an
 * argmax of the last logits. Reported: prefill tokens/s, decode tokens/s (B per step) and decode
 * milliseconds per token (step time / B), median over repeats after a warm-up. Options (after
 * {@code --}): {@code --preset small --prompt 128 --new 32 --batches 1,16 --repeats 3 --rounds 1
 * --no-torch}.
 *
 * <p>{@code --rounds R} interleaves the engines: each round runs ours then the peer for one precision,
 * then the next precision, so both sides of a ratio are measured a few seconds apart. On a shared
 * machine whole steps drift ±20% from minute to minute; a ratio taken within a round shares the
 * drift, and the targets are judged on the median of the R per-round ratios. The table shows, per
 * row, the median over rounds of each round's median.
 */
public final class GenerateBench implements Benchmark {
  static final String TORCH_SCRIPT = "bench/generate_torch.py";

  /** One engine × precision × batch. */
  record Row(String engine, Precision precision, int batch, double prefillMs, double decodeStepMs, int prompt) {
    double prefillTokensPerS() {
      return batch * prompt / (prefillMs / 1000);
    }

    double decodeTokensPerS() {
      return batch / (decodeStepMs / 1000);
    }

    double msPerToken() {
      return decodeStepMs / batch;
    }
  }

  @Override
  public String name() {
    return "generate";
  }

  @Override
  public String description() {
    return "KV-cached generation, LLaMA small: prefill and decode tokens/s at batch 1 and 16, f32 and bf16, vs PyTorch eager";
  }

  @Override
  public String run(List<String> args, PrintStream out) throws Exception {
    String preset = LmTrainBench.option(args, "--preset", "small");
    int prompt = Integer.parseInt(LmTrainBench.option(args, "--prompt", "128"));
    int newTokens = Integer.parseInt(LmTrainBench.option(args, "--new", "32"));
    int repeats = Integer.parseInt(LmTrainBench.option(args, "--repeats", "3"));
    int rounds = Integer.parseInt(LmTrainBench.option(args, "--rounds", "1"));
    int[] batches = Arrays.stream(LmTrainBench.option(args, "--batches", "1,16").split(","))
        .mapToInt(Integer::parseInt).toArray();
    boolean withTorch = !args.contains("--no-torch");
    if (prompt < 1 || newTokens < 1 || repeats < 1 || rounds < 1) {
      throw new IllegalArgumentException("--prompt, --new, --repeats and --rounds must be >= 1");
    }
    LlamaConfig c = LlamaConfig.preset(preset);
    if (!c.rope().isDefault() || c.window() > 0) {
      throw new IllegalArgumentException("bench generate compares plain LLaMA shapes; preset '" + preset + "' uses a window or scaled RoPE");
    }
    Path script = Path.of(TORCH_SCRIPT);
    if (withTorch) LmTrainBench.checkTorch(script);
    String load = LmTrainBench.loadAverage();
    out.printf("papers4j: %s preset, prompt %d, %d new tokens, %d threads, load average %s%n", preset, prompt, newTokens,
        torch.get_num_threads(), load);
    torch.manual_seed(0);
    LlamaModel model = new LlamaModel(c, 0);
    List<List<Row>> perRound = new ArrayList<>();
    boolean sameModel = false;
    Path dir = withTorch ? Files.createTempDirectory("papers4j-bench-generate") : null;
    try {
      if (withTorch) {
        LlamaCheckpoint.save(model, dir.resolve("model"), Checkpoint.runInfo(Map.of("preset", preset), 0, "none", 0));
      }
      for (int round = 1; round <= rounds; round++) {
        if (rounds > 1) out.printf("round %d of %d, load average %s%n", round, rounds, LmTrainBench.loadAverage());
        List<Row> roundRows = new ArrayList<>();
        for (Precision p : Precision.values()) {
          for (int b : batches) {
            Row r = runOurs(model, p, b, prompt, newTokens, repeats);
            print(out, r);
            roundRows.add(r);
          }
          if (withTorch) { // the peer right after ours, at the same precision
            for (Row r : runTorch(script, dir.resolve("model"), batches, prompt, newTokens, repeats,
                torch.get_num_threads(), p)) {
              print(out, r);
              roundRows.add(r);
            }
          }
        }
        perRound.add(roundRows);
      }
      if (withTorch) {
        long[] ours = TorchPeer.checkTokens(model);
        sameModel = Arrays.equals(ours, peerCheckTokens);
        out.printf("greedy tokens from the prompt 0..15 (f32): papers4j %s, PyTorch %s: %s%n", Arrays.toString(ours),
            Arrays.toString(peerCheckTokens), sameModel ? "same" : "DIFFERENT");
      }
    } finally {
      if (dir != null) {
        try (var s = Files.walk(dir)) {
          s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
      }
    }
    List<Row> rows = acrossRounds(perRound);
    String loadEnd = LmTrainBench.loadAverage();
    String md = markdown(preset, c, prompt, newTokens, repeats, rows, perRound);
    if (withTorch) {
      md += "\nSame model on both sides: the 8 greedy float32 tokens from the prompt 0, 1, …, 15 are "
          + (sameModel ? "identical" : "**different**") + " (papers4j " + Arrays.toString(TorchPeer.checkTokens(model))
          + ", PyTorch " + Arrays.toString(peerCheckTokens) + ").\n";
    }
    out.print(perRound.size() > 1 ? roundTargets(perRound) : targets(rows));
    return md + "\nCPU: " + cpu(readCpuInfo()) + "; bfloat16 speed on both sides depends on these extensions.\n"
        + "\nLoad average (1, 5, 15 min) when the benchmark started: " + load + ", when it ended: " + loadEnd
        + " on " + Runtime.getRuntime().availableProcessors() + " cores; a load well above the core count means the"
        + " numbers were measured under load (shared machine) and are not the machine's quiet speed.\n";
  }

  /** /proc/cpuinfo, or "" where it cannot be read. */
  static String readCpuInfo() {
    try {
      return Files.readString(Path.of("/proc/cpuinfo"));
    } catch (java.io.IOException | RuntimeException e) {
      return "";
    }
  }

  /**
   * The CPU's model name and the vector extensions bfloat16 kernels use (AVX-512 BF16, AMX), read at
   * run time: the same machine name has been backed by different processors, with bf16 times 10-80×
   * apart between them.
   */
  static String cpu(String cpuInfo) {
    String model = "unknown";
    java.util.Set<String> flags = java.util.Set.of();
    for (String line : cpuInfo.split("\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) continue;
      String key = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      if (key.equals("model name") && model.equals("unknown")) model = value;
      if (key.equals("flags") && flags.isEmpty()) flags = new java.util.HashSet<>(Arrays.asList(value.split("\\s+")));
    }
    List<String> have = new ArrayList<>();
    for (String f : new String[] {"avx2", "avx512f", "avx512_bf16", "amx_bf16"}) {
      if (flags.contains(f)) have.add(f);
    }
    return model + " (" + (have.isEmpty() ? "none of avx2, avx512f, avx512_bf16, amx_bf16" : String.join(", ", have))
        + (flags.contains("avx512f") ? "" : "; no AVX-512") + ")";
  }

  /** Median prefill and decode-step times of {@code repeats} generations after one warm-up. */
  static Row runOurs(LlamaModel model, Precision p, int batch, int prompt, int newTokens, int repeats) {
    double[] prefill = new double[repeats];
    double[] step = new double[repeats];
    Tensor ids = torch.randint(model.config().vocabSize(), new long[] {batch, prompt}); // (B, P)
    ids.retainReference();
    try (NoGradGuard g = new NoGradGuard(); Precision.Region cast = p.autocast()) {
      for (int r = -1; r < repeats; r++) {
        LlamaModel.Cache cache = model.newCache(batch, prompt + newTokens);
        long t0 = System.nanoTime();
        Tensor next;
        try (PointerScope s = new PointerScope()) {
          Tensor logits = model.forward(ids, cache); // (B, P, V)
          next = logits.select(1, prompt - 1).argmax(new org.bytedeco.pytorch.LongOptional(-1), true); // (B, 1)
          next.retainReference();
          next.sum().item_long(); // read the result
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < newTokens; i++) {
          try (PointerScope s = new PointerScope()) {
            Tensor logits = model.forward(next, cache); // (B, 1, V)
            Tensor n2 = logits.select(1, 0).argmax(new org.bytedeco.pytorch.LongOptional(-1), true); // (B, 1)
            n2.retainReference();
            n2.sum().item_long();
            next.releaseReference();
            next = n2;
          }
        }
        long t2 = System.nanoTime();
        next.releaseReference();
        if (r >= 0) {
          prefill[r] = (t1 - t0) / 1e6;
          step[r] = (t2 - t1) / 1e6 / newTokens;
        }
      }
    }
    ids.releaseReference();
    return new Row("papers4j (libtorch 2.10 via JavaCPP)", p, batch, LmTrainBench.median(prefill),
        LmTrainBench.median(step), prompt);
  }

  /** The peer's greedy tokens from the prompt 0..15 (float32), set by {@link #runTorch}. */
  static long[] peerCheckTokens;

  static List<Row> runTorch(Path script, Path model, int[] batches, int prompt, int newTokens, int repeats, int threads)
      throws Exception {
    return runTorch(script, model, batches, prompt, newTokens, repeats, threads, null);
  }

  /** The peer's rows at one precision, or at every precision when {@code precision} is null. */
  static List<Row> runTorch(Path script, Path model, int[] batches, int prompt, int newTokens, int repeats, int threads,
      Precision precision) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(LmTrainBench.PYTHON, script.toString(), "--model", model.toString(),
        "--batches", String.join(",", Arrays.stream(batches).mapToObj(Integer::toString).toList()),
        "--prompt", "" + prompt, "--new", "" + newTokens, "--repeats", "" + repeats, "--threads", "" + threads));
    if (precision != null) cmd.addAll(List.of("--precisions", precision.id()));
    List<Row> rows = new ArrayList<>();
    for (JsonNode j : TorchPeer.run(cmd)) {
      if (j.has("check_tokens")) {
        peerCheckTokens = TorchPeer.longs(j.get("check_tokens"));
        continue;
      }
      rows.add(new Row(j.get("engine").asText(), Precision.parse(j.get("precision").asText()), j.get("batch").asInt(),
          j.get("prefill_ms").asDouble(), j.get("decode_step_ms").asDouble(), prompt));
    }
    return rows;
  }

  /**
   * One row per engine × precision × batch: the median over rounds of each round's prefill and step
   * medians (each taken separately), in the first round's order.
   */
  static List<Row> acrossRounds(List<List<Row>> perRound) {
    List<Row> out = new ArrayList<>();
    for (Row first : perRound.get(0)) {
      List<Row> same = perRound.stream().map(rs -> rs.stream().filter(r -> r.engine.equals(first.engine)
          && r.precision == first.precision && r.batch == first.batch).findFirst().orElseThrow()).toList();
      out.add(new Row(first.engine, first.precision, first.batch,
          LmTrainBench.median(same.stream().mapToDouble(Row::prefillMs).toArray()),
          LmTrainBench.median(same.stream().mapToDouble(Row::decodeStepMs).toArray()), first.prompt));
    }
    return out;
  }

  /**
   * Per precision and batch: papers4j's decode time per token over PyTorch's within each round, and
   * their median (the target, ≤ 1.0×); the same for prefill time.
   */
  static String roundTargets(List<List<Row>> perRound) {
    StringBuilder sb = new StringBuilder();
    for (Row ours : perRound.get(0)) {
      if (!ours.engine.startsWith("papers4j")) continue;
      List<double[]> ratios = new ArrayList<>(); // {decode, prefill} per round
      for (List<Row> rs : perRound) {
        Row o = find(rs, true, ours.precision, ours.batch);
        Row t = find(rs, false, ours.precision, ours.batch);
        if (o != null && t != null) ratios.add(new double[] {o.msPerToken() / t.msPerToken(), o.prefillMs / t.prefillMs});
      }
      if (ratios.isEmpty()) continue;
      double decode = LmTrainBench.median(ratios.stream().mapToDouble(r -> r[0]).toArray());
      double prefill = LmTrainBench.median(ratios.stream().mapToDouble(r -> r[1]).toArray());
      sb.append(String.format(Locale.ROOT, "- %s batch %d: **decode time per token %.2f× PyTorch's** (median of %d"
              + " interleaved rounds: %s; target ≤ 1.0×: %s), prefill time %.2f× (rounds: %s)%n", ours.precision.id(),
          ours.batch, decode, ratios.size(), list(ratios, 0), decode <= 1.0 ? "**met**" : "**not met**", prefill,
          list(ratios, 1)));
    }
    return sb.toString();
  }

  private static Row find(List<Row> rows, boolean papers4j, Precision p, int batch) {
    return rows.stream().filter(r -> r.engine.startsWith("papers4j") == papers4j && r.precision == p
        && r.batch == batch).findFirst().orElse(null);
  }

  private static String list(List<double[]> ratios, int i) {
    return String.join(", ", ratios.stream().map(r -> String.format(Locale.ROOT, "%.2f", r[i])).toList());
  }

  static String markdown(String preset, LlamaConfig c, int prompt, int newTokens, int repeats, List<Row> rows) {
    return markdown(preset, c, prompt, newTokens, repeats, rows, List.of(rows));
  }

  static String markdown(String preset, LlamaConfig c, int prompt, int newTokens, int repeats, List<Row> rows,
      List<List<Row>> perRound) {
    int rounds = perRound.size();
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT,
        "LLaMA `%s` preset (%,d parameters), greedy KV-cached generation of random prompts: prefill = one forward of"
            + " the (B, %d) prompts into an empty cache (logits at every position on both sides), decode = %d steps of"
            + " one token per row (forward of (B, 1) + argmax); median of %d runs after a warm-up, CPU. bf16 is CPU"
            + " autocast on both sides (float32 weights and KV cache, bfloat16 matmuls).%s%n%n",
        preset, c.parameterCount(), prompt, newTokens, repeats, rounds == 1 ? "" : String.format(Locale.ROOT,
            " %d interleaved rounds (per precision: ours, then the peer at once); each time in the table is the"
                + " median over the rounds, each ratio below the median of the %d per-round ratios.", rounds, rounds)));
    sb.append("| engine | precision | batch | prefill (ms) | prefill tokens/s | decode tokens/s | decode ms/token |\n"
        + "|---|---|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %.1f | %.0f | %.0f | %.2f |%n", r.engine, r.precision.id(),
          r.batch, r.prefillMs, r.prefillTokensPerS(), r.decodeTokensPerS(), r.msPerToken()));
    }
    sb.append('\n').append(rounds > 1 ? roundTargets(perRound) : targets(rows));
    sb.append("\nPyTorch peer: `bench/generate_torch.py` (Debian `python3-torch` 1.13, the same weights read from the"
        + " model.safetensors this benchmark writes; its model in `bench/llama_torch.py`; explicit softmax attention over a preallocated cache, as 1.13 has"
        + " no `scaled_dot_product_attention`).\n");
    return sb.toString();
  }

  /** Decode time per token of papers4j over PyTorch's, per precision and batch (target ≤ 1.0×). */
  static String targets(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    for (Row ours : rows) {
      if (!ours.engine.startsWith("papers4j")) continue;
      Row peer = rows.stream().filter(r -> !r.engine.startsWith("papers4j") && r.precision == ours.precision
          && r.batch == ours.batch).findFirst().orElse(null);
      if (peer == null) continue;
      double decode = ours.msPerToken() / peer.msPerToken();
      double prefill = ours.prefillMs / peer.prefillMs;
      sb.append(String.format(Locale.ROOT, "- %s batch %d: **decode time per token %.2f× PyTorch's** (target ≤ 1.0×: %s),"
              + " prefill time %.2f×%n", ours.precision.id(), ours.batch, decode, decode <= 1.0 ? "**met**" : "**not met**",
          prefill));
    }
    return sb.toString();
  }

  private static void print(PrintStream out, Row r) {
    out.printf(Locale.ROOT, "%-38s %-4s batch %2d  prefill %8.1f ms (%7.0f tokens/s)  decode %7.0f tokens/s, %6.2f ms/token%n",
        r.engine, r.precision.id(), r.batch, r.prefillMs, r.prefillTokensPerS(), r.decodeTokensPerS(), r.msPerToken());
  }
}
