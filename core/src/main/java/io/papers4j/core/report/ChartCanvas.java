package io.papers4j.core.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The shared frame of every chart: white image, title, a plot area with margins, numeric axes
 * with "nice" ticks (linear, or powers of ten for log scale), axis labels and a legend.
 */
final class ChartCanvas {
  static final Color AXIS = new Color(0x333333);
  static final Color GRID = new Color(0xe6e6e6);

  final BufferedImage image;
  final Graphics2D g;
  final int width;
  final int height;
  // The plot area in pixels.
  int left = 70;
  int right;
  int top = 45;
  int bottom;

  ChartCanvas(int width, int height) {
    Plot.checkSize(width, height);
    this.width = width;
    this.height = height;
    image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    right = width - 20;
    bottom = height - 55;
  }

  void title(String title) {
    if (title == null || title.isEmpty()) return;
    Font old = g.getFont();
    g.setFont(old.deriveFont(Font.BOLD, 15f));
    g.setColor(AXIS);
    FontMetrics fm = g.getFontMetrics();
    g.drawString(title, (width - fm.stringWidth(title)) / 2, 25);
    g.setFont(old);
  }

  void xLabel(String label) {
    if (label == null || label.isEmpty()) return;
    g.setColor(AXIS);
    FontMetrics fm = g.getFontMetrics();
    g.drawString(label, (left + right - fm.stringWidth(label)) / 2, height - 12);
  }

  void yLabel(String label) {
    if (label == null || label.isEmpty()) return;
    g.setColor(AXIS);
    FontMetrics fm = g.getFontMetrics();
    AffineTransform old = g.getTransform();
    g.translate(16, (top + bottom + fm.stringWidth(label)) / 2.0);
    g.rotate(-Math.PI / 2);
    g.drawString(label, 0, 0);
    g.setTransform(old);
  }

  void frame() {
    g.setColor(AXIS);
    g.setStroke(new BasicStroke(1f));
    g.drawRect(left, top, right - left, bottom - top);
  }

  /** Linear or log mapping of a data range onto a pixel range. */
  static final class Scale {
    final double lo;
    final double hi;
    final boolean log;
    final int p0;
    final int p1;

    Scale(double lo, double hi, boolean log, int p0, int p1) {
      this.lo = lo;
      this.hi = hi;
      this.log = log;
      this.p0 = p0;
      this.p1 = p1;
    }

    double px(double v) {
      double a = log ? Math.log10(lo) : lo;
      double b = log ? Math.log10(hi) : hi;
      double x = log ? Math.log10(v) : v;
      double t = b == a ? 0.5 : (x - a) / (b - a);
      return p0 + t * (p1 - p0);
    }

    List<Double> ticks() {
      List<Double> out = new ArrayList<>();
      if (log) {
        int e0 = (int) Math.floor(Math.log10(lo));
        int e1 = (int) Math.ceil(Math.log10(hi));
        int stride = Math.max(1, (e1 - e0) / 8);
        for (int e = e0; e <= e1; e += stride) {
          double v = Math.pow(10, e);
          if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.add(v);
        }
        if (out.size() < 2) {
          // Less than a decade: label 1-2-5 multiples instead of powers of ten.
          out.clear();
          for (int e = e0 - 1; e <= e1; e++) {
            for (double m : new double[] {1, 2, 5}) {
              double v = m * Math.pow(10, e);
              if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.add(v);
            }
          }
        }
        return out;
      }
      double step = niceStep((hi - lo) / 6);
      for (double v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
        out.add(Math.abs(v) < step * 1e-9 ? 0.0 : v);
      }
      return out;
    }
  }

  /** 1, 2 or 5 times a power of ten, the smallest not below {@code raw}. */
  static double niceStep(double raw) {
    if (!(raw > 0) || Double.isInfinite(raw)) return 1;
    double p = Math.pow(10, Math.floor(Math.log10(raw)));
    double m = raw / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  }

