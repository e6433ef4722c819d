package io.papers4j.vision.video;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The §6(e) measures of generated clips against clips with known motion (everything on [0, 1]
 * pixels):
 *
 * <ul>
 *   <li>{@code first_frame_ssim}: SSIM (11×11 Gaussian window, σ = 1.5, C₁ = 0.01², C₂ = 0.03², valid
 *       region, mean over channels) of generated frame 0 to the conditioning image (AIGCBench's image
 *       consistency);
 *   <li>{@code adjacent_consistency}: mean cosine between adjacent frames with each frame's mean
 *       removed (an ICS proxy in pixel space; no CLIP here);
 *   <li>{@code speed}, {@code speed_true}, {@code speed_error}: the sprite's mean centroid displacement
 *       per frame, tracked by colour distance (pixels within 0.3 of the sprite colour), against the true
 *       one (the RAFT proxy);
 *   <li>{@code direction_agreement}: mean cosine between generated and true per-frame displacement;
 *   <li>{@code brightness_error}: mean over frames of |mean intensity − the true clip's|;
 *   <li>{@code tracked}: fraction of frames where the sprite was found; {@code tracked_first_frame} the same over frames 0 only;
 *   <li>{@code trajectory_error}: mean distance in px of the tracked centroid from the true one, over frames ≥ {@code from}.
 * </ul>
 */
public final class VideoMetrics {
  private VideoMetrics() {}

  static final double COLOUR_RADIUS = 0.3;

  /** SSIM per image of (N, C, H, W) pairs in [−1, 1]. */
  public static double[] ssim(Tensor a, Tensor b) {
    Tensor x = a.add(new org.bytedeco.pytorch.Scalar(1)).div(new org.bytedeco.pytorch.Scalar(2)).to(torch.ScalarType.Double);
    Tensor y = b.add(new org.bytedeco.pytorch.Scalar(1)).div(new org.bytedeco.pytorch.Scalar(2)).to(torch.ScalarType.Double);
    long c = x.size(1);
    Tensor w = gaussianWindow(11, 1.5).view(1, 1, 11, 11).expand(c, 1, 11, 11).contiguous(); // (C, 1, 11, 11)
    Tensor mx = conv(x, w, c), my = conv(y, w, c);
    Tensor sxx = conv(x.mul(x), w, c).sub(mx.mul(mx));
    Tensor syy = conv(y.mul(y), w, c).sub(my.mul(my));
    Tensor sxy = conv(x.mul(y), w, c).sub(mx.mul(my));
    double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
    Tensor num = mx.mul(my).mul(new org.bytedeco.pytorch.Scalar(2)).add(new org.bytedeco.pytorch.Scalar(c1))
        .mul(sxy.mul(new org.bytedeco.pytorch.Scalar(2)).add(new org.bytedeco.pytorch.Scalar(c2)));
    Tensor den = mx.mul(mx).add(my.mul(my)).add(new org.bytedeco.pytorch.Scalar(c1)).mul(sxx.add(syy).add(new org.bytedeco.pytorch.Scalar(c2)));
    Tensor map = num.div(den).flatten(1, 3).mean(new long[] {1}, false, new org.bytedeco.pytorch.ScalarTypeOptional()); // (N)
    double[] out = new double[(int) map.size(0)];
    map.contiguous().data_ptr_double().get(out);
    return out;
  }

  private static Tensor conv(Tensor x, Tensor w, long groups) {
    return torch.conv2d(x, w, new org.bytedeco.pytorch.TensorOptional(), new long[] {1, 1}, new long[] {0, 0}, new long[] {1, 1}, groups);
  }

  static Tensor gaussianWindow(int size, double sigma) {
    double[] g = new double[size];
    double sum = 0;
    for (int i = 0; i < size; i++) {
      double d = i - (size - 1) / 2.0;
      g[i] = Math.exp(-d * d / (2 * sigma * sigma));
      sum += g[i];
    }
    double[] w = new double[size * size];
    for (int i = 0; i < size; i++) for (int j = 0; j < size; j++) w[i * size + j] = g[i] * g[j] / (sum * sum);
    return Tensor.create(w, size, size).clone();
  }

