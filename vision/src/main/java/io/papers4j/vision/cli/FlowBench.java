package io.papers4j.vision.cli;

import io.papers4j.core.tensor.NativeExit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.cli.Benchmark;
import io.papers4j.core.nn.Params;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.optim.GradClip;
import io.papers4j.core.report.Machine;
import io.papers4j.core.train.PeakRss;
import io.papers4j.vision.flow.Cond;
import io.papers4j.vision.flow.FlowConfig;
import io.papers4j.vision.flow.FlowModel;
import io.papers4j.vision.flow.FlowSampler;
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
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * {@code papers4j bench flow}: one MM-DiT rectified-flow training step (zero grads, x_t, forward,
 * MSE to ε − x₀, backward, clip to norm 1, AdamW) at a fixed size, here and in PyTorch eager ({@code
 * bench/flow_train_torch.py}, Debian's {@code python3-torch}) with the same shapes and threads; and
 * our sampling speed (images/s at 25 Euler steps, CFG 2, guidance as one batch and as two passes).
 *
 * <p>Options (after {@code --}): {@code --size 32 --channels 4 --patch 2 --hidden 192 --depth 4
 * --heads 3 --context 16 --batch 8 --steps 10 --warmup 3 --no-torch}.
 */
public final class FlowBench implements Benchmark {
  static final String TORCH_SCRIPT = "bench/flow_train_torch.py";
  static final String PYTHON = "/usr/bin/python3";

  record Numbers(String engine, int threads, long params, double msPerStep, double cpuMsPerStep, double peakRssMb, String blas) {}

  @Override
  public String name() {
    return "flow";
  }

  @Override
  public String description() {
    return "MM-DiT (QK-norm) rectified-flow training step vs PyTorch eager; sampling images/s at 25 steps";
  }

  @Override
  public String run(List<String> args, PrintStream out) throws Exception {
    int size = opt(args, "--size", 32), ch = opt(args, "--channels", 4), patch = opt(args, "--patch", 2);
    int hidden = opt(args, "--hidden", 192), depth = opt(args, "--depth", 4), heads = opt(args, "--heads", 3);
    int context = opt(args, "--context", 16), batch = opt(args, "--batch", 8), steps = opt(args, "--steps", 10);
    int warmup = opt(args, "--warmup", 3);
    boolean withTorch = !args.contains("--no-torch");
    if (withTorch && !Files.isRegularFile(Path.of(TORCH_SCRIPT))) {
      throw new IllegalStateException("the PyTorch peer " + TORCH_SCRIPT + " is missing; run from the repository root (or pass --no-torch)");
    }
    FlowConfig c = new FlowConfig("mmdit", size, ch, patch, hidden, depth, heads, 4 * hidden, "sincos", true, "features", 0, 0,
        context, hidden, hidden, 0.0);
    String load = Machine.loadAverage();
    out.printf("MM-DiT %dx%dx%d patch %d, width %d, depth %d, heads %d, %d context tokens, batch %d, %d threads, load %s%n",
        size, size, ch, patch, hidden, depth, heads, context, batch, torch.get_num_threads(), load);
    torch.manual_seed(0);
    FlowModel m = FlowModel.create(c, 0);
    Numbers ours = runOurs(m, c, batch, steps, warmup);
    print(out, ours);
    double[] sampled = sampling(m, c, out);
    String sampleLoad = Machine.loadAverage();
    Numbers theirs = null;
    if (withTorch) {
      theirs = runTorch(args, size, ch, patch, hidden, depth, heads, context, batch, steps, warmup, torch.get_num_threads());
      print(out, theirs);
      if (theirs.params != ours.params) {
        throw new IllegalStateException("the peer has " + theirs.params + " parameters, ours " + ours.params + ": not the same model");
      }
      out.printf(Locale.ROOT, "ratio (ours / PyTorch ms per step): %.2fx%n", ours.msPerStep / theirs.msPerStep);
    }
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "MM-DiT with QK-norm (%,d parameters), %d×%d×%d inputs, patch %d (%d tokens) + %d context tokens, "
        + "width %d, depth %d, heads %d, batch %d; one rectified-flow training step (x_t, forward, MSE, backward, clip 1.0, AdamW); "
        + "median of %d steps after %d warm-up steps, float32, CPU.%n%n| engine | threads | ms/step (wall, median) | CPU ms/step | "
        + "images/s | peak RSS (MiB) |%n|---|---:|---:|---:|---:|---:|%n", ours.params, size, size, ch, patch, (size / patch) * (size / patch),
        context, hidden, depth, heads, batch, steps, warmup));
    for (Numbers n : theirs == null ? List.of(ours) : List.of(ours, theirs)) {
      sb.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.1f | %.0f |%n", n.engine, n.threads, n.msPerStep, n.cpuMsPerStep,
          batch / (n.msPerStep / 1000), n.peakRssMb));
    }
    if (theirs != null) {
      sb.append(String.format(Locale.ROOT, "%n**Ratio (papers4j / PyTorch step time): %.2f× wall, %.2f× CPU time** (target ≤ 1.0×). "
          + "PyTorch peer: `bench/flow_train_torch.py` (Debian `python3-torch` 1.13, explicit softmax attention; papers4j uses "
          + "libtorch's SDPA); its BLAS: `%s`.%n", ours.msPerStep / theirs.msPerStep, ours.cpuMsPerStep / theirs.cpuMsPerStep, theirs.blas));
    }
    sb.append(String.format(Locale.ROOT, "%nSampling (papers4j), 16 images at 25 Euler steps with CFG 2, after an untimed 2-step run: "
        + "%.2f images/s with the guidance branches as one forward of 32 rows (CPU/wall %.2f), %.2f images/s as two forwards of 16 "
        + "(CPU/wall %.2f; 2.0 = both cores busy with this process alone).%n%nLoad average (1, 5, 15 min) when the benchmark started: %s, "
        + "after sampling: %s on %d cores (a load above the core count means the machine was shared while measuring).%n",
        sampled[0], sampled[1], sampled[2], sampled[3], load, sampleLoad, Machine.cores()));
    return sb.toString();
  }

  static Numbers runOurs(FlowModel m, FlowConfig c, int batch, int steps, int warmup) {
    AdamW opt = new AdamW(m.namedParameters(), AdamConfig.torchDefaults(5e-4).withWeightDecay(0), n -> false);
    Tensor x0 = torch.randn(batch, c.channels(), c.imageSize(), c.imageSize());
    Tensor eps = torch.randn(batch, c.channels(), c.imageSize(), c.imageSize());
    Tensor t = torch.rand(batch);
    Tensor ctx = torch.randn(batch, c.maxTextTokens(), c.contextDim());
    Tensor pooled = torch.randn(batch, c.pooledDim());
    for (Tensor x : List.of(x0, eps, t, ctx, pooled)) x.retainReference();
    double[] ms = new double[steps];
    long cpu0 = 0;
    for (int i = 0; i < warmup + steps; i++) {
      if (i == warmup) cpu0 = cpuNanos();
      long t0 = System.nanoTime();
      try (PointerScope scope = new PointerScope()) {
        opt.zeroGrad();
        Tensor tb = t.view(batch, 1, 1, 1);
        Tensor xt = x0.mul(tb.neg().add(new Scalar(1))).add(eps.mul(tb));
        Tensor loss = m.forward(xt, t.mul(new Scalar(1000)), Cond.features(ctx, pooled)).sub(eps.sub(x0)).pow(new Scalar(2)).mean();
        NativeExit.backward(loss);
        GradClip.clipGlobalNorm(m.namedParameters().values(), 1.0);
        opt.step();
        loss.item_float();
      }
      if (i >= warmup) ms[i - warmup] = (System.nanoTime() - t0) / 1e6;
    }
    double cpuMs = (cpuNanos() - cpu0) / 1e6 / steps;
    Arrays.sort(ms);
    return new Numbers("papers4j (libtorch 2.10 via JavaCPP)", torch.get_num_threads(), Params.count(m), ms[ms.length / 2], cpuMs,
        PeakRss.bytes() / 1048576.0, "libtorch's bundled BLAS");
  }

  /**
   * Sampling images/s at 25 Euler steps with CFG 2, for 16 images, with the two guidance branches as
   * one forward of 32 rows and as two forwards of 16: each after an untimed 2-step run of the same
   * shapes (the first forwards at a new batch size measured 1-2 s each), with the process's CPU time
   * over the wall time beside it (about 2.0 on 2 free cores; lower means the cores were shared).
   */
  static double[] sampling(FlowModel m, FlowConfig c, PrintStream out) {
    int n = 16;
    Cond cond = Cond.features(torch.randn(n, c.maxTextTokens(), c.contextDim()), torch.randn(n, c.pooledDim()));
    double[] r = new double[4];
    for (int mode = 0; mode < 2; mode++) {
      boolean oneBatch = mode == 0;
      FlowSampler.sample(m, "rf", cond, 2, 2.0, 3.0, 0, n, null, true, oneBatch);
      long t0 = System.nanoTime();
      long cpu0 = cpuNanos();
      FlowSampler.sample(m, "rf", cond, 25, 2.0, 3.0, 0, n, null, true, oneBatch);
      double s = (System.nanoTime() - t0) / 1e9;
      r[2 * mode] = n / s;
      r[2 * mode + 1] = (cpuNanos() - cpu0) / 1e9 / s;
      out.printf(Locale.ROOT, "sampling (%s): %d images, 25 steps, CFG 2: %.1f s (%.2f images/s, CPU/wall %.2f)%n",
          oneBatch ? "one batch of 32" : "two passes of 16", n, s, n / s, r[2 * mode + 1]);
    }
    return r;
  }

  static Numbers runTorch(List<String> args, int size, int ch, int patch, int hidden, int depth, int heads, int context, int batch,
      int steps, int warmup, int threads) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(PYTHON, TORCH_SCRIPT, "--size", "" + size, "--channels", "" + ch, "--patch", "" + patch,
        "--hidden", "" + hidden, "--depth", "" + depth, "--heads", "" + heads, "--context", "" + context, "--batch", "" + batch,
        "--steps", "" + steps, "--warmup", "" + warmup, "--threads", "" + threads));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("OMP_WAIT_POLICY", "passive");
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
      throw new IllegalStateException("the PyTorch peer failed (" + String.join(" ", cmd) + "); install it with apt-get install "
          + "python3-torch, or pass --no-torch:\n" + all);
    }
    JsonNode j = new ObjectMapper().readTree(last);
    return new Numbers(j.get("engine").asText(), j.get("threads").asInt(), j.get("params").asLong(), j.get("ms_per_step_median").asDouble(),
        j.path("cpu_ms_per_step").asDouble(Double.NaN), j.get("peak_rss_mb").asDouble(), j.path("blas").asText("unknown"));
  }

  private static void print(PrintStream out, Numbers n) {
    out.printf(Locale.ROOT, "%-38s %7.1f ms/step (CPU %7.1f ms)  %5.1f MB peak  %,d params  (%d threads)%n", n.engine, n.msPerStep,
        n.cpuMsPerStep, n.peakRssMb, n.params, n.threads);
  }

  static long cpuNanos() {
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean s ? s.getProcessCpuTime() : -1;
  }

  static int opt(List<String> args, String name, int def) {
    int i = args.indexOf(name);
    if (i < 0) return def;
    if (i + 1 >= args.size()) throw new IllegalArgumentException(name + " needs a value");
    return Integer.parseInt(args.get(i + 1));
  }
}
