package io.papers4j.multimodal.movie;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Procedural keyframes (Java2D, headless): a location backdrop (sky, ground, a landmark), one or
 * two characters drawn in their clothes colour with a pose for the action, then the visual style —
 * palette, texture and outline — applied to the whole frame. These are the text-to-image model's
 * training images, the style images of textual inversion, and the frames of the held-out "real"
 * movies of the video QA benchmark.
 */
public final class KeyframeRenderer {
  private KeyframeRenderer() {}

  /** Sky, ground and landmark colour of each location, in {@link StoryWorld#LOCATIONS} order. */
  private static final int[][] SCENERY = {
      {150, 200, 230, 40, 110, 40, 20, 80, 30}, // forest: dark-green trees
      {170, 170, 210, 110, 110, 110, 140, 140, 150}, // castle: grey tower
      {120, 190, 250, 235, 215, 150, 30, 90, 200}, // beach: sea band
      {250, 220, 150, 220, 170, 90, 250, 240, 60}, // desert: sun
      {120, 130, 160, 70, 70, 80, 60, 60, 90}, // city: buildings
      {160, 200, 230, 30, 70, 140, 120, 70, 30}, // harbour: boat on water
      {180, 220, 250, 90, 170, 70, 240, 110, 180}, // garden: flowers
      {120, 70, 40, 170, 120, 70, 60, 120, 160}, // library: shelves
      {190, 210, 240, 120, 140, 110, 240, 240, 250}, // mountain: snowy peak
      {200, 220, 240, 150, 170, 90, 190, 50, 40}, // village: red roofs
      {240, 200, 170, 180, 150, 120, 220, 60, 60}, // market: striped awning
      {40, 35, 45, 90, 80, 70, 130, 120, 110}, // cave: stalactites
  };

  private static final int[][] CLOTHES = {
      {220, 30, 30}, {30, 60, 220}, {30, 170, 50}, {240, 220, 30}, {140, 40, 180}, {250, 140, 20}, {245, 245, 245}, {20, 20, 20}};

  /** Renders {@code frame} in {@code style} at {@code size}×{@code size}; {@code seed} jitters positions and grain. */
  public static BufferedImage render(Plot.Frame frame, StoryWorld.Style style, int size, long seed) {
    if (size < 16) throw new IllegalArgumentException("keyframes need at least 16 px, got " + size);
    SplittableRandom rng = new SplittableRandom(seed);
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
    int loc = StoryWorld.LOCATIONS.indexOf(frame.location());
    if (loc < 0) throw new IllegalArgumentException("cannot draw unknown location " + frame.location());
    backdrop(g, loc, size, rng);
    List<String> looks = frame.looks();
    for (int i = 0; i < looks.size(); i++) {
      String[] kc = Plot.parseLook(looks.get(i));
      if (kc == null) throw new IllegalArgumentException("cannot draw look '" + looks.get(i) + "'");
      double cx = looks.size() == 1 ? 0.5 : (frame.action().equals("hugging") ? 0.42 + 0.16 * i : 0.3 + 0.4 * i);
      figure(g, kc[0], StoryWorld.COLOURS.indexOf(kc[1]), frame.action(), (int) Math.round((cx + (rng.nextDouble() - 0.5) * 0.08) * size), size);
    }
    g.dispose();
    return stylise(img, style, rng);
  }

