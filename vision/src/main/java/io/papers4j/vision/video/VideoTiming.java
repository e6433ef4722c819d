package io.papers4j.vision.video;

import io.papers4j.core.nn.Init;
import io.papers4j.core.tensor.Engine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Where the time of the video system goes, measured on real steps of its own code: training steps of
 * the image model and of the video model (data included, with libtorch's own convolution kernels and
 * inside an {@link Engine#oneDnn} scope), the clip rendering alone, the frozen image UNet's forward on
 * the B·T frames against the whole video model's forward, the inserted layers alone (forward +
 * backward at every hook point), and DDIM sampling per clip. Used by {@code papers4j bench video}.
 */
public final class VideoTiming {
  private VideoTiming() {}

  /**
   * Sizes of one measurement.
   *
   * @param size frame side, {@code frames} T, {@code widths} the image UNet's block widths
   * @param imageBatch images per image-model step, {@code batch} clips per video step
   * @param steps timed steps after {@code warmup} untimed ones
   * @param sampleClips clips sampled together, {@code ddimSteps} DDIM steps with CFG (two forwards each)
   */
  public record Sizes(int size, int frames, int[] widths, int imageBatch, int batch, int steps, int warmup, int sampleClips, int ddimSteps) {}

  /** One measured row: what, milliseconds per unit, and the unit. */
  public record Row(String what, double ms, String per) {}

  /** Runs every measurement; rows in order. */
  public static List<Row> measure(Sizes z, boolean withOneDnn) {
    List<Row> rows = new ArrayList<>();
    MovingSprites data = new MovingSprites(MovingSprites.Spec.sprites(z.size()), 0);
    VideoConfig c = VideoConfig.arm("a", z.size(), z.frames()).withWidths(z.widths());
    ImageModel image = new ImageModel(c, Init.normal(0, 0.02));
    VideoTraining.Recipe ir = new VideoTraining.Recipe(z.steps(), z.imageBatch(), 1e-3, 1, 0, 0.99);
    rows.add(new Row("image model training step (batch " + z.imageBatch() + ")", stepMs(() -> VideoTraining.trainImage(image, data, ir.withSteps(z.warmup()),
        null), () -> VideoTraining.trainImage(image, data, ir, null), z.steps()), "step"));
    if (withOneDnn) {
      ImageModel other = new ImageModel(c, Init.normal(0, 0.02)); // a NaN here must not reach the models measured below
      try (Engine.OneDnn o = Engine.oneDnn()) {
        rows.add(new Row("image model training step, oneDNN scope", stepMs(() -> VideoTraining.trainImage(other, data, ir.withSteps(z.warmup()), null),
            () -> VideoTraining.trainImage(other, data, ir, null), z.steps()), "step"));
      }
    }
    VideoModel video = new VideoModel(c, image, Init.normal(1, 0.02));
    VideoTraining.Recipe vr = new VideoTraining.Recipe(z.steps(), z.batch(), 5e-4, 1, 0, 0.99);
    rows.add(new Row("video model training step (batch " + z.batch() + " clips × " + z.frames() + " frames)", stepMs(
        () -> VideoTraining.trainVideo(video, data, vr.withSteps(z.warmup()), null), () -> VideoTraining.trainVideo(video, data, vr, null), z.steps()),
        "step"));
    if (withOneDnn) {
      VideoModel other = new VideoModel(c, image, Init.normal(1, 0.02));
      try (Engine.OneDnn o = Engine.oneDnn()) {
        rows.add(new Row("video model training step, oneDNN scope", stepMs(() -> VideoTraining.trainVideo(other, data, vr.withSteps(z.warmup()), null),
            () -> VideoTraining.trainVideo(other, data, vr, null), z.steps()), "step"));
      }
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < z.steps(); i++) {
      try (PointerScope s = new PointerScope()) {
        data.videos((long) i * z.batch(), z.batch(), z.frames());
      }
    }
    rows.add(new Row("rendering the clips of one video step", (System.nanoTime() - t0) / 1e6 / z.steps(), "step"));
    // forward only: the frozen UNet on the B·T frames against the whole video model
    MovingSprites.Videos v = data.videos(0, z.batch(), z.frames());
    VideoModel.Cond cond = VideoTraining.condition(v, 1);
    Tensor x = VideoTraining.gaussian(v.frames().shape(), 3);
    Tensor t = torch.full(new long[] {z.batch()}, new Scalar(500f));
    long bt = (long) z.batch() * z.frames();
    Tensor frames = x.reshape(bt, 3, z.size(), z.size());
    Tensor tt = t.repeat_interleave(z.frames());
    Tensor classes = torch.zeros(new long[] {bt}, new org.bytedeco.pytorch.TensorOptions().dtype(new org.bytedeco.pytorch.ScalarTypeOptional(
        torch.ScalarType.Long)));
    Map<String, long[]> shapes = new LinkedHashMap<>();
    try (NoGradGuard g = new NoGradGuard()) {
      image.unet.forward(frames, tt, image.context(classes), null, null, null, (name, h) -> {
        shapes.put(name, h.shape());
        return h;
      });
      rows.add(new Row("frozen image UNet forward on the B·T frames", repeatMs(() -> image.forward(frames, tt, classes), z.steps()), "forward"));
      rows.add(new Row("video model forward (UNet + inserted layers)", repeatMs(() -> video.forward(x, t, cond, null, null), z.steps()), "forward"));
    }
    // the inserted layers alone, forward + backward, summed over the hook points
    double temporalMs = 0, imageAttnMs = 0;
    Tensor motion = torch.randn(z.batch(), c.contextDim());
    Tensor tokens = torch.randn(bt, (long) c.imageTokens() * c.imageTokens(), c.contextDim());
    for (Map.Entry<String, long[]> e : shapes.entrySet()) {
      TemporalLayers tl = video.temporal.get(e.getKey());
      if (tl == null) continue;
      Tensor h = torch.randn(e.getValue()).requires_grad_(true);
      temporalMs += repeatMs(() -> tl.forward(h, z.frames(), motion).sum().backward(), z.steps());
      VideoModel.ImageAttention ia = video.imageAttention.get(e.getKey());
      if (ia != null) imageAttnMs += repeatMs(() -> ia.forward(h, tokens).sum().backward(), z.steps());
    }
    rows.add(new Row("temporal conv + attention, forward + backward, all " + video.temporal.size() + " hook points", temporalMs, "step"));
    rows.add(new Row("semantic cross-attention, forward + backward, all " + video.imageAttention.size() + " points", imageAttnMs, "step"));
    // sampling: DDIM with CFG (two forwards per step)
    Tensor first = v.frames().select(1, 0).contiguous();
    int n = Math.min(z.sampleClips(), z.batch());
    long[] content = Arrays.copyOf(v.colour(), n), mot = Arrays.copyOf(v.motion(), n);
    Tensor img = first.narrow(0, 0, n).contiguous();
    t0 = System.nanoTime();
    VideoSampler.animate(video, img, content, mot, z.frames(), z.ddimSteps(), 2.0, 0);
    rows.add(new Row("sampling, " + z.ddimSteps() + " DDIM steps with CFG, " + n + " clips together", (System.nanoTime() - t0) / 1e6 / n, "clip"));
    return rows;
  }

  /** Milliseconds per step of {@code timed} ({@code steps} steps) after running {@code warm}; NaN when a loss was not finite. */
  private static double stepMs(Runnable warm, Runnable timed, int steps) {
    try {
      warm.run();
      long t0 = System.nanoTime();
      timed.run();
      return (System.nanoTime() - t0) / 1e6 / steps;
    } catch (IllegalStateException diverged) {
      System.err.println("video timing: " + diverged.getMessage());
      return Double.NaN;
    }
  }

  private static double repeatMs(Runnable r, int reps) {
    try (PointerScope s = new PointerScope()) {
      r.run();
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < reps; i++) {
      try (PointerScope s = new PointerScope()) {
        r.run();
      }
    }
    return (System.nanoTime() - t0) / 1e6 / reps;
  }
}
