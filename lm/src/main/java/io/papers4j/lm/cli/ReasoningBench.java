package io.papers4j.lm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.papers4j.core.io.AtomicFiles;
import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.nn.Init;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaModel;
import io.papers4j.lm.reasoning.CharTokenizer;
import io.papers4j.lm.reasoning.Problem;
import io.papers4j.lm.reasoning.Rollouts;
import io.papers4j.lm.reasoning.Sft;
import io.papers4j.lm.reasoning.SyntheticProblems;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.bytedeco.pytorch.global.torch;

/**
 * {@code papers4j bench reasoning}: sampled tokens/s of the rl-reasoning model (the 2-layer C = 128
 * character LLaMA, {@link Sft#tinyConfig()}) with the KV cache at batch 16 and 64, as the RL loop
 * samples: temperature 1, the calculator's {@code value>>} forced after every {@code <<expr=}, each
 * row stopping at its end token or after N sampled tokens ({@link Rollouts}), on held-out synthetic
 * questions; beside a PyTorch eager loop of the same model and the same rows
 * ({@code bench/reasoning_torch.py}) on the same machine and thread count.
 *
 * <p>The model is trained first for {@code --sft-steps} SFT steps on synthetic gold solutions (so
 * the samples look like solutions and call the calculator), or read from {@code --model DIR}.
 * Reported per engine and batch: completion tokens/s (sampled + calculator, per second of a whole
 * batch), sampled tokens/s, median over repeats after a warm-up. The sampled texts differ between
 * the engines (different random streams), hence the rates and not the times are compared. Options
 * (after {@code --}): {@code --batches 16,64 --new 150 --repeats 3 --sft-steps 150 --model DIR --no-torch}.
 */
public final class ReasoningBench implements io.papers4j.core.cli.Benchmark {
  static final String TORCH_SCRIPT = "bench/reasoning_torch.py";

  /** One engine × batch: the median run's seconds, completion tokens and sampled tokens. */
  record Row(String engine, int batch, double seconds, long tokens, long sampled) {
    double tokensPerS() {
      return tokens / seconds;
    }

    double sampledPerS() {
      return sampled / seconds;
    }
  }

  @Override
  public String name() {
    return "reasoning";
  }

  @Override
  public String description() {
    return "rl-reasoning sampling (temperature 1, calculator in the loop, KV cache): tokens/s at batch 16 and 64 vs PyTorch eager";
  }