  private static void backdrop(Graphics2D g, int loc, int s, SplittableRandom rng) {
    int[] c = SCENERY[loc];
    int horizon = (int) (s * (0.55 + 0.06 * (rng.nextDouble() - 0.5)));
    g.setColor(new Color(c[0], c[1], c[2]));
    g.fillRect(0, 0, s, horizon);
    g.setColor(new Color(c[3], c[4], c[5]));
    g.fillRect(0, horizon, s, s - horizon);
    g.setColor(new Color(c[6], c[7], c[8]));
    int u = Math.max(1, s / 16);
    switch (StoryWorld.LOCATIONS.get(loc)) {
      case "forest" -> {
        for (int x = 0; x < s; x += s / 4) g.fillPolygon(new int[] {x, x + s / 8, x + s / 4}, new int[] {horizon, horizon - s / 3, horizon}, 3);
      }
      case "castle" -> {
        g.fillRect(s / 8, horizon - s / 2 + u, s / 5, s / 2 - u);
        for (int k = 0; k < 3; k++) g.fillRect(s / 8 + k * s / 14, horizon - s / 2, u, u);
      }
      case "beach" -> g.fillRect(0, horizon - s / 8, s, s / 8);
      case "desert" -> g.fillOval(s - s / 3, s / 10, s / 5, s / 5);
      case "city" -> {
        for (int x = 0; x < s; x += s / 5) g.fillRect(x, horizon - s / 6 - (x * 7 % (s / 4 + 1)), s / 6, s / 6 + (x * 7 % (s / 4 + 1)));
      }
      case "harbour" -> g.fillRect(s / 10, horizon - u, s / 4, 2 * u);
      case "garden" -> {
        for (int k = 0; k < 6; k++) g.fillOval(k * s / 6 + u, horizon + u + (k % 2) * 2 * u, 2 * u, 2 * u);
      }
      case "library" -> {
        for (int y = s / 10; y < horizon - u; y += s / 6) g.fillRect(0, y, s, u);
      }
      case "mountain" -> g.fillPolygon(new int[] {0, s / 3, 2 * s / 3}, new int[] {horizon, horizon - s / 2, horizon}, 3);
      case "village" -> {
        for (int x = 0; x < s; x += s / 3) g.fillPolygon(new int[] {x, x + s / 8, x + s / 4}, new int[] {horizon - s / 8, horizon - s / 4, horizon - s / 8}, 3);
      }
      case "market" -> {
        for (int x = 0; x < s; x += 2 * u) g.fillRect(x, s / 8, u, s / 8);
      }
      case "cave" -> {
        for (int x = 0; x < s; x += s / 5) g.fillPolygon(new int[] {x, x + s / 10, x + s / 5}, new int[] {0, s / 5, 0}, 3);
      }
      default -> throw new IllegalStateException();
    }
  }

  /** A figure centred at x: head, body in the clothes colour, legs; the pose follows the action. */
  private static void figure(Graphics2D g, String kind, int colour, String action, int x, int s) {
    double h = kind.equals("child") ? 0.32 : 0.5;
    boolean low = action.equals("sitting") || action.equals("squatting");
    if (low) h *= 0.72;
    int height = (int) (s * h), foot = (int) (s * 0.92), top = foot - height;
    int head = Math.max(3, height / 4), bodyW = Math.max(3, s / 8);
    int[] cc = CLOTHES[colour];
    g.setColor(new Color(cc[0], cc[1], cc[2]));
    int bodyTop = top + head, bodyBottom = foot - height / 4;
    if (kind.equals("woman")) {
      g.fillPolygon(new int[] {x, x - bodyW, x + bodyW}, new int[] {bodyTop, bodyBottom + height / 8, bodyBottom + height / 8}, 3);
    } else {
      g.fillRect(x - bodyW / 2, bodyTop, bodyW, bodyBottom - bodyTop);
    }
    g.setColor(new Color(60, 45, 40));
    g.setStroke(new BasicStroke(Math.max(1, s / 32f)));
    int spread = action.equals("walking") ? bodyW : bodyW / 3;
    g.drawLine(x - bodyW / 4, bodyBottom, x - spread, foot);
    g.drawLine(x + bodyW / 4, bodyBottom, x + spread, foot);
    if (action.equals("holding")) {
      g.setColor(new Color(250, 250, 250));
      g.fillRect(x + bodyW / 2, bodyTop + head / 2, Math.max(2, s / 16), Math.max(2, s / 16));
    }
    g.setColor(new Color(240, 200, 160));
    g.fillOval(x - head / 2, top, head, head);
  }

