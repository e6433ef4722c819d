package io.papers4j.vision.cli;

import io.papers4j.core.tensor.NativeExit;
import io.papers4j.core.cli.Benchmark;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.report.Machine;
import io.papers4j.vision.pixart.BlockTiming;
import io.papers4j.vision.pixart.Caption;
import io.papers4j.vision.pixart.PixArt;
import io.papers4j.vision.pixart.PixArtConfig;
import io.papers4j.vision.pixart.PixArtTraining;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * {@code papers4j bench pixart}: forward time of one PixArt block with and without KV compression
 * (conv 2×2) at 14², 28² and 56² token grids, and training images/s of a whole model with and
 * without deep compression.
 *
 * <p>Options (after {@code --}): {@code --width 48 --heads 4 --batch 4 --reps 5 --train-depth 8
 * --train-batch 16 --train-steps 6}.
 */
public final class PixArtBench implements Benchmark {
  @Override
  public String name() {
    return "pixart";
  }

  @Override
  public String description() {
    return "PixArt block forward with vs without KV compression at 14², 28², 56² tokens; training images/s with and without deep compression";
  }

  @Override
  public String run(List<String> args, PrintStream out) throws Exception {
    int width = FlowBench.opt(args, "--width", 48), heads = FlowBench.opt(args, "--heads", 4), batch = FlowBench.opt(args, "--batch", 4);
    int reps = FlowBench.opt(args, "--reps", 5), depth = FlowBench.opt(args, "--train-depth", 8);
    int trainBatch = FlowBench.opt(args, "--train-batch", 16), trainSteps = FlowBench.opt(args, "--train-steps", 6);
    String loadStart = Machine.loadAverage();
    int threads = torch.get_num_threads();
    out.printf(Locale.ROOT, "PixArt block: width %d, %d heads, batch %d, %d threads, load %s%n", width, heads, batch, threads, loadStart);
    List<BlockTiming.Row> rows = BlockTiming.measure(new int[] {14, 28, 56}, width, heads, batch, reps);
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT, "`./papers4j bench pixart` (width %d, %d heads, batch %d, median of %d forwards; %d threads; load average "
        + "%s at the start).%n%n| grid | tokens | keys compressed | ms plain | ms compressed | speed-up |%n|---|---|---|---|---|---|%n",
        width, heads, batch, reps, threads, loadStart));
    for (BlockTiming.Row r : rows) {
      String line = String.format(Locale.ROOT, "| %d×%d | %d | %d | %.2f | %.2f | %.2f× |", r.grid(), r.grid(), r.tokens(), r.keys(), r.msPlain(),
          r.msCompressed(), r.speedup());
      out.println(line);
      md.append(line).append('\n');
    }
    PixArtConfig base = PixArtConfig.fashionMnist().withSize(28, 2, width, depth, heads);
    double plain = trainImagesPerS(base, trainBatch, trainSteps);
    double deep = trainImagesPerS(base.withKv(PixArtConfig.layers("deep", depth), "conv"), trainBatch, trainSteps);
    String train = String.format(Locale.ROOT, "training (28×28, patch 2, 196 tokens, depth %d, batch %d, %d timed steps after 2 warm-up): "
        + "%.1f images/s plain, %.1f images/s with deep conv 2×2 compression (%.2f×)", depth, trainBatch, trainSteps, plain, deep, deep / plain);
    out.println(train);
    md.append("\n").append(train).append(". Load average at the end: ").append(Machine.loadAverage()).append(".\n");
    return md.toString();
  }

  /** Images/s of full training steps (forward, ε loss, backward, AdamW) on random inputs. */
  static double trainImagesPerS(PixArtConfig c, int batch, int steps) {
    PixArt m = new PixArt(c, 0, "avg");
    AdamW opt = new AdamW(m.namedParameters(), AdamConfig.torchDefaults(1e-4).withWeightDecay(0), n -> false);
    var process = PixArtTraining.process("eps");
    long t0 = 0;
    for (int s = 0; s < steps + 2; s++) {
      if (s == 2) t0 = System.nanoTime();
      try (PointerScope scope = new PointerScope()) {
        opt.zeroGrad();
        Tensor x0 = torch.randn(batch, 1, 28, 28);
        Caption cap = new Caption(torch.randn(batch, c.maxTextTokens(), c.textDim()), torch.ones(batch, c.maxTextTokens()).gt(new Scalar(0.5)));
        Tensor loss = PixArtTraining.loss(m, process, x0, cap, torch.rand(batch), torch.randn(batch, 1, 28, 28));
        NativeExit.backward(loss);
        opt.step();
      }
    }
    return (double) steps * batch / ((System.nanoTime() - t0) / 1e9);
  }
}
