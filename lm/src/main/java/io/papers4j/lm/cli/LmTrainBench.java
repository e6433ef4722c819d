package io.papers4j.lm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.cli.Benchmark;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.optim.GradClip;
import io.papers4j.core.train.PeakRss;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * {@code papers4j bench lm-train}: time of one LLaMA training step (zero grads, forward,
 * cross-entropy, backward, clip to norm 1, AdamW) for the {@code small} preset at batch 8 × 128,
 * here and in PyTorch eager ({@code bench/lm_train_torch.py} with Debian's {@code python3-torch})
 * on the same machine, same shapes, same thread count.
 *
 * <p>Options (after {@code --}): {@code --preset small --batch 8 --seq 128 --steps 10 --warmup 3
 * --no-torch --allow-reference-blas}. The peer needs {@code apt-get install python3-torch
 * libopenblas0-openmp}: without an optimised BLAS Debian's PyTorch runs on the reference BLAS,
 * which the benchmark refuses as an unfair comparison.
 */
public final class LmTrainBench implements Benchmark {
  static final String TORCH_SCRIPT = "bench/lm_train_torch.py";
  static final String PYTHON = "/usr/bin/python3";

  /** One engine's numbers. */
  record Numbers(
      String engine, int threads, long params, double msPerStep, double cpuMsPerStep, double tokensPerS,
      double peakRssMb, String blas) {}

  @Override
  public String name() {
    return "lm-train";
  }

  @Override
  public String description() {
    return "LLaMA small (10.5M) training step at 8x128: ms/step, tokens/s, peak RSS vs PyTorch eager";
  }

  @Override
  public String run(List<String> args, PrintStream out) throws Exception {
    String preset = option(args, "--preset", "small");
    int batch = Integer.parseInt(option(args, "--batch", "8"));
    int seq = Integer.parseInt(option(args, "--seq", "128"));
    int steps = Integer.parseInt(option(args, "--steps", "10"));
    int warmup = Integer.parseInt(option(args, "--warmup", "3"));
    boolean withTorch = !args.contains("--no-torch");
    LlamaConfig c = LlamaConfig.preset(preset);
    if (!c.rope().isDefault() || c.window() > 0 || c.numKeyValueHeads() != c.numAttentionHeads()) {
      throw new IllegalArgumentException(
          "bench lm-train compares plain LLaMA shapes; preset '" + preset + "' uses GQA, a window or scaled RoPE");
    }
    // Check the peer before spending minutes on our side.
    Path script = Path.of(TORCH_SCRIPT);
    if (withTorch) checkTorch(script);

    String load = loadAverage();
    out.printf("papers4j: %s preset, batch %d x %d, %d threads, load average %s%n", preset, batch, seq,
        torch.get_num_threads(), load);
    Numbers ours = runOurs(c, batch, seq, steps, warmup, out);
    print(out, ours);
    Numbers theirs = null;
    if (withTorch) {
      theirs = runTorch(script, c, batch, seq, steps, warmup, torch.get_num_threads());
      print(out, theirs);
      out.println("  PyTorch BLAS: " + theirs.blas);
      if (theirs.blas.contains("/blas/libblas.so") && !args.contains("--allow-reference-blas")) {
        // Debian's python3-torch calls whatever libblas.so.3 the alternatives system selects; the
        // reference Fortran BLAS is ~10x slower, which would flatter us.
        throw new IllegalStateException(
            "the PyTorch peer ran on the reference BLAS (" + theirs.blas + "), not a fair comparison;"
                + " install an optimised one with: apt-get install libopenblas0-openmp"
                + " (or pass --allow-reference-blas)");
      }
      out.printf(Locale.ROOT, "ratio (ours / PyTorch ms per step): %.2fx%n", ours.msPerStep / theirs.msPerStep);
    }
    String md = markdown(preset, batch, seq, steps, warmup, ours, theirs);
    return md + "\nLoad average (1, 5, 15 min) when the benchmark started: " + load + " on "
        + Runtime.getRuntime().availableProcessors() + " cores; a load well above the core count means the numbers"
        + " were measured under load (shared machine) and are not the machine's quiet speed.\n";
  }

  /** /proc/loadavg's first three fields, or "unknown". */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + ", " + f[1] + ", " + f[2];
    } catch (Exception e) {
      return "unknown";
    }
  }

  static Numbers runOurs(LlamaConfig c, int batch, int seq, int steps, int warmup, PrintStream out) {
    torch.manual_seed(0);
    LlamaModel model = new LlamaModel(c, 0);
    AdamW opt = new AdamW(model.namedParameters(), AdamConfig.torchDefaults(1e-3)); // as the script
    Tensor ids = torch.randint(c.vocabSize(), new long[] {batch, seq + 1}); // (B, T+1)
    ids.retainReference();
    Tensor x = ids.narrow(1, 0, seq).contiguous(); // (B, T)
    Tensor y = ids.narrow(1, 1, seq).contiguous(); // (B, T)
    x.retainReference();
    y.retainReference();
    double[] ms = new double[steps];
    long cpu0 = 0;
    for (int i = 0; i < warmup + steps; i++) {
      if (i == warmup) cpu0 = processCpuNanos();
      long t0 = System.nanoTime();
      try (PointerScope scope = new PointerScope()) {
        opt.zeroGrad();
        Tensor loss = model.loss(x, y);
        loss.backward();
        GradClip.clipGlobalNorm(model.namedParameters().values(), 1.0);
        opt.step();
        loss.item_float();
      }
      double dt = (System.nanoTime() - t0) / 1e6;
      if (i >= warmup) ms[i - warmup] = dt;
      else out.printf(Locale.ROOT, "  warm-up step %d: %.0f ms%n", i + 1, dt);
    }
    double cpuMs = (processCpuNanos() - cpu0) / 1e6 / steps;
    double median = median(ms);
    return new Numbers("papers4j (libtorch 2.10 via JavaCPP)", torch.get_num_threads(), c.parameterCount(),
        median, cpuMs, batch * seq / (median / 1000), PeakRss.bytes() / 1048576.0, "libtorch's bundled oneDNN/OpenBLAS");
  }

  static void checkTorch(Path script) throws Exception {
    if (!Files.isRegularFile(script)) {
      throw new IllegalStateException(
          "the PyTorch peer " + script + " is missing; run from the repository root (or pass --no-torch)");
    }
    if (!Files.isExecutable(Path.of(PYTHON))) {
      throw new IllegalStateException(PYTHON + " not found; install the peer with:"
          + " apt-get install python3-torch libopenblas0-openmp"
          + " (or pass --no-torch)");
    }
    Process p = new ProcessBuilder(PYTHON, "-c", "import torch").redirectErrorStream(true).start();
    String err = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(
          "PyTorch is not importable by " + PYTHON + "; install it with:"
              + " apt-get install python3-torch libopenblas0-openmp"
              + " (or pass --no-torch)\n" + err.strip());
    }
  }

  static Numbers runTorch(Path script, LlamaConfig c, int batch, int seq, int steps, int warmup, int threads)
      throws Exception {
    List<String> cmd = new ArrayList<>(List.of(PYTHON, script.toString(),
        "--vocab", "" + c.vocabSize(), "--hidden", "" + c.hiddenSize(), "--inter", "" + c.intermediateSize(),
        "--layers", "" + c.numHiddenLayers(), "--heads", "" + c.numAttentionHeads(),
        "--eps", "" + c.rmsNormEps(), "--theta", "" + c.ropeTheta(),
        "--batch", "" + batch, "--seq", "" + seq, "--steps", "" + steps, "--warmup", "" + warmup,
        "--threads", "" + threads));
    if (c.tieWordEmbeddings()) cmd.add("--tied");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("OMP_WAIT_POLICY", "passive"); // same thread behaviour as ours
    Process p = pb.start();
    String last = null;
    StringBuilder all = new StringBuilder();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        all.append(line).append('\n');
        if (line.startsWith("{")) last = line;
      }
    }
    if (p.waitFor() != 0 || last == null) {
      throw new IllegalStateException("the PyTorch peer failed (" + String.join(" ", cmd) + "):\n" + all);
    }
    JsonNode j = new ObjectMapper().readTree(last);
    return new Numbers(j.get("engine").asText(), j.get("threads").asInt(), j.get("params").asLong(),
        j.get("ms_per_step_median").asDouble(), j.path("cpu_ms_per_step").asDouble(Double.NaN),
        j.get("tokens_per_s").asDouble(), j.get("peak_rss_mb").asDouble(),
        j.path("blas").asText("unknown"));
  }

  static String markdown(String preset, int batch, int seq, int steps, int warmup, Numbers ours, Numbers theirs) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT,
        "LLaMA `%s` preset (%,d parameters), batch %d × %d, one full training step (forward, cross-entropy,"
            + " backward, clip to norm 1.0, AdamW); median of %d steps after %d warm-up steps, float32, CPU.%n%n",
        preset, ours.params, batch, seq, steps, warmup));
    sb.append("| engine | threads | ms/step (wall, median) | CPU ms/step | tokens/s | peak RSS (MiB) |\n"
        + "|---|---:|---:|---:|---:|---:|\n");
    for (Numbers n : theirs == null ? List.of(ours) : List.of(ours, theirs)) {
      sb.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.0f | %.0f |%n",
          n.engine, n.threads, n.msPerStep, n.cpuMsPerStep, n.tokensPerS, n.peakRssMb));
    }
    if (theirs != null) {
      sb.append(String.format(Locale.ROOT,
          "%n**Ratio (papers4j / PyTorch step time): %.2f× wall, %.2f× CPU time** (target ≤ 1.0×).%n",
          ours.msPerStep / theirs.msPerStep, ours.cpuMsPerStep / theirs.cpuMsPerStep));
      sb.append("\nPyTorch peer: `bench/lm_train_torch.py` (Debian `python3-torch`; its 1.13 has no"
          + " `scaled_dot_product_attention`, so it runs the explicit \"eager\" attention; papers4j uses libtorch's"
          + " SDPA); its BLAS: `" + theirs.blas + "`. Peak RSS is each process's VmHWM, which for papers4j"
          + " includes the JVM.\n");
    }
    return sb.toString();
  }

  private static void print(PrintStream out, Numbers n) {
    out.printf(Locale.ROOT, "%-38s %7.1f ms/step (CPU %7.1f ms)  %8.0f tokens/s  peak RSS %6.0f MiB  (%d threads)%n",
        n.engine, n.msPerStep, n.cpuMsPerStep, n.tokensPerS, n.peakRssMb, n.threads);
  }

  /** CPU time of this whole process (all threads), from the JVM's OS bean. */
  static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean s ? s.getProcessCpuTime() : -1;
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  static String option(List<String> args, String name, String def) {
    int i = args.indexOf(name);
    if (i < 0) return def;
    if (i + 1 >= args.size()) throw new IllegalArgumentException(name + " needs a value");
    return args.get(i + 1);
  }
}
