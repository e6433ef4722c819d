package io.papers4j.vision.cli;

import io.papers4j.core.tensor.NativeExit;
import io.papers4j.core.diffusion.ConditionDropout;
import io.papers4j.core.nn.Params;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.report.Machine;
import io.papers4j.core.tensor.Engine;
import io.papers4j.vision.tryon.OotdModel;
import io.papers4j.vision.tryon.TryOnConfig;
import io.papers4j.vision.tryon.TryOnData;
import io.papers4j.vision.tryon.TryOnSampler;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * {@code papers4j bench tryon}: per try-on arm (OOTDiffusion fusion, global-only, channel concat) the
 * training step (data generation, forward with outfitting dropout, prediction MSE, backward, AdamW), split
 * into the generation of the batch, the garment side alone (ψ and, for fusion, the outfitting UNet at
 * t = 0, forward only) and the whole step; and the sampling time of one chunk of try-ons (DDIM with
 * garment guidance, repainting).
 *
 * <p>Options (after {@code --}): {@code --arms fusion,global,concat --widths 16,32,32 --batch 8
 * --steps 10 --warmup 3 --sample-n 8 --sample-steps 8 --guidance 2 --onednn} ({@code --onednn}: the
 * steps and sampling run in {@code Engine.oneDnn()}).
 */
public final class TryOnBench implements io.papers4j.core.cli.Benchmark {
  record Numbers(String arm, long params, double dataMs, double garmentMs, double stepMs, double samplingS, boolean finite) {}

  @Override
  public String name() {
    return "tryon";
  }

  @Override
  public String description() {
    return "try-on arms (fusion, global, concat): training step ms and images/s, its parts, sampling time";
  }

