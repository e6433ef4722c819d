package io.papers4j.lm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.cli.Benchmark;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.optim.GradClip;
import io.papers4j.core.tensor.Precision;
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
 * on the same machine, same shapes, same thread count. Four rows in one run: papers4j f32 and bf16
 * ({@link Precision#BF16} autocast), PyTorch eager f32 and with {@code torch.autocast("cpu",
 * dtype=torch.bfloat16)}, each step's GFLOP/s as a share of the GEMM peak measured in the same
 * process ({@link GemmPeak}), and the targets (papers4j bf16 ≤ 0.6× PyTorch f32 and ≤ 0.9×
 * PyTorch bf16) stated as met or not.
 *
 * <p>Options (after {@code --}): {@code --preset small --batch 8 --seq 128 --steps 10 --warmup 3
 * --no-torch --allow-reference-blas}. The peer needs Debian's {@code python3-torch} with an optimised
 * BLAS ({@code scripts/setup --bench} installs it): without an optimised BLAS Debian's PyTorch runs on the reference BLAS,
 * which the benchmark refuses as an unfair comparison.
 */
public final class LmTrainBench implements Benchmark {
  static final String TORCH_SCRIPT = "bench/lm_train_torch.py";
  static final String PYTHON = "/usr/bin/python3";

  /** One engine's numbers. */
  record Numbers(
      String engine, Precision precision, int threads, long params, double msPerStep, double cpuMsPerStep,
      double tokensPerS, double peakRssMb, String blas) {}

  @Override
  public String name() {
    return "lm-train";
  }

