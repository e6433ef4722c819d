package io.papers4j.vision.video;

import io.papers4j.core.tensor.Precision;
import io.papers4j.core.train.ProgressBar;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Evaluation on held-out clips (indices from {@link #TEST_FIRST}, never seen in training): image-to-video
 * from each clip's first frame with its true motion prompt and colour class, and frame-prediction
 * rollouts from its first L true frames, both measured by {@link VideoMetrics}.
 */
public final class VideoEval {
  /** Test clips start at this index; training uses indices below it. */
  public static final long TEST_FIRST = 1_000_000_000L;

  private VideoEval() {}

  /** Generated clips and their measures. */
  public record Outcome(Tensor clips, MovingSprites.Videos truth, Map<String, Double> metrics) {}

  /** Image-to-video on n held-out clips, in chunks of {@code chunk}. */
  public static Outcome imageToVideo(VideoModel model, MovingSprites data, int n, int chunk, int steps, double cfg, long seed, ProgressBar bar) {
    return imageToVideo(model, data, n, chunk, steps, cfg, seed, bar, Precision.F32);
  }

  /**
   * As above with the sampler's forward passes in {@code precision} (bf16 = CPU autocast); the clips
   * are read back as float32 and the metrics computed from them stay float32.
   */
  public static Outcome imageToVideo(VideoModel model, MovingSprites data, int n, int chunk, int steps, double cfg, long seed, ProgressBar bar,
      Precision precision) {
    int t = model.config().frames();
    MovingSprites.Videos truth = data.videos(TEST_FIRST, n, t);
    TensorVector parts = new TensorVector();
    for (int from = 0; from < n; from += chunk) {
      int m = Math.min(chunk, n - from);
      Tensor first = truth.frames().narrow(0, from, m).select(1, 0).contiguous(); // (m, 3, S, S)
      long[] content = java.util.Arrays.copyOfRange(truth.colour(), from, from + m);
      long[] motion = java.util.Arrays.copyOfRange(truth.motion(), from, from + m);
      try (Precision.Region cast = precision.autocast()) {
        parts.push_back(VideoSampler.animate(model, first, content, motion, t, steps, cfg, seed + from).to(torch.ScalarType.Float));
      }
      if (bar != null) bar.update(from + m, Double.NaN, m);
    }
    Tensor clips = torch.cat(parts, 0);
    return new Outcome(clips, truth, VideoMetrics.evaluate(clips, truth, 1));
  }

  /**
   * The frozen image model's own samples: {@code perClass} images of every content class (DDIM, CFG on
   * the class), each measured by {@link VideoMetrics#sprites} against its class's colour. Metrics:
   * {@code sprite_found} (share of images whose largest group of class-coloured pixels holds at least
   * {@link #MIN_BLOB} pixels), {@code blob_pixels} (mean size of that group), {@code stray_pixels}
   * (mean count of bright pixels of another colour), each with its value on true frames ({@code _true},
   * 64 training frames) for scale, and {@code sprite_found_class_k} per class.
   */
  public static Outcome imageModel(ImageModel model, MovingSprites data, int perClass, int steps, double cfg, long seed) {
    int k = model.config().contentClasses();
    long[] classes = new long[k * perClass];
    for (int i = 0; i < classes.length; i++) classes[i] = i / perClass;
    Tensor images = VideoSampler.sampleImages(model, classes, steps, cfg, seed); // (N, 3, S, S)
    Map<String, Double> m = new LinkedHashMap<>();
    VideoMetrics.Sprite[] got = VideoMetrics.sprites(images, classes);
    MovingSprites.Videos real = data.videos(0, 64, 1);
    VideoMetrics.Sprite[] truth = VideoMetrics.sprites(real.frames().select(1, 0), real.colour());
    m.put("sprite_found", found(got, 0, got.length));
    m.put("sprite_found_true", found(truth, 0, truth.length));
    m.put("blob_pixels", java.util.Arrays.stream(got).mapToInt(VideoMetrics.Sprite::blob).average().orElse(Double.NaN));
    m.put("blob_pixels_true", java.util.Arrays.stream(truth).mapToInt(VideoMetrics.Sprite::blob).average().orElse(Double.NaN));
    m.put("stray_pixels", java.util.Arrays.stream(got).mapToInt(VideoMetrics.Sprite::stray).average().orElse(Double.NaN));
    m.put("stray_pixels_true", java.util.Arrays.stream(truth).mapToInt(VideoMetrics.Sprite::stray).average().orElse(Double.NaN));
    for (int c = 0; c < k; c++) m.put("sprite_found_class_" + c, found(got, c * perClass, (c + 1) * perClass));
    return new Outcome(images.unsqueeze(1), null, m);
  }

  /** A sprite counts as drawn when its largest class-coloured group has at least this many pixels. */
  public static final int MIN_BLOB = 4;

  private static double found(VideoMetrics.Sprite[] s, int from, int to) {
    int f = 0;
    for (int i = from; i < to; i++) f += s[i].blob() >= MIN_BLOB ? 1 : 0;
    return f / (double) (to - from);
  }

  /**
   * Frame prediction on n held-out clips: the first {@code given} true frames, then {@code iterations}
   * windows of T − L new frames; the trajectory error counts the predicted frames only.
   */
  public static Outcome rollout(VideoModel model, MovingSprites data, int n, int given, int iterations, int steps, double cfg, long seed,
      ProgressBar bar) {
    return rollout(model, data, n, given, iterations, steps, cfg, seed, bar, Precision.F32);
  }

  /** As above with the sampler's forward passes in {@code precision}; clips read back as float32. */
  public static Outcome rollout(VideoModel model, MovingSprites data, int n, int given, int iterations, int steps, double cfg, long seed,
      ProgressBar bar, Precision precision) {
    int t = model.config().frames();
    int total = given + iterations * (t - given);
    MovingSprites.Videos truth = data.videos(TEST_FIRST, n, total);
    Tensor start = truth.frames().narrow(1, 0, given).contiguous();
    Tensor clips;
    try (Precision.Region cast = precision.autocast()) {
      clips = VideoSampler.rollout(model, start, truth.colour(), truth.motion(), t, iterations, steps, cfg, seed).to(torch.ScalarType.Float);
    }
    if (bar != null) bar.update(n, Double.NaN, n);
    Map<String, Double> m = new LinkedHashMap<>(VideoMetrics.evaluate(clips, truth, given));
    // the error per rollout window
    for (int it = 0; it < iterations; it++) {
      int from = given + it * (t - given);
      Tensor part = clips.narrow(1, 0, from + t - given);
      MovingSprites.Videos tr = new MovingSprites.Videos(truth.frames().narrow(1, 0, from + t - given), truth.motion(), truth.colour(),
          truth.centres());
      m.put("trajectory_error_window_" + (it + 1), VideoMetrics.evaluate(part, tr, from).get("trajectory_error"));
    }
    return new Outcome(clips, truth, m);
  }
}
