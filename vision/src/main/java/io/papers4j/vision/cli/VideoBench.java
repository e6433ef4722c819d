package io.papers4j.vision.cli;

import io.papers4j.core.cli.Benchmark;
import io.papers4j.core.report.Machine;
import io.papers4j.vision.video.VideoTiming;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.bytedeco.pytorch.global.torch;

/**
 * {@code papers4j bench video}: AtomoVideo's training and sampling speed at the quick reproduction's
 * sizes, and where a video step's time goes ({@link VideoTiming}).
 *
 * <p>Options (after {@code --}): {@code --size 16 --frames 8 --widths 16,32,32 --image-batch 16 --batch 4
 * --steps 10 --warmup 3 --sample-clips 4 --ddim 10 --no-onednn}.
 */
public final class VideoBench implements Benchmark {
  @Override
  public String name() {
    return "video";
  }

  @Override
  public String description() {
    return "AtomoVideo: image-model and video training steps (clips/s), the share of the inserted layers, sampling seconds per clip";
  }

  @Override
  public String run(List<String> args, PrintStream out) throws Exception {
    int size = FlowBench.opt(args, "--size", 16), frames = FlowBench.opt(args, "--frames", 8);
    int imageBatch = FlowBench.opt(args, "--image-batch", 16), batch = FlowBench.opt(args, "--batch", 4);
    int steps = FlowBench.opt(args, "--steps", 10), warmup = FlowBench.opt(args, "--warmup", 3);
    int sampleClips = FlowBench.opt(args, "--sample-clips", 4), ddim = FlowBench.opt(args, "--ddim", 10);
    int i = args.indexOf("--widths");
    int[] widths = VideoCommand.parseWidths(i >= 0 && i + 1 < args.size() ? args.get(i + 1) : "16,32,32");
    boolean oneDnn = !args.contains("--no-onednn");
    if (steps < 1 || warmup < 1 || batch < 1 || imageBatch < 1 || sampleClips < 1 || ddim < 1) {
      throw new IllegalArgumentException("--steps, --warmup, --batch, --image-batch, --sample-clips and --ddim must be positive");
    }
    String loadStart = Machine.loadAverage();
    int threads = torch.get_num_threads();
    out.printf(Locale.ROOT, "video: %d×%d frames, T = %d, widths %s, %d threads, load %s%n", size, size, frames, java.util.Arrays.toString(widths),
        threads, loadStart);
    List<VideoTiming.Row> rows = VideoTiming.measure(new VideoTiming.Sizes(size, frames, widths, imageBatch, batch, steps, warmup, sampleClips, ddim),
        oneDnn);
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT, "AtomoVideo at the quick reproduction's sizes unless the options say otherwise: %d×%d frames, T = %d, "
        + "image UNet widths %s, %d threads; training steps are the real `VideoTraining` loop (clip rendering, forward, backward, clip to "
        + "norm 1, AdamW, EMA), %d timed after %d warm-up steps. Load average (1, 5, 15 min) at the start: %s on %d cores.%n%n"
        + "| what | ms | per | rate |%n|---|---:|---|---:|%n", size, size, frames, java.util.Arrays.toString(widths), threads, steps, warmup, loadStart,
        Runtime.getRuntime().availableProcessors()));
    for (VideoTiming.Row r : rows) {
      String rate = "";
      if (r.what().startsWith("image model training")) rate = String.format(Locale.ROOT, "%.0f images/s", imageBatch * 1000 / r.ms());
      else if (r.what().startsWith("video model training")) rate = String.format(Locale.ROOT, "%.1f clips/s", batch * 1000 / r.ms());
      else if (r.what().startsWith("sampling")) rate = String.format(Locale.ROOT, "%.2f s/clip", r.ms() / 1000);
      if (Double.isNaN(r.ms())) rate = "a loss was not finite";
      String line = String.format(Locale.ROOT, "| %s | %.1f | %s | %s |", r.what(), r.ms(), r.per(), rate);
      out.println(line);
      md.append(line).append('\n');
    }
    String end = Machine.loadAverage();
    out.println("load at the end: " + end);
    md.append("\nLoad average at the end: ").append(end).append(".\n");
    return md.toString();
  }
}