  /** Pads a data range so the data does not touch the frame; widens an empty range. */
  static double[] padRange(double lo, double hi, boolean log) {
    if (log) {
      if (hi <= lo) return new double[] {lo / 2, hi * 2};
      double r = Math.log10(hi) - Math.log10(lo);
      return new double[] {lo / Math.pow(10, r * 0.05), hi * Math.pow(10, r * 0.05)};
    }
    if (hi <= lo) {
      double d = lo == 0 ? 1 : Math.abs(lo) * 0.1;
      return new double[] {lo - d, hi + d};
    }
    double d = (hi - lo) * 0.05;
    return new double[] {lo - d, hi + d};
  }

  void xTicks(Scale x) {
    FontMetrics fm = g.getFontMetrics();
    for (double v : x.ticks()) {
      int px = (int) Math.round(x.px(v));
      g.setColor(GRID);
      g.drawLine(px, top + 1, px, bottom - 1);
      g.setColor(AXIS);
      g.drawLine(px, bottom, px, bottom + 4);
      String s = format(v);
      g.drawString(s, px - fm.stringWidth(s) / 2, bottom + 17);
    }
  }

  void yTicks(Scale y) {
    FontMetrics fm = g.getFontMetrics();
    int widest = 0;
    for (double v : y.ticks()) widest = Math.max(widest, fm.stringWidth(format(v)));
    for (double v : y.ticks()) {
      int py = (int) Math.round(y.px(v));
      g.setColor(GRID);
      g.drawLine(left + 1, py, right - 1, py);
      g.setColor(AXIS);
      g.drawLine(left - 4, py, left, py);
      String s = format(v);
      g.drawString(s, left - 7 - fm.stringWidth(s), py + fm.getAscent() / 2 - 1);
    }
  }

  /** Short tick/annotation text: integers plainly, tiny or huge values in scientific notation. */
  static String format(double v) {
    if (Double.isNaN(v)) return "";
    double a = Math.abs(v);
    if (a == 0) return "0";
    if (a >= 1e5 || a < 1e-3) return String.format(Locale.ROOT, "%.0e", v).replace("e+0", "e").replace("e-0", "e-");
    if (v == Math.rint(v)) return String.format(Locale.ROOT, "%d", (long) v);
    if (a >= 100) return String.format(Locale.ROOT, "%.0f", v);
    if (a >= 10) return trimZeros(String.format(Locale.ROOT, "%.1f", v));
    if (a >= 1) return trimZeros(String.format(Locale.ROOT, "%.2f", v));
    return trimZeros(String.format(Locale.ROOT, "%.3f", v));
  }

  private static String trimZeros(String s) {
    if (!s.contains(".")) return s;
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  /** A boxed legend in the top-right corner of the plot area. */
  void legend(List<String> names, List<Color> colors) {
    if (names.isEmpty()) return;
    FontMetrics fm = g.getFontMetrics();
    int w = 0;
    for (String n : names) w = Math.max(w, fm.stringWidth(n));
    int rowH = fm.getHeight() + 2;
    int boxW = w + 36;
    int boxH = rowH * names.size() + 8;
    int x0 = right - boxW - 8;
    int y0 = top + 8;
    g.setColor(new Color(255, 255, 255, 220));
    g.fillRect(x0, y0, boxW, boxH);
    g.setColor(new Color(0xbbbbbb));
    g.drawRect(x0, y0, boxW, boxH);
    for (int i = 0; i < names.size(); i++) {
      int cy = y0 + 4 + rowH * i + rowH / 2;
      g.setColor(colors.get(i));
      g.setStroke(new BasicStroke(3f));
      g.drawLine(x0 + 6, cy, x0 + 24, cy);
      g.setStroke(new BasicStroke(1f));
      g.setColor(AXIS);
      g.drawString(names.get(i), x0 + 30, cy + fm.getAscent() / 2 - 1);
    }
  }

  BufferedImage finish() {
    g.dispose();
    return image;
  }
}