  @Override
  public String run(List<String> args, PrintStream out) throws Exception {
    int[] batches = Arrays.stream(LmTrainBench.option(args, "--batches", "16,64").split(",")).mapToInt(Integer::parseInt).toArray();
    int newTokens = Integer.parseInt(LmTrainBench.option(args, "--new", "150"));
    int repeats = Integer.parseInt(LmTrainBench.option(args, "--repeats", "3"));
    int sftSteps = Integer.parseInt(LmTrainBench.option(args, "--sft-steps", "150"));
    String modelDir = LmTrainBench.option(args, "--model", null);
    boolean withTorch = !args.contains("--no-torch");
    if (newTokens < 1 || repeats < 1 || sftSteps < 0 || Arrays.stream(batches).anyMatch(b -> b < 1))
      throw new IllegalArgumentException("--batches, --new and --repeats must be >= 1 and --sft-steps >= 0");
    Path script = Path.of(TORCH_SCRIPT);
    if (withTorch) LmTrainBench.checkTorch(script);
    String load = LmTrainBench.loadAverage();
    LlamaModel model = model(modelDir, sftSteps);
    int maxBatch = Arrays.stream(batches).max().getAsInt();
    List<long[]> prompts = prompts(maxBatch);
    out.printf("papers4j: reasoning model (%,d parameters), %d sampled tokens per row, temperature 1, calculator on, %d threads,"
        + " load average %s%n", model.config().parameterCount(), newTokens, torch.get_num_threads(), load);
    List<Row> rows = new ArrayList<>();
    for (int b : batches) {
      Row r = runOurs(model, prompts.subList(0, b), newTokens, repeats);
      print(out, r);
      rows.add(r);
    }
    boolean sameModel = false;
    long[] peerCheck = null;
    long[] ours = TorchPeer.checkTokens(model);
    if (withTorch) {
      Path dir = Files.createTempDirectory("papers4j-bench-reasoning");
      try {
        LlamaCheckpoint.save(model, dir.resolve("model"), Checkpoint.runInfo(Map.of("sft_steps", sftSteps), 0, "none", 0));
        AtomicFiles.writeString(dir.resolve("prompts.json"), promptsJson(prompts));
        List<String> cmd = List.of(LmTrainBench.PYTHON, script.toString(), "--model", dir.resolve("model").toString(), "--prompts",
            dir.resolve("prompts.json").toString(), "--batches", Arrays.stream(batches).mapToObj(Integer::toString)
                .collect(Collectors.joining(",")), "--new", "" + newTokens, "--repeats", "" + repeats, "--threads",
            "" + torch.get_num_threads());
        for (JsonNode j : TorchPeer.run(cmd)) {
          if (j.has("check_tokens")) {
            peerCheck = TorchPeer.longs(j.get("check_tokens"));
            continue;
          }
          Row r = new Row(j.get("engine").asText(), j.get("batch").asInt(), j.get("seconds").asDouble(), j.get("tokens").asLong(),
              j.get("sampled").asLong());
          print(out, r);
          rows.add(r);
        }
        sameModel = Arrays.equals(ours, peerCheck);
        out.printf("greedy tokens from the prompt 0..15: papers4j %s, PyTorch %s: %s%n", Arrays.toString(ours),
            Arrays.toString(peerCheck), sameModel ? "same" : "DIFFERENT");
      } finally {
        try (var s = Files.walk(dir)) {
          s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
      }
    }
    String loadEnd = LmTrainBench.loadAverage();
    out.print(ratios(rows));
    String md = markdown(model, modelDir, sftSteps, newTokens, repeats, rows);
    if (withTorch) {
      md += "\nSame model on both sides: the 8 greedy tokens from the prompt 0, 1, …, 15 are "
          + (sameModel ? "identical" : "**different**") + " (papers4j " + Arrays.toString(ours) + ", PyTorch "
          + Arrays.toString(peerCheck) + ").\n";
    }
    return md + "\nLoad average (1, 5, 15 min) when the benchmark started: " + load + ", when it ended: " + loadEnd + " on "
        + Runtime.getRuntime().availableProcessors() + " cores; a load well above the core count means the numbers were"
        + " measured under load (shared machine) and are not the machine's quiet speed.\n";
  }

  /** The reasoning model: read from {@code dir}, or SFT for {@code steps} steps on 500 synthetic gold solutions. */
  static LlamaModel model(String dir, int steps) {
    if (dir != null) {
      Path p = Path.of(dir);
      if (!Files.isDirectory(p)) throw new IllegalArgumentException("--model: no such directory: " + dir);
      LlamaModel m = LlamaCheckpoint.load(p);
      if (m.config().vocabSize() != CharTokenizer.VOCAB)
        throw new IllegalArgumentException("--model " + dir + " is not a reasoning checkpoint (vocab " + m.config().vocabSize() + ")");
      return m;
    }
    LlamaModel m = new LlamaModel(Sft.tinyConfig(), Init.normal(17, 0.02), null);
    if (steps == 0) return m;
    List<Problem> gold = SyntheticProblems.generate(500, 2, 3, 18, SyntheticProblems.hashes(SyntheticProblems.generate(1000, 2, 3, 1, Set.of())));
    try (ProgressBar bar = new ProgressBar("bench reasoning sft", steps, "seq")) {
      Sft.fit(m, Sft.gold(gold), new Sft.Fit(steps, 16, 2e-3, 17), bar);
    }
    return m;
  }

  /** Prompts of {@code n} held-out synthetic questions (seed 1, 2-3 steps), one per row. */
  static List<long[]> prompts(int n) {
    List<long[]> out = new ArrayList<>(n);
    for (Problem p : SyntheticProblems.generate(n, 2, 3, 1, Set.of())) out.add(Sft.prompt(p.question(), null));
    return out;
  }

  static String promptsJson(List<long[]> prompts) {
    return prompts.stream().map(p -> Arrays.stream(p).mapToObj(Long::toString).collect(Collectors.joining(",", "[", "]")))
        .collect(Collectors.joining(",", "{\"prompts\": [", "]}\n"));
  }

  /** The median run (by completion tokens/s) of {@code repeats} after one warm-up. */
  static Row runOurs(LlamaModel model, List<long[]> prompts, int newTokens, int repeats) {
    List<Row> runs = new ArrayList<>();
    for (int r = -1; r < repeats; r++) {
      long t0 = System.nanoTime();
      List<Rollouts.Completion> cs = Rollouts.run(model, prompts, new Rollouts.Settings(1.0, newTokens, true, 1000 + r));
      double s = (System.nanoTime() - t0) / 1e9;
      long tokens = 0;
      long sampled = 0;
      for (Rollouts.Completion c : cs) {
        tokens += c.tokens().length;
        for (boolean a : c.action()) if (a) sampled++;
      }
      if (r >= 0) runs.add(new Row("papers4j (libtorch 2.10 via JavaCPP)", prompts.size(), s, tokens, sampled));
    }
    runs.sort(java.util.Comparator.comparingDouble(Row::tokensPerS));
    return runs.get(runs.size() / 2);
  }

  /** Our completion tokens/s over PyTorch's, per batch. */
  static String ratios(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    for (Row ours : rows) {
      if (!ours.engine.startsWith("papers4j")) continue;
      rows.stream().filter(r -> !r.engine.startsWith("papers4j") && r.batch == ours.batch).findFirst().ifPresent(peer ->
          sb.append(String.format(Locale.ROOT, "- batch %d: papers4j samples **%.2f×** PyTorch eager's completion tokens/s"
              + " (%.0f vs %.0f)%n", ours.batch, ours.tokensPerS() / peer.tokensPerS(), ours.tokensPerS(), peer.tokensPerS())));
    }
    return sb.toString();
  }

  static String markdown(LlamaModel model, String modelDir, int sftSteps, int newTokens, int repeats, List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "The rl-reasoning model (2-layer C = 128 character LLaMA, %,d parameters; %s) sampling"
            + " solutions to held-out synthetic questions as the RL loop does: KV cache, temperature 1, the calculator's"
            + " `value>>` forced after every `<<expr=`, each row stopping at its end token or after %d sampled tokens;"
            + " the prompts are pre-filled up to the shortest and the rest fed token by token. Rates are per second of a"
            + " whole batch (until its last row stops); completion tokens = sampled + calculator tokens. Median of %d runs"
            + " after a warm-up, CPU, float32.%n%n", model.config().parameterCount(),
        modelDir != null ? "read from " + modelDir : sftSteps + " SFT steps on synthetic gold solutions first", newTokens, repeats));
    sb.append("| engine | batch | completion tokens/s | sampled tokens/s | tokens (sampled) in the median run | seconds |\n"
        + "|---|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %d (%d) | %.2f |%n", r.engine, r.batch, r.tokensPerS(),
          r.sampledPerS(), r.tokens, r.sampled, r.seconds));
    }
    sb.append('\n').append(ratios(rows));
    sb.append("\nPyTorch peer: `bench/reasoning_torch.py` (Debian `python3-torch` 1.13; the model in `bench/llama_torch.py`,"
        + " shared with `bench generate`'s peer, reads the model.safetensors this benchmark writes; the same rollout loop,"
        + " `torch.multinomial` over all rows per step and the calculator in Python). The sampled texts differ (separate"
        + " random streams), so rates are compared, not times.\n");
    return sb.toString();
  }

  private static void print(PrintStream out, Row r) {
    out.printf(Locale.ROOT, "%-38s batch %2d  %7.0f completion tokens/s  %7.0f sampled tokens/s  (%d tokens, %d sampled, %.2f s)%n",
        r.engine, r.batch, r.tokensPerS(), r.sampledPerS(), r.tokens, r.sampled, r.seconds);
  }
}