  /** Per clip and frame, the centre {x, y} of the pixels within {@link #COLOUR_RADIUS} of the colour (RGB in [0, 1]), or null. */
  public static double[][][] track(Tensor clips, double[][] colours) {
    int n = (int) clips.size(0), t = (int) clips.size(1), h = (int) clips.size(3), w = (int) clips.size(4);
    float[] v = new float[n * t * 3 * h * w];
    clips.contiguous().to(torch.ScalarType.Float).data_ptr_float().get(v);
    double[][][] out = new double[n][t][];
    for (int i = 0; i < n; i++) {
      for (int f = 0; f < t; f++) {
        double sx = 0, sy = 0;
        int count = 0;
        int base = (i * t + f) * 3 * h * w;
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            double d2 = 0;
            for (int c = 0; c < 3; c++) {
              double p = (v[base + (c * h + y) * w + x] + 1) / 2 - colours[i][c];
              d2 += p * p;
            }
            if (d2 < COLOUR_RADIUS * COLOUR_RADIUS) {
              sx += x + 0.5;
              sy += y + 0.5;
              count++;
            }
          }
        }
        out[i][f] = count == 0 ? null : new double[] {sx / count, sy / count};
      }
    }
    return out;
  }

  /**
   * What one image shows of its class's sprite: {@code colour} pixels within {@link #COLOUR_RADIUS} of
   * the colour, the {@code blob} size of their largest 4-connected group, and {@code stray} pixels that
   * are neither that colour nor dark background (some channel above {@link #STRAY_LEVEL}; the true
   * frames' background stays ≤ 0.35, so true sprites have none).
   */
  public record Sprite(int colour, int blob, int stray) {}

  /** Brighter than any background pixel of the data (≤ 0.35). */
  static final double STRAY_LEVEL = 0.5;

  /** {@link Sprite} of each image (N, 3, S, S) in [−1, 1] against its class's colour. */
  public static Sprite[] sprites(Tensor images, long[] classes) {
    int n = (int) images.size(0), h = (int) images.size(2), w = (int) images.size(3);
    float[] v = new float[n * 3 * h * w];
    images.contiguous().to(torch.ScalarType.Float).data_ptr_float().get(v);
    Sprite[] out = new Sprite[n];
    for (int i = 0; i < n; i++) {
      double[] colour = MovingSprites.COLOURS[(int) classes[i]];
      boolean[] on = new boolean[h * w];
      int count = 0, stray = 0;
      for (int p = 0; p < h * w; p++) {
        double d2 = 0, max = 0;
        for (int c = 0; c < 3; c++) {
          double x = (v[(i * 3 + c) * h * w + p] + 1) / 2;
          d2 += (x - colour[c]) * (x - colour[c]);
          max = Math.max(max, x);
        }
        on[p] = d2 < COLOUR_RADIUS * COLOUR_RADIUS;
        if (on[p]) count++;
        else if (max > STRAY_LEVEL) stray++;
      }
      out[i] = new Sprite(count, largestGroup(on, h, w), stray);
    }
    return out;
  }

  /** Size of the largest 4-connected group of set pixels. */
  static int largestGroup(boolean[] on, int h, int w) {
    boolean[] seen = new boolean[on.length];
    int[] stack = new int[on.length];
    int best = 0;
    for (int p0 = 0; p0 < on.length; p0++) {
      if (!on[p0] || seen[p0]) continue;
      int top = 0, size = 0;
      stack[top++] = p0;
      seen[p0] = true;
      while (top > 0) {
        int p = stack[--top];
        size++;
        int y = p / w, x = p % w;
        int[] next = {x > 0 ? p - 1 : -1, x + 1 < w ? p + 1 : -1, y > 0 ? p - w : -1, y + 1 < h ? p + w : -1};
        for (int q : next) {
          if (q >= 0 && on[q] && !seen[q]) {
            seen[q] = true;
            stack[top++] = q;
          }
        }
      }
      best = Math.max(best, size);
    }
    return best;
  }

  /**
   * All measures of generated clips (N, T, 3, S, S) against the true clips of {@code truth} (same
   * videos; frame 0 of the truth is the conditioning image). {@code from} is the first frame the
   * trajectory error counts (the first generated frame of a rollout).
   */
  public static Map<String, Double> evaluate(Tensor generated, MovingSprites.Videos truth, int from) {
    int n = (int) generated.size(0), t = (int) generated.size(1);
    Map<String, Double> m = new LinkedHashMap<>();
    Tensor first = generated.select(1, 0), cond = truth.frames().select(1, 0);
    m.put("first_frame_ssim", mean(ssim(first, cond)));
    // adjacent-frame consistency
    Tensor g = generated.to(torch.ScalarType.Double).flatten(2, 4); // (N, T, D)
    g = g.sub(g.mean(new long[] {2}, true, new org.bytedeco.pytorch.ScalarTypeOptional()));
    Tensor a = g.narrow(1, 0, t - 1), b = g.narrow(1, 1, t - 1);
    Tensor cos = a.mul(b).sum(new long[] {2}, false, new org.bytedeco.pytorch.ScalarTypeOptional())
        .div(a.norm(new org.bytedeco.pytorch.ScalarOptional(new org.bytedeco.pytorch.Scalar(2)), new long[] {2}, false)
            .mul(b.norm(new org.bytedeco.pytorch.ScalarOptional(new org.bytedeco.pytorch.Scalar(2)), new long[] {2}, false))
            .add(new org.bytedeco.pytorch.Scalar(1e-12)));
    m.put("adjacent_consistency", cos.mean().item_double());
    // motion
    double[][] colours = new double[n][];
    for (int i = 0; i < n; i++) colours[i] = MovingSprites.COLOURS[(int) truth.colour()[i]];
    double[][][] tr = track(generated, colours);
    double speed = 0, speedTrue = 0, speedErr = 0, dir = 0, traj = 0;
    int clipsWithSpeed = 0, dirCount = 0, trajCount = 0, found = 0;
    for (int i = 0; i < n; i++) {
      double s = 0, st = 0;
      int k = 0;
      for (int f = 0; f + 1 < t; f++) {
        double[] p = tr[i][f], q = tr[i][f + 1], pt = truth.centres()[i][f], qt = truth.centres()[i][f + 1];
        if (p == null || q == null) continue;
        double dx = q[0] - p[0], dy = q[1] - p[1], tx = qt[0] - pt[0], ty = qt[1] - pt[1];
        s += Math.hypot(dx, dy);
        st += Math.hypot(tx, ty);
        k++;
        double ng = Math.hypot(dx, dy), nt = Math.hypot(tx, ty);
        dir += ng > 1e-9 && nt > 1e-9 ? (dx * tx + dy * ty) / (ng * nt) : 0;
        dirCount++;
      }
      if (k > 0) {
        speed += s / k;
        speedTrue += st / k;
        speedErr += Math.abs(s / k - st / k);
        clipsWithSpeed++;
      }
      for (int f = 0; f < t; f++) {
        if (tr[i][f] != null) {
          found++;
          if (f >= from) {
            traj += Math.hypot(tr[i][f][0] - truth.centres()[i][f][0], tr[i][f][1] - truth.centres()[i][f][1]);
            trajCount++;
          }
        }
      }
    }
    m.put("speed", clipsWithSpeed == 0 ? Double.NaN : speed / clipsWithSpeed);
    m.put("speed_true", clipsWithSpeed == 0 ? Double.NaN : speedTrue / clipsWithSpeed);
    m.put("speed_error", clipsWithSpeed == 0 ? Double.NaN : speedErr / clipsWithSpeed);
    m.put("direction_agreement", dirCount == 0 ? Double.NaN : dir / dirCount);
    // brightness against the true clip, per frame
    Tensor gm = generated.to(torch.ScalarType.Double).flatten(2, 4).mean(new long[] {2}, false, new org.bytedeco.pytorch.ScalarTypeOptional());
    Tensor tm = truth.frames().narrow(1, 0, t).to(torch.ScalarType.Double).flatten(2, 4)
        .mean(new long[] {2}, false, new org.bytedeco.pytorch.ScalarTypeOptional());
    m.put("brightness_error", gm.sub(tm).abs().mean().item_double() / 2); // [−1, 1] → [0, 1] units
    m.put("tracked", (double) found / (n * t));
    int firstFound = 0;
    for (int i = 0; i < n; i++) firstFound += tr[i][0] != null ? 1 : 0;
    m.put("tracked_first_frame", (double) firstFound / n);
    m.put("trajectory_error", trajCount == 0 ? Double.NaN : traj / trajCount);
    return m;
  }

  static double mean(double[] v) {
    double s = 0;
    for (double x : v) s += x;
    return s / v.length;
  }
}
