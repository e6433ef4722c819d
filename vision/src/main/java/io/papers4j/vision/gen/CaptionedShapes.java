package io.papers4j.vision.gen;

import io.papers4j.core.data.RgbPlanes;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Captioned procedural shapes (spec §0.1 item 1, §3(e) experiment 3C): 32×32 RGB images of one
 * shape drawn with Java2D (antialiased, headless) on a dark background, with four attributes,
 *
 * <pre>
 * shape    10: circle square triangle diamond star cross ring hexagon heart arrow
 * colour    8: red green blue yellow magenta cyan orange white
 * position  5: top-left top-right bottom-left bottom-right centre
 * size      2: small large
 * </pre>
 *
 * and a caption naming all four, e.g. {@code "small red triangle top-left"}. Every sample carries its
 * attribute labels (N, 4) in the order of {@link #ATTRIBUTES}, so a classifier with one head per
 * attribute can score generated images ("attribute accuracy"). Colours and positions are jittered
 * a little, so the set is not a lookup table. Deterministic in the seed.
 */
public final class CaptionedShapes {
  public static final int SIZE = 32;
  public static final String[] SHAPES = {
    "circle", "square", "triangle", "diamond", "star", "cross", "ring", "hexagon", "heart", "arrow"
  };
  public static final String[] COLOURS = {"red", "green", "blue", "yellow", "magenta", "cyan", "orange", "white"};
  private static final int[][] RGB = {
    {220, 40, 40}, {40, 190, 60}, {50, 90, 230}, {235, 220, 50}, {210, 50, 200}, {50, 210, 220}, {245, 140, 30}, {235, 235, 235}
  };
  public static final String[] POSITIONS = {"top-left", "top-right", "bottom-left", "bottom-right", "centre"};
  private static final double[][] CENTRES = {{8, 8}, {24, 8}, {8, 24}, {24, 24}, {16, 16}};
  public static final String[] SIZES = {"small", "large"};
  private static final double[] DIAMETERS = {9, 14};

  /** Attribute names, in the column order of {@link Samples#attributes}. */
  public static final String[] ATTRIBUTES = {"shape", "colour", "position", "size"};
  /** Number of values of each attribute. */
  public static final int[] CARDINALITIES = {SHAPES.length, COLOURS.length, POSITIONS.length, SIZES.length};

  /** Images (N, 3, 32, 32) in [0, 1], attribute labels (N, 4) int64 and one caption per image. */
  public record Samples(Tensor images, Tensor attributes, List<String> captions) {
    public long count() {
      return images.size(0);
    }
  }

  private CaptionedShapes() {}

  /** {@code n} samples with attributes drawn uniformly and independently from {@code seed}. */
  public static Samples generate(int n, long seed) {
    if (n < 1) throw new IllegalArgumentException("need at least one sample, got " + n);
    Random rng = new Random(seed);
    int[][] attrs = new int[n][4];
    for (int[] a : attrs) for (int k = 0; k < 4; k++) a[k] = rng.nextInt(CARDINALITIES[k]);
    return render(attrs, rng.nextLong());
  }

  /** Renders the given attribute rows (shape, colour, position, size); jitter drawn from {@code seed}. */
  public static Samples render(int[][] attributes, long seed) {
    System.setProperty("java.awt.headless", "true");
    Random rng = new Random(seed);
    int n = attributes.length, plane = SIZE * SIZE;
    float[] px = new float[n * 3 * plane];
    long[] labels = new long[n * 4];
    List<String> captions = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int[] a = attributes[i];
      for (int k = 0; k < 4; k++) {
        if (a[k] < 0 || a[k] >= CARDINALITIES[k]) {
          throw new IllegalArgumentException(ATTRIBUTES[k] + " must be in [0, " + CARDINALITIES[k] + "), got " + a[k]);
        }
        labels[i * 4 + k] = a[k];
      }
      RgbPlanes.copy(draw(a, rng), px, i * 3 * plane);
      captions.add(caption(a));
    }
    return new Samples(torch.tensor(px).view(n, 3, SIZE, SIZE), torch.tensor(labels).view(n, 4), captions);
  }

  /** "small red triangle top-left". */
  public static String caption(int[] a) {
    return SIZES[a[3]] + " " + COLOURS[a[1]] + " " + SHAPES[a[0]] + " " + POSITIONS[a[2]];
  }

  /**
   * The attributes a caption names, in any word order ("red triangle", "top-left large star");
   * an attribute the caption does not name is -1. Unknown words fail with one message.
   */
  public static int[] parse(String caption) {
    int[] a = {-1, -1, -1, -1};
    String[][] vocab = {SHAPES, COLOURS, POSITIONS, SIZES};
    String text = caption.trim().toLowerCase(Locale.ROOT).replace("center", "centre");
    if (text.isEmpty()) throw new IllegalArgumentException("empty shapes caption");
    for (String w : text.split("[\\s,]+")) {
      boolean found = false;
      for (int k = 0; k < 4 && !found; k++) {
        for (int v = 0; v < vocab[k].length; v++) {
          if (vocab[k][v].equals(w)) {
            if (a[k] >= 0 && a[k] != v) throw new IllegalArgumentException("caption names two " + ATTRIBUTES[k] + "s: " + caption);
            a[k] = v;
            found = true;
            break;
          }
        }
      }
      if (!found) {
        throw new IllegalArgumentException(
            "unknown word '" + w + "' in shapes caption; use shapes " + String.join("|", SHAPES) + ", colours "
                + String.join("|", COLOURS) + ", positions " + String.join("|", POSITIONS) + ", sizes small|large");
      }
    }
    return a;
  }

  static BufferedImage draw(int[] a, Random rng) {
    BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    int bg = 15 + rng.nextInt(35); // dark grey, so every colour (white included) stands out
    g.setColor(new Color(bg, bg, bg));
    g.fillRect(0, 0, SIZE, SIZE);
    int[] c = RGB[a[1]];
    g.setColor(new Color(jitter(c[0], rng), jitter(c[1], rng), jitter(c[2], rng)));
    double d = DIAMETERS[a[3]] * (0.9 + 0.2 * rng.nextDouble());
    double cx = CENTRES[a[2]][0] + rng.nextDouble() * 2 - 1, cy = CENTRES[a[2]][1] + rng.nextDouble() * 2 - 1;
    g.fill(shape(a[0], cx, cy, d));
    g.dispose();
    return img;
  }

  private static int jitter(int v, Random rng) {
    return Math.max(0, Math.min(255, v + rng.nextInt(31) - 15));
  }

  /** The outline of shape {@code type}, diameter {@code d}, centred at (cx, cy). */
  static Shape shape(int type, double cx, double cy, double d) {
    double r = d / 2;
    return switch (SHAPES[type]) {
      case "circle" -> new Ellipse2D.Double(cx - r, cy - r, d, d);
      case "square" -> new Rectangle2D.Double(cx - r * 0.85, cy - r * 0.85, d * 0.85, d * 0.85);
      case "triangle" -> polygon(cx, cy, r, 3, -Math.PI / 2);
      case "diamond" -> polygon(cx, cy, r, 4, -Math.PI / 2);
      case "hexagon" -> polygon(cx, cy, r, 6, 0);
      case "star" -> star(cx, cy, r);
      case "cross" -> {
        Area a = new Area(new Rectangle2D.Double(cx - r, cy - r / 3, d, d / 3));
        a.add(new Area(new Rectangle2D.Double(cx - r / 3, cy - r, d / 3, d)));
        yield a;
      }
      case "ring" -> {
        Area a = new Area(new Ellipse2D.Double(cx - r, cy - r, d, d));
        a.subtract(new Area(new Ellipse2D.Double(cx - r * 0.5, cy - r * 0.5, r, r)));
        yield a;
      }
      case "heart" -> heart(cx, cy, r);
      case "arrow" -> arrow(cx, cy, r);
      default -> throw new IllegalStateException(SHAPES[type]);
    };
  }

  private static Shape polygon(double cx, double cy, double r, int sides, double start) {
    Path2D.Double p = new Path2D.Double();
    for (int i = 0; i < sides; i++) {
      double t = start + 2 * Math.PI * i / sides;
      if (i == 0) p.moveTo(cx + r * Math.cos(t), cy + r * Math.sin(t));
      else p.lineTo(cx + r * Math.cos(t), cy + r * Math.sin(t));
    }
    p.closePath();
    return p;
  }

  private static Shape star(double cx, double cy, double r) {
    Path2D.Double p = new Path2D.Double();
    for (int i = 0; i < 10; i++) {
      double t = -Math.PI / 2 + Math.PI * i / 5, rr = i % 2 == 0 ? r : r * 0.45;
      if (i == 0) p.moveTo(cx + rr * Math.cos(t), cy + rr * Math.sin(t));
      else p.lineTo(cx + rr * Math.cos(t), cy + rr * Math.sin(t));
    }
    p.closePath();
    return p;
  }

  private static Shape heart(double cx, double cy, double r) {
    Area a = new Area(new Ellipse2D.Double(cx - r, cy - r * 0.8, r, r));
    a.add(new Area(new Ellipse2D.Double(cx, cy - r * 0.8, r, r)));
    Path2D.Double tip = new Path2D.Double();
    tip.moveTo(cx - r * 0.95, cy - r * 0.1);
    tip.lineTo(cx + r * 0.95, cy - r * 0.1);
    tip.lineTo(cx, cy + r);
    tip.closePath();
    a.add(new Area(tip));
    return a;
  }

  private static Shape arrow(double cx, double cy, double r) {
    Path2D.Double p = new Path2D.Double(); // pointing right
    p.moveTo(cx - r, cy - r * 0.25);
    p.lineTo(cx + r * 0.1, cy - r * 0.25);
    p.lineTo(cx + r * 0.1, cy - r * 0.7);
    p.lineTo(cx + r, cy);
    p.lineTo(cx + r * 0.1, cy + r * 0.7);
    p.lineTo(cx + r * 0.1, cy + r * 0.25);
    p.lineTo(cx - r, cy + r * 0.25);
    p.closePath();
    return p;
  }
}
