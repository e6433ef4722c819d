package io.papers4j.core.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.geom.AffineTransform;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A bar chart: one bar per label from zero to its value, the value printed above it, and optional
 * error bars given either as symmetric half-widths ({@link #errors}) or as absolute intervals
 * ({@link #intervals}, e.g. bootstrap confidence intervals).
 */
public final class BarChart extends Chart<BarChart> {
  private String[] labels = new String[0];
  private double[] values = new double[0];
  private double[] low;
  private double[] high;
  private boolean distinctColors;
  private Double reference;
  private String referenceLabel = "";

  BarChart(String title) {
    super(title, Plot.DEFAULT_WIDTH, Plot.DEFAULT_HEIGHT);
  }

  public BarChart labels(String... labels) {
    this.labels = labels.clone();
    return this;
  }

  public BarChart labels(List<String> labels) {
    return labels(labels.toArray(new String[0]));
  }

  public BarChart values(double... values) {
    this.values = values.clone();
    return this;
  }

  /** Symmetric error bars: value ± err[i]. */
  public BarChart errors(double... err) {
    low = new double[err.length];
    high = new double[err.length];
    for (int i = 0; i < err.length; i++) {
      low[i] = values.length > i ? values[i] - err[i] : Double.NaN;
      high[i] = values.length > i ? values[i] + err[i] : Double.NaN;
    }
    return this;
  }

  /** Error bars from low[i] to high[i] (absolute values, not offsets). */
  public BarChart intervals(double[] low, double[] high) {
    this.low = low.clone();
    this.high = high.clone();
    return this;
  }

  /** One palette colour per bar instead of one colour for all. */
  public BarChart distinctColors(boolean on) {
    this.distinctColors = on;
    return this;
  }

  /** A dashed horizontal line at {@code y} (e.g. a baseline or the paper's number). */
  public BarChart reference(double y, String label) {
    this.reference = y;
    this.referenceLabel = label;
    return this;
  }

  @Override
  public BufferedImage render() {
    if (labels.length != values.length) {
      throw new IllegalArgumentException(
          "bar chart '" + title + "': " + labels.length + " labels but " + values.length + " values");
    }
    if (low != null && (low.length != values.length || high.length != values.length)) {
      throw new IllegalArgumentException(
          "bar chart '" + title + "': error bars for " + low.length + " bars but " + values.length
              + " values");
    }
    double lo = 0, hi = 0;
    for (int i = 0; i < values.length; i++) {
      lo = minFinite(lo, values[i]);
      hi = maxFinite(hi, values[i]);
      if (low != null) {
        lo = minFinite(lo, low[i]);
        hi = maxFinite(hi, high[i]);
      }
    }
    if (reference != null) {
      lo = Math.min(lo, reference);
      hi = Math.max(hi, reference);
    }
    if (hi == lo) hi = lo + 1;
    // Room above the tallest bar for its value label.
    double pad = (hi - lo) * 0.1;
    double yLo = lo < 0 ? lo - pad : 0;
    double yHi = hi > 0 ? hi + pad : 0;

    ChartCanvas c = new ChartCanvas(width, height);
    FontMetrics fm = c.g.getFontMetrics();
    int n = Math.max(1, values.length);
    double slot = (double) (c.right - c.left) / n;
    int widest = 0;
    for (String l : labels) widest = Math.max(widest, fm.stringWidth(l));
    boolean rotate = widest > slot - 6;
    if (rotate) c.bottom = Math.max(c.top + 60, c.height - 40 - Math.min(widest, c.height / 3));
    ChartCanvas.Scale ys = new ChartCanvas.Scale(yLo, yHi, false, c.bottom, c.top);
    c.title(title);
    c.yTicks(ys);
    c.xLabel(xLabel);
    c.yLabel(yLabel);
    double zero = ys.px(0);
    for (int i = 0; i < values.length; i++) {
      double cx = c.left + slot * (i + 0.5);
      double bw = slot * 0.65;
      if (Double.isFinite(values[i])) {
        double py = ys.px(values[i]);
        c.g.setColor(distinctColors ? Plot.color(i) : Plot.color(0));
        c.g.fill(new Rectangle2D.Double(cx - bw / 2, Math.min(py, zero), bw, Math.abs(zero - py)));
        String s = ChartCanvas.format(values[i]);
        c.g.setColor(ChartCanvas.AXIS);
        double textY = values[i] >= 0 ? Math.min(py, errTop(ys, i, py)) - 5 : py + fm.getAscent() + 3;
        c.g.drawString(s, (float) (cx - fm.stringWidth(s) / 2.0), (float) textY);
      }
      if (low != null && Double.isFinite(low[i]) && Double.isFinite(high[i])) {
        c.g.setColor(Color.BLACK);
        c.g.setStroke(new BasicStroke(1.5f));
        double y0 = ys.px(low[i]);
        double y1 = ys.px(high[i]);
        double cap = Math.min(8, bw / 4);
        c.g.draw(new Line2D.Double(cx, y0, cx, y1));
        c.g.draw(new Line2D.Double(cx - cap, y0, cx + cap, y0));
        c.g.draw(new Line2D.Double(cx - cap, y1, cx + cap, y1));
        c.g.setStroke(new BasicStroke(1f));
      }
      c.g.setColor(ChartCanvas.AXIS);
      String l = labels[i];
      if (rotate) {
        AffineTransform old = c.g.getTransform();
        c.g.translate(cx + fm.getAscent() / 2.0, c.bottom + 6);
        c.g.rotate(Math.PI / 4);
        c.g.drawString(l, 0, 0);
        c.g.setTransform(old);
      } else {
        c.g.drawString(l, (float) (cx - fm.stringWidth(l) / 2.0), c.bottom + 17);
      }
    }
    if (reference != null) {
      float py = (float) ys.px(reference);
      c.g.setColor(new Color(0xd62728));
      c.g.setStroke(
          new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6, 4}, 0));
      c.g.draw(new Line2D.Double(c.left, py, c.right, py));
      c.g.setStroke(new BasicStroke(1f));
      c.g.drawString(referenceLabel, c.right - fm.stringWidth(referenceLabel) - 6, py - 4);
    }
    c.g.setColor(ChartCanvas.AXIS);
    c.g.draw(new Line2D.Double(c.left, zero, c.right, zero));
    c.frame();
    return c.finish();
  }

  private double errTop(ChartCanvas.Scale ys, int i, double py) {
    return low != null && Double.isFinite(high[i]) ? Math.min(py, ys.px(high[i])) : py;
  }

  private static double minFinite(double a, double b) {
    return Double.isFinite(b) ? Math.min(a, b) : a;
  }

  private static double maxFinite(double a, double b) {
    return Double.isFinite(b) ? Math.max(a, b) : a;
  }
}
