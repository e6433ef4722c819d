package io.papers4j.core.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * A line chart of named (x, y) series, e.g. training and validation loss against the step. NaN or
 * infinite points break the line; with {@link #logY} non-positive values are rejected.
 */
public final class LineChart extends Chart<LineChart> {
  private record Series(String name, double[] x, double[] y, Color color) {}

  private record Reference(double y, String label) {}

  private final List<Series> series = new ArrayList<>();
  private final List<Reference> references = new ArrayList<>();
  private boolean logY;

  LineChart(String title) {
    super(title, Plot.DEFAULT_WIDTH, Plot.DEFAULT_HEIGHT);
  }

  /** Logarithmic y axis (default linear). */
  public LineChart logY(boolean on) {
    this.logY = on;
    return this;
  }

  /** Adds a series drawn in the next palette colour. */
  public LineChart series(String name, double[] x, double[] y) {
    return series(name, x, y, Plot.color(series.size()));
  }

  /** Adds a series with its x values 0, 1, 2, .... */
  public LineChart series(String name, double[] y) {
    double[] x = new double[y.length];
    for (int i = 0; i < x.length; i++) x[i] = i;
    return series(name, x, y);
  }

  public LineChart series(String name, List<? extends Number> x, List<? extends Number> y) {
    return series(name, toArray(x), toArray(y));
  }

  public LineChart series(String name, double[] x, double[] y, Color color) {
    if (x.length != y.length) {
      throw new IllegalArgumentException(
          "series '" + name + "': " + x.length + " x values but " + y.length + " y values");
    }
    series.add(new Series(name, x.clone(), y.clone(), color));
    return this;
  }

  /** A dashed horizontal line at {@code y} with a label (e.g. a baseline). */
  public LineChart reference(double y, String label) {
    references.add(new Reference(y, label));
    return this;
  }

  /** Draws the chart into a new image. */
  @Override
  public BufferedImage render() {
    double xLo = Double.POSITIVE_INFINITY, xHi = Double.NEGATIVE_INFINITY;
    double yLo = Double.POSITIVE_INFINITY, yHi = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (int i = 0; i < s.x.length; i++) {
        if (!finite(s.x[i], s.y[i])) continue;
        if (logY && s.y[i] <= 0) {
          throw new IllegalArgumentException(
              "series '" + s.name + "' has y = " + s.y[i] + " at x = " + s.x[i]
                  + "; a log-y chart needs positive values");
        }
        xLo = Math.min(xLo, s.x[i]);
        xHi = Math.max(xHi, s.x[i]);
        yLo = Math.min(yLo, s.y[i]);
        yHi = Math.max(yHi, s.y[i]);
      }
    }
    for (Reference r : references) {
      if (logY && r.y <= 0) continue;
      yLo = Math.min(yLo, r.y);
      yHi = Math.max(yHi, r.y);
    }
    if (xLo > xHi) { // no finite data at all: an empty but valid chart
      xLo = 0;
      xHi = 1;
    }
    if (yLo > yHi) {
      yLo = logY ? 1 : 0;
      yHi = logY ? 10 : 1;
    }
    ChartCanvas c = new ChartCanvas(width, height);
    double[] yr = ChartCanvas.padRange(yLo, yHi, logY);
    double[] xr = xHi > xLo ? new double[] {xLo, xHi} : ChartCanvas.padRange(xLo, xHi, false);
    ChartCanvas.Scale xs = new ChartCanvas.Scale(xr[0], xr[1], false, c.left, c.right);
    ChartCanvas.Scale ys = new ChartCanvas.Scale(yr[0], yr[1], logY, c.bottom, c.top);
    c.title(title);
    c.xTicks(xs);
    c.yTicks(ys);
    c.xLabel(xLabel);
    c.yLabel(yLabel);
    c.g.setClip(c.left, c.top, c.right - c.left + 1, c.bottom - c.top + 1);
    for (Reference r : references) {
      if (logY && r.y <= 0) continue;
      float py = (float) ys.px(r.y);
      c.g.setColor(ChartCanvas.AXIS);
      c.g.setStroke(
          new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6, 4}, 0));
      c.g.draw(new java.awt.geom.Line2D.Double(c.left, py, c.right, py));
      c.g.drawString(r.label, c.left + 6, py - 4);
    }
    for (Series s : series) {
      c.g.setColor(s.color);
      c.g.setStroke(new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      Path2D.Double path = new Path2D.Double();
      boolean pen = false;
      int points = 0;
      for (int i = 0; i < s.x.length; i++) {
        if (!finite(s.x[i], s.y[i])) {
          pen = false;
          continue;
        }
        double px = xs.px(s.x[i]);
        double py = ys.px(s.y[i]);
        if (pen) path.lineTo(px, py);
        else path.moveTo(px, py);
        pen = true;
        points++;
      }
      c.g.draw(path);
      if (points <= 40) { // sparse series (e.g. evaluations) also get markers
        for (int i = 0; i < s.x.length; i++) {
          if (!finite(s.x[i], s.y[i])) continue;
          c.g.fill(new Ellipse2D.Double(xs.px(s.x[i]) - 3.5, ys.px(s.y[i]) - 3.5, 7, 7));
        }
      }
    }
    c.g.setClip(null);
    c.frame();
    List<String> names = new ArrayList<>();
    List<Color> colors = new ArrayList<>();
    for (Series s : series) {
      names.add(s.name);
      colors.add(s.color);
    }
    c.legend(names, colors);
    return c.finish();
  }

  private static boolean finite(double x, double y) {
    return Double.isFinite(x) && Double.isFinite(y);
  }

  private static double[] toArray(List<? extends Number> v) {
    double[] a = new double[v.size()];
    for (int i = 0; i < a.length; i++) a[i] = v.get(i).doubleValue();
    return a;
  }
}
