package io.papers4j.vision.tryon;

import io.papers4j.core.data.FashionMnist;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.Tensor;

/**
 * The procedural "person + garment" data of spec §5(e), 32×32 RGB, deterministic by (seed, split,
 * index).
 *
 * <ul>
 *   <li><b>Person</b>: background colour, skin-tone head with hair, torso trapezoid, two arms as
 *       rotated rectangles (±40° from hanging), two legs; varies in arm angles, torso width (±15%),
 *       scale (±15%) and x-offset (±3 px). Clothes not being tried on are plain colours.
 *   <li><b>Garment</b>: the silhouette of a real Fashion-MNIST item of its category (upper body:
 *       T-shirt, pullover, coat, shirt; lower body: trouser; dress: dress; test split of the Debian
 *       package), upsampled to 32 px, on white, filled with a texture: stripes (random angle, period
 *       3-8 px, 2 colours), checks (period 3-8 px), polka dots, or a 2-colour gradient with a letter logo.
 *   <li><b>Target</b>: the person wearing the garment, the texture warped onto the category's body
 *       region (upper: torso and upper arms; lower: hips and legs; dress: torso and skirt) by the
 *       affine map that takes the region's box onto the garment's box under the person's pose.
 *   <li><b>Agnostic image and mask</b>: the target with the garment area (region plus the arms for
 *       upper-body and dresses, dilated by 1 px) painted grey (0.5), and that binary mask.
 * </ul>
 *
 * Paired examples render a person with its own garment; {@link #unpaired} renders person i with the
 * garment of another index (any category: the category travels with the garment).
 */
public final class TryOnData {
  public static final int SIZE = 32;
  public static final List<String> CATEGORIES = List.of("upper", "lower", "dress");
  public static final List<String> TEXTURES = List.of("stripes", "checks", "dots", "logo");
  private static final int[][] CLASSES_BY_CATEGORY = {{0, 2, 4, 6}, {1}, {3}}; // Fashion-MNIST labels
  private static final double GREY = 0.5;

  /** Example images as CHW float arrays in [0, 1]; mask and region as H·W 0/1 arrays. */
  public record Example(float[] target, float[] garment, float[] agnostic, float[] mask, float[] region, int category, int texture) {}

  /** A batch: images (B, 3, 32, 32) in [0, 1], mask and garment region (B, 1, 32, 32), category and texture (B) int64. */
  public record Batch(Tensor target, Tensor garment, Tensor agnostic, Tensor mask, Tensor region, Tensor category, Tensor texture) {
    public long size() {
      return target.size(0);
    }
  }

  private record Person(double[] bg, double[] skin, double[] hair, double[] top, double[] bottom, double scale, double dx, double width,
      double armLeft, double armRight) {}

  private record Garment(int category, int texture, double[] c1, double[] c2, double[] c3, double angle, double period, double radius,
      int letter, boolean[] silhouette, double[] box) {}

  private final long seed;
  private final byte[] pixels; // Fashion-MNIST t10k, N·28·28
  private final List<List<Integer>> items = new ArrayList<>(); // per category, the item indices

  private TryOnData(long seed, FashionMnist.Split split) {
    this.seed = seed;
    this.pixels = split.pixels();
    for (int[] classes : CLASSES_BY_CATEGORY) {
      List<Integer> idx = new ArrayList<>();
      for (int i = 0; i < split.count(); i++) {
        for (int c : classes) if (split.label(i) == c) idx.add(i);
      }
      items.add(idx);
    }
  }

  /** The generator; garment silhouettes come from Fashion-MNIST's test split (Debian dataset-fashion-mnist). */
  public static TryOnData load(long seed) {
    return new TryOnData(seed, FashionMnist.load("t10k"));
  }

  public long seed() {
    return seed;
  }

  /** Example {@code index} of {@code split} ("train", "test" or any name: each name is its own stream). */
  public Example example(String split, long index) {
    return render(person(split, index), garment(split, index));
  }

  /** Person {@code index} of the test split wearing the garment of test index {@code index + 1 + (index·7919 mod 97)}. */
  public Example unpaired(long index) {
    long other = index + 1 + Math.floorMod(index * 7919, 97);
    return render(person("test", index), garment("test", other));
  }

  /** n paired examples from {@code from} as tensors. */
  public Batch batch(String split, long from, int n) {
    List<Example> ex = new ArrayList<>();
    for (int i = 0; i < n; i++) ex.add(example(split, from + i));
    return stack(ex);
  }

  /** n unpaired test examples from {@code from}. */
  public Batch unpairedBatch(long from, int n) {
    List<Example> ex = new ArrayList<>();
    for (int i = 0; i < n; i++) ex.add(unpaired(from + i));
    return stack(ex);
  }