  @Override
  public String description() {
    return "LLaMA small (10.5M) training step at 8x128, f32 and bf16 autocast: ms/step, tokens/s, share of the GEMM peak, peak RSS vs PyTorch eager f32 and bf16";
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
    GemmPeak peak = GemmPeak.measure(out);
    List<Numbers> rows = new ArrayList<>();
    for (Precision p : Precision.values()) {
      Numbers ours = runOurs(c, batch, seq, steps, warmup, p, out);
      print(out, ours);
      rows.add(ours);
    }
    if (withTorch) {
      for (Precision p : Precision.values()) {
        Numbers theirs = runTorch(script, c, batch, seq, steps, warmup, torch.get_num_threads(), p);
        print(out, theirs);
        if (theirs.blas.contains("/blas/libblas.so") && !args.contains("--allow-reference-blas")) {
          // Debian's python3-torch calls whatever libblas.so.3 the alternatives system selects; the
          // reference Fortran BLAS is ~10x slower, which would flatter us.
          throw new IllegalStateException(
              "the PyTorch peer ran on the reference BLAS (" + theirs.blas + "), not a fair comparison;"
                  + " install an optimised one with: apt-get install libopenblas0-pthread"
                  + " (or pass --allow-reference-blas)");
        }
        rows.add(theirs);
      }
      out.println("  PyTorch BLAS: " + rows.get(2).blas);
    }
    String loadEnd = loadAverage();
    String md = markdown(preset, batch, seq, steps, warmup, c, peak, rows);
    out.print(targets(rows, peak, c, batch, seq));
    return md + "\nLoad average (1, 5, 15 min) when the benchmark started: " + load + ", when it ended: " + loadEnd
        + " on " + Runtime.getRuntime().availableProcessors() + " cores; a load well above the core count means the"
        + " numbers were measured under load (shared machine) and are not the machine's quiet speed.\n";
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

  static Numbers runOurs(LlamaConfig c, int batch, int seq, int steps, int warmup, Precision precision,
      PrintStream out) {
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
        Tensor loss;
        try (Precision.Region cast = precision.autocast()) {
          loss = model.loss(x, y); // float32 whatever the forward's precision
        }
        precision.backward(loss);
        GradClip.clipGlobalNorm(model.namedParameters().values(), 1.0);
        opt.step();
        loss.item_float();
      }
      double dt = (System.nanoTime() - t0) / 1e6;
      if (i >= warmup) ms[i - warmup] = dt;
      else out.printf(Locale.ROOT, "  %s warm-up step %d: %.0f ms%n", precision.id(), i + 1, dt);
    }
    double cpuMs = (processCpuNanos() - cpu0) / 1e6 / steps;
    double median = median(ms);
    return new Numbers("papers4j (libtorch 2.10 via JavaCPP)", precision, torch.get_num_threads(), c.parameterCount(),
        median, cpuMs, batch * seq / (median / 1000), PeakRss.bytes() / 1048576.0, "libtorch's bundled oneDNN/OpenBLAS");
  }

  static void checkTorch(Path script) throws Exception {
    if (!Files.isRegularFile(script)) {
      throw new IllegalStateException(
          "the PyTorch peer " + script + " is missing; run from the repository root (or pass --no-torch)");
    }
    if (!Files.isExecutable(Path.of(PYTHON))) {
      throw new IllegalStateException(PYTHON + " not found; install the peer with:"
          + " scripts/setup --bench (Debian's python3-torch)"
          + " (or pass --no-torch)");
    }
    Process p = new ProcessBuilder(PYTHON, "-c", "import torch").redirectErrorStream(true).start();
    String err = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(
          "PyTorch is not importable by " + PYTHON + "; install it with:"
              + " scripts/setup --bench (Debian's python3-torch)"
              + " (or pass --no-torch)\n" + err.strip());
    }
  }

  static Numbers runTorch(Path script, LlamaConfig c, int batch, int seq, int steps, int warmup, int threads,
      Precision precision) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(PYTHON, script.toString(),
        "--vocab", "" + c.vocabSize(), "--hidden", "" + c.hiddenSize(), "--inter", "" + c.intermediateSize(),
        "--layers", "" + c.numHiddenLayers(), "--heads", "" + c.numAttentionHeads(),
        "--eps", "" + c.rmsNormEps(), "--theta", "" + c.ropeTheta(),
        "--batch", "" + batch, "--seq", "" + seq, "--steps", "" + steps, "--warmup", "" + warmup,
        "--threads", "" + threads, "--precision", precision.id()));
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
    return new Numbers(j.get("engine").asText(), Precision.parse(j.path("precision").asText("f32")),
        j.get("threads").asInt(), j.get("params").asLong(),
        j.get("ms_per_step_median").asDouble(), j.path("cpu_ms_per_step").asDouble(Double.NaN),
        j.get("tokens_per_s").asDouble(), j.get("peak_rss_mb").asDouble(),
        j.path("blas").asText("unknown"));
  }

  /**
   * Nominal floating-point operations of one training step: 6·N·tokens for the N weights that
   * multiply activations (every projection and the LM head; not the embedding lookup or the norms)
   * plus 12·L·B·T²·C for attention's QKᵀ and AV forward and backward (no causal halving), as in
   * PaLM's model-FLOPs count.
   */
  static double stepFlops(LlamaConfig c, int batch, int seq) {
    long h = c.hiddenSize();
    long kv = (long) c.numKeyValueHeads() * c.headDim();
    long q = (long) c.numAttentionHeads() * c.headDim();
    long perLayer = h * q + 2 * h * kv + q * h + 3 * h * c.intermediateSize();
    long matmulWeights = c.numHiddenLayers() * perLayer + (long) c.vocabSize() * h;
    double tokens = (double) batch * seq;
    return 6.0 * matmulWeights * tokens + 12.0 * c.numHiddenLayers() * batch * (double) seq * seq * q;
  }

  static String markdown(String preset, int batch, int seq, int steps, int warmup, LlamaConfig c, GemmPeak peak,
      List<Numbers> rows) {
    StringBuilder sb = new StringBuilder();
    double flops = stepFlops(c, batch, seq);
    sb.append(String.format(Locale.ROOT,
        "LLaMA `%s` preset (%,d parameters), batch %d × %d, one full training step (forward, cross-entropy,"
            + " backward, clip to norm 1.0, AdamW); median of %d steps after %d warm-up steps, CPU. bf16 is"
            + " autocast on both sides (papers4j `Precision.BF16`, PyTorch `torch.autocast(\"cpu\","
            + " dtype=torch.bfloat16)`): float32 master weights, gradients and AdamW state, bfloat16 matmuls,"
            + " float32 cross-entropy. One step is %.1f GFLOP (6·N·tokens for the N projection and head"
            + " weights plus 12·L·B·T²·C for attention).%n%n",
        preset, rows.get(0).params, batch, seq, steps, warmup, flops / 1e9));
    sb.append(peak.markdown()).append('\n');
    sb.append("| engine | precision | threads | ms/step (wall, median) | CPU ms/step | tokens/s | GFLOP/s |"
        + " of the GEMM peak | peak RSS (MiB) |\n|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Numbers n : rows) {
      double gflops = flops / 1e9 / (n.msPerStep / 1000);
      sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %.0f | %.0f | %.0f | %.0f | %.0f%% | %.0f |%n",
          n.engine, n.precision.id(), n.threads, n.msPerStep, n.cpuMsPerStep, n.tokensPerS, gflops,
          100 * gflops / peak.gflops(n.precision), n.peakRssMb));
    }
    sb.append('\n').append(targets(rows, peak, c, batch, seq));
    if (rows.size() == 4) {
      sb.append("\nPyTorch peer: `bench/lm_train_torch.py` (Debian `python3-torch`; its 1.13 has no"
          + " `scaled_dot_product_attention`, so it runs the explicit \"eager\" attention; papers4j uses libtorch's"
          + " SDPA); its BLAS: `" + rows.get(2).blas + "`. Peak RSS is each process's VmHWM, which for papers4j"
          + " includes the JVM.\n");
    }
    return sb.toString();
  }

  /** The ratios and the targets, each stated as met or not. */
  static String targets(List<Numbers> rows, GemmPeak peak, LlamaConfig c, int batch, int seq) {
    Numbers f32 = rows.get(0);
    Numbers bf16 = rows.get(1);
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "- papers4j bf16 / papers4j f32: %.2f× wall%n", bf16.msPerStep / f32.msPerStep));
    if (rows.size() == 4) {
      Numbers tf32 = rows.get(2);
      Numbers tbf16 = rows.get(3);
      double a = bf16.msPerStep / tf32.msPerStep;
      double b = bf16.msPerStep / tbf16.msPerStep;
      sb.append(String.format(Locale.ROOT, "- papers4j f32 / PyTorch f32: %.2f× wall, %.2f× CPU time%n",
          f32.msPerStep / tf32.msPerStep, f32.cpuMsPerStep / tf32.cpuMsPerStep));
      sb.append(String.format(Locale.ROOT, "- **papers4j bf16 / PyTorch f32: %.2f× wall** (target ≤ 0.6×: %s)%n",
          a, a <= 0.6 ? "**met**" : "**not met**"));
      sb.append(String.format(Locale.ROOT, "- **papers4j bf16 / PyTorch bf16: %.2f× wall** (target ≤ 0.9×: %s)%n",
          b, b <= 0.9 ? "**met**" : "**not met**"));
    }
    double gflops = stepFlops(c, batch, seq) / 1e9 / (bf16.msPerStep / 1000);
    sb.append(String.format(Locale.ROOT, "- papers4j bf16 step: %.0f GFLOP/s = %.0f%% of the measured bf16 GEMM peak"
        + " (%.0f GFLOP/s)%n", gflops, 100 * gflops / peak.bf16(), peak.bf16()));
    return sb.toString();
  }

  private static void print(PrintStream out, Numbers n) {
    out.printf(Locale.ROOT, "%-38s %-4s %7.1f ms/step (CPU %7.1f ms)  %8.0f tokens/s  peak RSS %6.0f MiB  (%d threads)%n",
        n.engine, n.precision.id(), n.msPerStep, n.cpuMsPerStep, n.tokensPerS, n.peakRssMb, n.threads);
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