  /** Applies palette, texture and outline. The outline follows colour edges of the unstyled frame. */
  static BufferedImage stylise(BufferedImage src, StoryWorld.Style style, SplittableRandom rng) {
    int w = src.getWidth(), h = src.getHeight();
    int[] px = src.getRGB(0, 0, w, h, null, 0, w);
    boolean[] edge = new boolean[w * h];
    int width = switch (style.outline()) { case "thin" -> 1; case "thick" -> 2; default -> 0; };
    if (width > 0) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int p = px[y * w + x];
          boolean e = (x + 1 < w && far(p, px[y * w + x + 1])) || (y + 1 < h && far(p, px[(y + 1) * w + x]));
          if (!e) continue;
          for (int dy = 0; dy < width; dy++) for (int dx = 0; dx < width; dx++) if (y + dy < h && x + dx < w) edge[(y + dy) * w + x + dx] = true;
        }
      }
    }
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = px[y * w + x];
        double r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
        double[] c = palette(style.palette(), r, g, b);
        double t = switch (style.texture()) {
          case "stripes" -> ((x + y) / 2) % 2 == 0 ? 0.78 : 1.0;
          case "dots" -> (x % 4 == 1 && y % 4 == 1) ? 1.6 : 1.0;
          case "grain" -> 1.0 + (rng.nextDouble() - 0.5) * 0.5;
          default -> 1.0;
        };
        int rgb = 0;
        for (int k = 0; k < 3; k++) {
          double v = edge[y * w + x] ? 15 : c[k] * t + (t > 1.2 ? 40 : 0);
          rgb = (rgb << 8) | (int) Math.max(0, Math.min(255, Math.round(v)));
        }
        out.setRGB(x, y, rgb);
      }
    }
    return out;
  }

  private static boolean far(int a, int b) {
    int d = 0;
    for (int k = 0; k < 24; k += 8) d += Math.abs(((a >> k) & 0xff) - ((b >> k) & 0xff));
    return d > 90;
  }

  private static double[] palette(String palette, double r, double g, double b) {
    double lum = 0.299 * r + 0.587 * g + 0.114 * b;
    return switch (palette) {
      case "pastel" -> new double[] {0.5 * r + 0.5 * 245, 0.5 * g + 0.5 * 235, 0.5 * b + 0.5 * 240};
      case "neon" -> new double[] {lum + 1.8 * (r - lum), lum + 1.8 * (g - lum), lum + 1.8 * (b - lum)};
      case "dark" -> new double[] {0.4 * r, 0.4 * g, 0.45 * b + 20};
      case "sepia" -> new double[] {0.35 * r + 0.65 * (lum * 1.07 + 20), 0.35 * g + 0.65 * (lum * 0.87 + 10), 0.35 * b + 0.65 * (lum * 0.62)};
      default -> new double[] {r, g, b};
    };
  }

  /** A random frame of the world (1-2 characters), for text-to-image training. */
  public static Plot.Frame randomFrame(SplittableRandom rng) {
    String loc = PlotGrammar.pick(StoryWorld.LOCATIONS, rng);
    String look = StoryWorld.look(PlotGrammar.pick(StoryWorld.KINDS, rng), PlotGrammar.pick(StoryWorld.COLOURS, rng));
    String expr = PlotGrammar.pick(StoryWorld.EXPRESSIONS, rng);
    if (rng.nextInt(3) > 0) {
      String action = PlotGrammar.pick(StoryWorld.ACTIONS.subList(0, 7), rng);
      return new Plot.Frame("at the " + loc + ", " + look + " is " + action + ", with a " + expr, loc, List.of("A"), List.of(look), action, expr);
    }
    String other = StoryWorld.look(PlotGrammar.pick(StoryWorld.KINDS, rng), PlotGrammar.pick(StoryWorld.COLOURS, rng));
    String action = PlotGrammar.pick(List.of("talking", "hugging", "looking", "walking", "standing"), rng);
    return new Plot.Frame("at the " + loc + ", " + look + " is " + action + " with " + other + ", with a " + expr, loc,
        List.of("A", "B"), List.of(look, other), action, expr);
  }

  /** A random style of the world (palette × texture × outline). */
  public static StoryWorld.Style randomStyle(SplittableRandom rng) {
    return new StoryWorld.Style(PlotGrammar.pick(StoryWorld.PALETTES, rng), PlotGrammar.pick(StoryWorld.TEXTURES, rng),
        PlotGrammar.pick(StoryWorld.OUTLINES, rng));
  }
}