  public static Batch stack(List<Example> ex) {
    int n = ex.size(), px = SIZE * SIZE;
    float[] t = new float[n * 3 * px], g = new float[n * 3 * px], a = new float[n * 3 * px], m = new float[n * px], r = new float[n * px];
    long[] cat = new long[n], tex = new long[n];
    for (int i = 0; i < n; i++) {
      Example e = ex.get(i);
      System.arraycopy(e.target(), 0, t, i * 3 * px, 3 * px);
      System.arraycopy(e.garment(), 0, g, i * 3 * px, 3 * px);
      System.arraycopy(e.agnostic(), 0, a, i * 3 * px, 3 * px);
      System.arraycopy(e.mask(), 0, m, i * px, px);
      System.arraycopy(e.region(), 0, r, i * px, px);
      cat[i] = e.category();
      tex[i] = e.texture();
    }
    return new Batch(image(t, n, 3), image(g, n, 3), image(a, n, 3), image(m, n, 1), image(r, n, 1),
        Tensor.create(cat, n).clone(), Tensor.create(tex, n).clone());
  }

  private static Tensor image(float[] v, int n, int c) {
    return Tensor.create(v, n, c, SIZE, SIZE).clone();
  }

  // ---------------------------------------------------------------- sampling the parameters

  private SplittableRandom rng(String split, long index, int stream) {
    long h = seed * 0x9E3779B97F4A7C15L + split.hashCode() * 0xC2B2AE3D27D4EB4FL + index * 0x165667B19E3779F9L + stream;
    return new SplittableRandom(h);
  }

  private Person person(String split, long index) {
    SplittableRandom r = rng(split, index, 1);
    double[][] skins = {{0.96, 0.80, 0.69}, {0.90, 0.72, 0.56}, {0.78, 0.57, 0.42}, {0.60, 0.42, 0.30}, {0.42, 0.29, 0.20}};
    double[] bg = {0.75 + 0.25 * r.nextDouble(), 0.75 + 0.25 * r.nextDouble(), 0.75 + 0.25 * r.nextDouble()};
    double[] hair = scale(randomColour(r), 0.35);
    double[] top = scale(randomColour(r), 0.6), bottom = scale(randomColour(r), 0.45);
    return new Person(bg, skins[r.nextInt(skins.length)], hair, top, bottom, 0.85 + 0.30 * r.nextDouble(), -3 + 6 * r.nextDouble(),
        0.85 + 0.30 * r.nextDouble(), Math.toRadians(-40 + 80 * r.nextDouble()), Math.toRadians(-40 + 80 * r.nextDouble()));
  }

  private Garment garment(String split, long index) {
    SplittableRandom r = rng(split, index, 2);
    double u = r.nextDouble();
    int category = u < 0.5 ? 0 : u < 0.75 ? 1 : 2;
    List<Integer> pool = items.get(category);
    boolean[] sil = silhouette(pool.get(r.nextInt(pool.size())));
    double[] c1 = randomColour(r), c2 = randomColour(r);
    while (distance(c1, c2) < 0.5) c2 = randomColour(r);
    double[] c3 = r.nextBoolean() ? new double[] {0.05, 0.05, 0.05} : new double[] {0.97, 0.97, 0.97};
    return new Garment(category, r.nextInt(TEXTURES.size()), c1, c2, c3, Math.PI * r.nextDouble(), 3 + 5 * r.nextDouble(),
        1.0 + 0.8 * r.nextDouble(), r.nextInt(26), sil, box(sil));
  }

  private static double[] randomColour(SplittableRandom r) {
    double h = r.nextDouble(), s = 0.55 + 0.45 * r.nextDouble(), v = 0.55 + 0.45 * r.nextDouble();
    int rgb = java.awt.Color.HSBtoRGB((float) h, (float) s, (float) v);
    return new double[] {((rgb >> 16) & 255) / 255.0, ((rgb >> 8) & 255) / 255.0, (rgb & 255) / 255.0};
  }

  private static double[] scale(double[] c, double f) {
    return new double[] {c[0] * f, c[1] * f, c[2] * f};
  }

  private static double distance(double[] a, double[] b) {
    return Math.sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
  }