  @Override
  public String run(List<String> args, PrintStream out) throws Exception {
    List<String> arms = List.of(str(args, "--arms", "fusion,global,concat").split(","));
    int[] widths = Arrays.stream(str(args, "--widths", "16,32,32").split(",")).mapToInt(Integer::parseInt).toArray();
    int batch = FlowBench.opt(args, "--batch", 8), steps = FlowBench.opt(args, "--steps", 10), warmup = FlowBench.opt(args, "--warmup", 3);
    int sampleN = FlowBench.opt(args, "--sample-n", 8), sampleSteps = FlowBench.opt(args, "--sample-steps", 8);
    double guidance = Double.parseDouble(str(args, "--guidance", "2"));
    boolean oneDnn = args.contains("--onednn");
    if (steps < 1 || warmup < 0 || batch < 1 || sampleN < 1 || sampleSteps < 1) {
      throw new IllegalArgumentException("--steps, --batch, --sample-n and --sample-steps must be >= 1 and --warmup >= 0");
    }
    Engine.init();
    String load = Machine.loadAverage();
    out.printf(Locale.ROOT, "try-on widths %s, batch %d, %d threads, %s kernels, load %s%n", Arrays.toString(widths), batch,
        torch.get_num_threads(), oneDnn ? "oneDNN" : "libtorch's own", load);
    TryOnData data = TryOnData.load(0);
    List<Numbers> rows = new ArrayList<>();
    for (String arm : arms) {
      TryOnConfig c = new TryOnConfig(arm, widths, 4, 8, 64, 64, 1000);
      torch.manual_seed(0);
      OotdModel m = new OotdModel(c, 0);
      Numbers n = measure(m, data, batch, steps, warmup, sampleN, sampleSteps, guidance, oneDnn);
      out.printf(Locale.ROOT, "%-7s %,9d params  data %6.1f ms  garment side %6.1f ms  step %7.1f ms (%5.1f images/s)  sampling %d×%d steps "
          + "s=%s: %5.2f s  losses finite: %s%n", arm, n.params, n.dataMs, n.garmentMs, n.stepMs, batch / (n.stepMs / 1000), sampleN, sampleSteps,
          guidance, n.samplingS, n.finite);
      rows.add(n);
    }
    String end = Machine.loadAverage();
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "Try-on UNets of widths %s at 32 → 16 → 8 px (transformer blocks below the first level), batch %d, "
        + "float32, %d threads, %s convolutions. One training step = generating the batch (Java), the garment side, the denoiser, the MSE, "
        + "backward through both UNets and ψ, AdamW; median of %d steps after %d warm-up steps. \"Garment side\" = ψ and (fusion) the "
        + "outfitting UNet at t = 0, forward only. Sampling = %d try-ons, DDIM %d steps, garment guidance s = %s (conditional and "
        + "null-garment rows in one batch), repainting.%n%n| arm | parameters | data (ms) | garment side (ms) | **step (ms)** | "
        + "**training images/s** | sampling (s) | losses finite |%n|---|---:|---:|---:|---:|---:|---:|---|%n", Arrays.toString(widths), batch,
        torch.get_num_threads(), oneDnn ? "oneDNN (`Engine.oneDnn()`)" : "libtorch's own", steps, warmup, sampleN, sampleSteps, guidance));
    for (Numbers n : rows) {
      sb.append(String.format(Locale.ROOT, "| %s | %,d | %.1f | %.1f | %.0f | %.1f | %.2f | %s |%n", n.arm, n.params, n.dataMs, n.garmentMs,
          n.stepMs, batch / (n.stepMs / 1000), n.samplingS, n.finite));
    }
    sb.append(String.format(Locale.ROOT, "%nLoad average (1, 5, 15 min): %s at the start, %s at the end, on %d cores (a load above the core "
        + "count means other processes shared the machine while measuring).%n", load, end, Machine.cores()));
    return sb.toString();
  }

  static Numbers measure(OotdModel m, TryOnData data, int batch, int steps, int warmup, int sampleN, int sampleSteps, double guidance,
      boolean oneDnn) {
    AdamW opt = new AdamW(m.namedParameters(), AdamConfig.torchDefaults(5e-4));
    SplittableRandom rng = new SplittableRandom(7);
    int big = m.diffusion().trainTimesteps();
    double[] dataMs = new double[steps], garmentMs = new double[steps], stepMs = new double[steps];
    boolean finite = true;
    try (Engine.OneDnn scope = oneDnn ? Engine.oneDnn() : null) {
      for (int i = 0; i < warmup + steps; i++) {
        long t0 = System.nanoTime();
        try (PointerScope s = new PointerScope()) {
          TryOnData.Batch b = data.batch("train", (long) i * batch, batch);
          long t1 = System.nanoTime();
          Tensor g = signed(b.garment());
          try (NoGradGuard ng = new NoGradGuard()) {
            m.garmentFeatures(g, new boolean[batch], b.category());
          }
          long t2 = System.nanoTime();
          float[] t = new float[batch];
          for (int k = 0; k < batch; k++) t[k] = (float) ((rng.nextInt(big) + 0.5) / big);
          boolean[] drop = ConditionDropout.mask(batch, 0.1, rng);
          Tensor loss = m.loss(signed(b.target()), torch.randn(b.target().shape()), Tensor.create(t, batch).clone(), signed(b.agnostic()),
              b.mask(), g, b.category(), drop);
          opt.zeroGrad();
          NativeExit.backward(loss);
          opt.step();
          finite &= Double.isFinite(loss.item_double());
          long t3 = System.nanoTime();
          if (i >= warmup) {
            dataMs[i - warmup] = (t1 - t0) / 1e6;
            garmentMs[i - warmup] = (t2 - t1) / 1e6;
            stepMs[i - warmup] = ((t1 - t0) + (t3 - t2)) / 1e6; // the training step without the extra garment-side probe
          }
        }
      }
      double samplingS;
      try (PointerScope s = new PointerScope()) {
        TryOnData.Batch b = data.batch("test", 0, sampleN);
        long t0 = System.nanoTime();
        Tensor outImg = TryOnSampler.tryOn(m, b.target(), b.mask(), b.garment(), b.category(), guidance, sampleSteps, 1);
        samplingS = (System.nanoTime() - t0) / 1e9;
        finite &= torch.isfinite(outImg).all().item_bool();
      }
      return new Numbers(m.config().arm(), Params.count(m), median(dataMs), median(garmentMs), median(stepMs), samplingS, finite);
    }
  }

  static Tensor signed(Tensor x) {
    return x.mul(new Scalar(2)).sub(new Scalar(1));
  }

  static double median(double[] v) {
    double[] c = v.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }

  static String str(List<String> args, String name, String def) {
    int i = args.indexOf(name);
    if (i < 0) return def;
    if (i + 1 >= args.size()) throw new IllegalArgumentException(name + " needs a value");
    return args.get(i + 1);
  }
}
