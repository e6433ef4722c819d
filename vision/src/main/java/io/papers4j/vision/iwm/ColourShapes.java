package io.papers4j.vision.iwm;

import io.papers4j.core.data.RgbPlanes;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Procedural colour shapes of spec 2(e): 32×32 RGB, 10 shape classes drawn (antialiased, AWT
 * headless) with a random hue, a random darker/lighter background hue, random size, position and
 * rotation. Deterministic in the seed. Images are float (N, 3, S, S) in [0, 1], labels long (N).
 */
public final class ColourShapes {
  public static final String[] CLASSES = {
    "circle", "square", "triangle", "diamond", "star", "cross", "ring", "hexagon", "ellipse", "arrow"
  };

  /** Images (N, 3, S, S) and labels (N). */
  public record Data(Tensor images, Tensor labels) {
    public long size() {
      return images.size(0);
    }
  }

  private ColourShapes() {}

  public static Data generate(int n, int side, long seed) {
    if (n < 1 || side < 8) throw new IllegalArgumentException("need n >= 1 and side >= 8, got " + n + ", " + side);
    System.setProperty("java.awt.headless", "true");
    Random rng = new Random(seed);
    float[] pixels = new float[n * 3 * side * side];
    long[] labels = new long[n];
    for (int i = 0; i < n; i++) {
      int cls = rng.nextInt(CLASSES.length);
      labels[i] = cls;
      RgbPlanes.copy(render(cls, side, rng), pixels, i * 3 * side * side);
    }
    return new Data(torch.tensor(pixels).view(n, 3, side, side), torch.tensor(labels));
  }

  static BufferedImage render(int cls, int side, Random rng) {
    BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    float fgHue = rng.nextFloat();
    float bgHue = rng.nextFloat();
    g.setColor(Color.getHSBColor(bgHue, 0.2f + 0.4f * rng.nextFloat(), 0.15f + 0.35f * rng.nextFloat()));
    g.fillRect(0, 0, side, side);
    double size = side * (0.35 + 0.3 * rng.nextDouble()); // shape extent in pixels
    double cx = size / 2 + rng.nextDouble() * (side - size);
    double cy = size / 2 + rng.nextDouble() * (side - size);
    double angle = rng.nextDouble() * 2 * Math.PI;
    AffineTransform at = new AffineTransform();
    at.translate(cx, cy);
    at.rotate(angle);
    at.scale(size / 2, size / 2);
    g.setColor(Color.getHSBColor(fgHue, 0.6f + 0.4f * rng.nextFloat(), 0.7f + 0.3f * rng.nextFloat()));
    Shape s = at.createTransformedShape(unit(cls));
    if (cls == 6) { // ring: a stroked circle
      g.setStroke(new BasicStroke((float) (size * 0.18)));
      g.draw(at.createTransformedShape(new Ellipse2D.Double(-0.8, -0.8, 1.6, 1.6)));
    } else {
      g.fill(s);
    }
    g.dispose();
    return img;
  }

  /** The class's shape in the unit square [−1, 1]². */
  static Shape unit(int cls) {
    return switch (cls) {
      case 0 -> new Ellipse2D.Double(-1, -1, 2, 2);
      case 1 -> new Rectangle2D.Double(-0.8, -0.8, 1.6, 1.6);
      case 2 -> polygon(3, 1, 0);
      case 3 -> polygon(4, 1, 0);
      case 4 -> star();
      case 5 -> cross();
      case 6 -> new Ellipse2D.Double(-0.8, -0.8, 1.6, 1.6);
      case 7 -> polygon(6, 1, 0);
      case 8 -> new Ellipse2D.Double(-1, -0.5, 2, 1);
      case 9 -> arrow();
      default -> throw new IllegalArgumentException("shape class " + cls);
    };
  }

  private static Path2D polygon(int k, double r, double phase) {
    Path2D p = new Path2D.Double();
    for (int i = 0; i < k; i++) {
      double a = phase + 2 * Math.PI * i / k - Math.PI / 2;
      if (i == 0) p.moveTo(r * Math.cos(a), r * Math.sin(a));
      else p.lineTo(r * Math.cos(a), r * Math.sin(a));
    }
    p.closePath();
    return p;
  }

  private static Path2D star() {
    Path2D p = new Path2D.Double();
    for (int i = 0; i < 10; i++) {
      double r = i % 2 == 0 ? 1 : 0.42;
      double a = Math.PI * i / 5 - Math.PI / 2;
      if (i == 0) p.moveTo(r * Math.cos(a), r * Math.sin(a));
      else p.lineTo(r * Math.cos(a), r * Math.sin(a));
    }
    p.closePath();
    return p;
  }

  private static Path2D cross() {
    double w = 0.3;
    double[][] pts = {{-w, -1}, {w, -1}, {w, -w}, {1, -w}, {1, w}, {w, w}, {w, 1}, {-w, 1}, {-w, w}, {-1, w}, {-1, -w}, {-w, -w}};
    return path(pts);
  }

  private static Path2D arrow() {
    double[][] pts = {{-1, -0.25}, {0.2, -0.25}, {0.2, -0.7}, {1, 0}, {0.2, 0.7}, {0.2, 0.25}, {-1, 0.25}};
    return path(pts);
  }

  private static Path2D path(double[][] pts) {
    Path2D p = new Path2D.Double();
    p.moveTo(pts[0][0], pts[0][1]);
    for (int i = 1; i < pts.length; i++) p.lineTo(pts[i][0], pts[i][1]);
    p.closePath();
    return p;
  }
}