  /** The Fashion-MNIST item's shape at 32 px (nearest neighbour, pixel ≥ 40/255). */
  private boolean[] silhouette(int item) {
    boolean[] s = new boolean[SIZE * SIZE];
    int off = item * FashionMnist.SIZE * FashionMnist.SIZE;
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        int sx = x * FashionMnist.SIZE / SIZE, sy = y * FashionMnist.SIZE / SIZE;
        s[y * SIZE + x] = (pixels[off + sy * FashionMnist.SIZE + sx] & 0xff) >= 40;
      }
    }
    return s;
  }

  /** The silhouette's bounding box {u0, v0, u1, v1} (pixel edges). */
  private static double[] box(boolean[] s) {
    int u0 = SIZE, v0 = SIZE, u1 = 0, v1 = 0;
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        if (!s[y * SIZE + x]) continue;
        u0 = Math.min(u0, x);
        v0 = Math.min(v0, y);
        u1 = Math.max(u1, x + 1);
        v1 = Math.max(v1, y + 1);
      }
    }
    if (u1 <= u0) return new double[] {4, 4, 28, 28};
    return new double[] {u0, v0, u1, v1};
  }

  // ---------------------------------------------------------------- texture and rendering

  /** The garment texture at garment coordinates (u, v) in pixels. */
  private static double[] texture(Garment g, double u, double v) {
    switch (g.texture()) {
      case 0 -> { // stripes across the direction (cos θ, sin θ)
        double d = u * Math.cos(g.angle()) + v * Math.sin(g.angle());
        return Math.floorMod((long) Math.floor(2 * d / g.period()), 2L) == 0 ? g.c1() : g.c2();
      }
      case 1 -> { // checks
        long a = (long) Math.floor(u / g.period()), b = (long) Math.floor(v / g.period());
        return Math.floorMod(a + b, 2L) == 0 ? g.c1() : g.c2();
      }
      case 2 -> { // polka dots on a grid of period 1.6·radius + 3
        double p = 1.6 * g.radius() + 3;
        double du = u - p * (Math.floor(u / p) + 0.5), dv = v - p * (Math.floor(v / p) + 0.5);
        return du * du + dv * dv <= g.radius() * g.radius() ? g.c2() : g.c1();
      }
      default -> { // vertical gradient c1 → c2 with a letter logo (12 px) at the box centre
        double[] b = g.box();
        double f = Math.max(0, Math.min(1, (v - b[1]) / Math.max(1, b[3] - b[1])));
        int lx = (int) Math.floor(u - (b[0] + b[2]) / 2 + 6), ly = (int) Math.floor(v - (b[1] + b[3]) / 2 + 6);
        if (lx >= 0 && lx < 12 && ly >= 0 && ly < 12 && GLYPHS[g.letter()][ly * 12 + lx]) return g.c3();
        return new double[] {g.c1()[0] * (1 - f) + g.c2()[0] * f, g.c1()[1] * (1 - f) + g.c2()[1] * f, g.c1()[2] * (1 - f) + g.c2()[2] * f};
      }
    }
  }

  private static final boolean[][] GLYPHS = glyphs();

  /** A–Z as 12×12 bitmaps (bold sans-serif, headless Java2D). */
  private static boolean[][] glyphs() {
    boolean[][] out = new boolean[26][];
    for (int k = 0; k < 26; k++) {
      BufferedImage img = new BufferedImage(12, 12, BufferedImage.TYPE_BYTE_GRAY);
      Graphics2D g = img.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_OFF);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
      String s = String.valueOf((char) ('A' + k));
      int w = g.getFontMetrics().stringWidth(s);
      g.drawString(s, (12 - w) / 2, 11);
      g.dispose();
      out[k] = new boolean[144];
      for (int i = 0; i < 144; i++) out[k][i] = (img.getRaster().getSample(i % 12, i / 12, 0)) > 127;
    }
    return out;
  }

  /** Body parts at canonical coordinates (x, y): 0 none, 1 head, 2 torso, 3 upper arm, 4 forearm, 5 leg, 6 hips. */
  private static int part(Person p, double x, double y) {
    double w = p.width();
    if ((x - 16) * (x - 16) + (y - 5.5) * (y - 5.5) <= 3.5 * 3.5) return 1;
    for (int side = -1; side <= 1; side += 2) {
      double sx = 16 + side * (6 * w - 0.8), sy = 11, a = side < 0 ? p.armLeft() : p.armRight();
      double ux = side * Math.sin(a), uy = Math.cos(a);
      double dx = x - sx, dy = y - sy, along = dx * ux + dy * uy, perp = Math.abs(dx * uy - dy * ux);
      if (along >= 0 && along <= 10 && perp <= 1.6) return along <= 5 ? 3 : 4;
    }
    if (y >= 8.5 && y < 10 && Math.abs(x - 16) <= 1.2) return 1; // neck
    if (y >= 10 && y <= 20 && Math.abs(x - 16) <= 6 * w - w * (y - 10) / 10) return 2;
    if (y > 20 && y <= 22 && Math.abs(x - 16) <= 5 * w) return 6;
    if (y > 20 && y <= 31 && (Math.abs(x - 16 - 2.6 * w) <= 2.2 || Math.abs(x - 16 + 2.6 * w) <= 2.2)) return 5;
    return 0;
  }

  private static boolean inSkirt(Person p, double x, double y) {
    return y > 20 && y <= 27 && Math.abs(x - 16) <= 5 * p.width() + (y - 20) * 0.5;
  }

  /** Is this part (at this point) covered by a garment of the category? */
  private static boolean garmentAt(int category, Person p, int part, double x, double y) {
    return switch (category) {
      case 0 -> part == 2 || part == 3;
      case 1 -> part == 5 || part == 6;
      default -> part == 2 || inSkirt(p, x, y);
    };
  }

  private Example render(Person p, Garment g) {
    int px = SIZE * SIZE;
    float[] target = new float[3 * px], garment = new float[3 * px], mask = new float[px], region = new float[px];
    boolean[] covered = new boolean[px]; // the area to hide, before dilation
    // the category's body-region box in canonical coordinates (x0, y0, x1, y1), mapped onto the garment's box
    double w = p.width();
    double[] rb = switch (g.category()) {
      case 0 -> new double[] {16 - 6 * w, 10, 16 + 6 * w, 20};
      case 1 -> new double[] {16 - 5 * w, 20, 16 + 5 * w, 31};
      default -> new double[] {16 - 6 * w, 10, 16 + 6 * w, 27};
    };
    double[] gb = g.box();
    for (int yy = 0; yy < SIZE; yy++) {
      for (int xx = 0; xx < SIZE; xx++) {
        int i = yy * SIZE + xx;
        double x = 16 + (xx + 0.5 - 16 - p.dx()) / p.scale(), y = 16 + (yy + 0.5 - 16) / p.scale(); // image → canonical
        int part = part(p, x, y);
        boolean skirt = g.category() == 2 && part == 0 && inSkirt(p, x, y);
        double[] c;
        if (garmentAt(g.category(), p, part, x, y) || skirt) {
          double u = gb[0] + (x - rb[0]) / (rb[2] - rb[0]) * (gb[2] - gb[0]);
          double v = gb[1] + (y - rb[1]) / (rb[3] - rb[1]) * (gb[3] - gb[1]);
          c = texture(g, u, v);
          region[i] = 1;
        } else {
          c = switch (part) {
            case 1 -> y < 4.5 ? p.hair() : p.skin();
            case 2, 3 -> g.category() == 2 ? p.skin() : p.top();
            case 4 -> p.skin();
            case 5, 6 -> g.category() == 2 ? p.skin() : p.bottom();
            default -> p.bg();
          };
        }
        covered[i] = region[i] > 0 || (g.category() != 1 && (part == 3 || part == 4)) || (g.category() == 2 && part == 2);
        for (int ch = 0; ch < 3; ch++) target[ch * px + i] = (float) c[ch];
        boolean on = g.silhouette()[i];
        double[] gc = on ? texture(g, xx + 0.5, yy + 0.5) : new double[] {1, 1, 1};
        for (int ch = 0; ch < 3; ch++) garment[ch * px + i] = (float) gc[ch];
      }
    }
    for (int yy = 0; yy < SIZE; yy++) { // 3×3 dilation
      for (int xx = 0; xx < SIZE; xx++) {
        boolean any = false;
        for (int dy = -1; dy <= 1 && !any; dy++) {
          for (int dx = -1; dx <= 1 && !any; dx++) {
            int y2 = yy + dy, x2 = xx + dx;
            any = y2 >= 0 && y2 < SIZE && x2 >= 0 && x2 < SIZE && covered[y2 * SIZE + x2];
          }
        }
        mask[yy * SIZE + xx] = any ? 1 : 0;
      }
    }
    float[] agnostic = target.clone();
    for (int i = 0; i < px; i++) {
      if (mask[i] > 0) for (int ch = 0; ch < 3; ch++) agnostic[ch * px + i] = (float) GREY;
    }
    return new Example(target, garment, agnostic, mask, region, g.category(), g.texture());
  }

  /** The agnostic image of a person image (B, 3, S, S) under a mask (B, 1, S, S): masked pixels grey. */
  public static Tensor agnostic(Tensor person, Tensor mask) {
    return person.mul(mask.neg().add(new org.bytedeco.pytorch.Scalar(1))).add(mask.mul(new org.bytedeco.pytorch.Scalar(GREY)));
  }
}
