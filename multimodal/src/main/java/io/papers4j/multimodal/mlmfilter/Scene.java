package io.papers4j.multimodal.mlmfilter;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A procedural scene with its graph: one or two objects, each a shape with a colour, a size and a
 * position, on a cluttered background, rendered at 32×32 with Java2D. The graph is the ground truth
 * the oracle teacher reads.
 */
public record Scene(List<Obj> objects, boolean shifted, long seed) {
  public static final List<String> SHAPES = List.of("circle", "square", "triangle", "star", "cross", "ring");
  public static final List<String> COLOURS = List.of("red", "green", "blue", "yellow", "purple", "cyan");
  public static final List<String> SIZES = List.of("small", "large");
  public static final List<String> POSITIONS = List.of("left", "right", "top", "bottom", "middle");
  static final Color[] RGB = {new Color(220, 40, 40), new Color(40, 190, 60), new Color(50, 80, 230),
      new Color(235, 215, 40), new Color(160, 60, 200), new Color(40, 210, 220)};
  public static final int SIDE = 32;

  /** One object: indices into SHAPES, COLOURS, SIZES, POSITIONS. */
  public record Obj(int shape, int colour, int size, int position) {
    public String phrase(boolean withSize, boolean withColour, boolean withPosition) {
      StringBuilder b = new StringBuilder("a ");
      if (withSize) b.append(SIZES.get(size)).append(' ');
      if (withColour) b.append(COLOURS.get(colour)).append(' ');
      b.append(SHAPES.get(shape));
      if (withPosition) b.append(' ').append(where(position));
      return b.toString();
    }
  }

  /** "on the left", "at the top", "in the middle". */
  public static String where(int position) {
    return switch (position) {
      case 0 -> "on the left";
      case 1 -> "on the right";
      case 2 -> "at the top";
      case 3 -> "at the bottom";
      default -> "in the middle";
    };
  }

  /** A random scene of 1-2 objects with distinct positions; {@code shifted} = the distribution-shifted render. */
  public static Scene random(long seed, boolean shifted) {
    Random r = new Random(seed);
    int n = 1 + r.nextInt(2);
    List<Obj> objs = new ArrayList<>();
    int firstPos = -1;
    for (int i = 0; i < n; i++) {
      int pos;
      do pos = r.nextInt(POSITIONS.size()); while (pos == firstPos || (n == 2 && pos == 4));
      firstPos = pos;
      int shape;
      do shape = r.nextInt(SHAPES.size()); while (i == 1 && shape == objs.get(0).shape());
      // the first object is the main one: drawn large more often
      objs.add(new Obj(shape, r.nextInt(COLOURS.size()), i == 0 ? (r.nextInt(4) == 0 ? 0 : 1) : r.nextInt(2), pos));
    }
    return new Scene(List.copyOf(objs), shifted, seed);
  }

  /** One object at a chosen position (held-out zero-shot tasks). */
  public static Scene single(Obj o, boolean shifted, long seed) {
    return new Scene(List.of(o), shifted, seed);
  }

  /**
   * The same scene with the main (first) object's shape replaced: same seed, so the same clutter and the same jitter of
   * every object; colour, size and place kept.
   */
  public Scene withMainShape(int shape) {
    if (shape < 0 || shape >= SHAPES.size()) throw new IllegalArgumentException("shape index " + shape + " outside 0-" + (SHAPES.size() - 1));
    List<Obj> objs = new ArrayList<>(objects);
    Obj m = objs.get(0);
    objs.set(0, new Obj(shape, m.colour(), m.size(), m.position()));
    return new Scene(List.copyOf(objs), shifted, seed);
  }

  /** Renders the scene: dark clutter background (light, with stripes, when shifted), objects on top. */
  public BufferedImage render() {
    Random r = new Random(seed ^ 0x5DEECE66DL);
    BufferedImage img = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    int base = shifted ? 200 + r.nextInt(40) : 30 + r.nextInt(40);
    g.setColor(new Color(base, base, base));
    g.fillRect(0, 0, SIDE, SIDE);
    for (int i = 0; i < 12; i++) { // clutter
      int v = shifted ? base - 40 - r.nextInt(40) : base + 20 + r.nextInt(40);
      g.setColor(new Color(v, v, v));
      if (shifted) g.fillRect(0, r.nextInt(SIDE), SIDE, 1);
      else g.fillRect(r.nextInt(SIDE), r.nextInt(SIDE), 1 + r.nextInt(2), 1 + r.nextInt(2));
    }
    for (Obj o : objects) draw(g, o, r);
    g.dispose();
    return img;
  }

  private static void draw(Graphics2D g, Obj o, Random r) {
    int rad = o.size() == 0 ? 4 : 7;
    int cx = switch (o.position()) { case 0 -> 8; case 1 -> 24; default -> 16; } + r.nextInt(3) - 1;
    int cy = switch (o.position()) { case 2 -> 8; case 3 -> 24; default -> 16; } + r.nextInt(3) - 1;
    g.setColor(RGB[o.colour()]);
    switch (o.shape()) {
      case 0 -> g.fillOval(cx - rad, cy - rad, 2 * rad, 2 * rad);
      case 1 -> g.fillRect(cx - rad + 1, cy - rad + 1, 2 * rad - 2, 2 * rad - 2);
      case 2 -> g.fillPolygon(new Polygon(new int[] {cx, cx - rad, cx + rad}, new int[] {cy - rad, cy + rad, cy + rad}, 3));
      case 3 -> {
        int[] xs = new int[10], ys = new int[10];
        for (int k = 0; k < 10; k++) {
          double a = -Math.PI / 2 + k * Math.PI / 5, rr = k % 2 == 0 ? rad : rad * 0.45;
          xs[k] = (int) Math.round(cx + rr * Math.cos(a));
          ys[k] = (int) Math.round(cy + rr * Math.sin(a));
        }
        g.fillPolygon(xs, ys, 10);
      }
      case 4 -> {
        int w = Math.max(2, rad / 2);
        g.fillRect(cx - rad, cy - w / 2, 2 * rad, w);
        g.fillRect(cx - w / 2, cy - rad, w, 2 * rad);
      }
      default -> {
        g.setStroke(new BasicStroke(Math.max(1.5f, rad / 3f)));
        g.drawOval(cx - rad + 1, cy - rad + 1, 2 * rad - 2, 2 * rad - 2);
      }
    }
  }
}
