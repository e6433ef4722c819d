package io.papers4j.core.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * A heatmap of a matrix (e.g. the Arena's pairwise win rates): row labels on the left, column
 * labels below, each cell coloured by its value and annotated with it, a colour bar on the right.
 * NaN cells (e.g. a model against itself) are drawn grey and left blank.
 */
public final class Heatmap extends Chart<Heatmap> {
  /** Colour scales: sequential (viridis) or diverging around the middle of the range (coolwarm). */
  public enum Colormap {
    VIRIDIS(
        new double[] {0, 0.25, 0.5, 0.75, 1},
        new int[] {0x440154, 0x3b528b, 0x21918c, 0x5ec962, 0xfde725}),
    COOLWARM(new double[] {0, 0.5, 1}, new int[] {0x3b4cc0, 0xdddddd, 0xb40426});

    private final double[] stops;
    private final int[] rgb;

    Colormap(double[] stops, int[] rgb) {
      this.stops = stops;
      this.rgb = rgb;
    }

    /** Colour at {@code t} in [0, 1] (clamped), linear between the stops. */
    public Color at(double t) {
      t = Math.max(0, Math.min(1, t));
      int k = 0;
      while (k < stops.length - 2 && t > stops[k + 1]) k++;
      double u = (t - stops[k]) / (stops[k + 1] - stops[k]);
      int a = rgb[k], b = rgb[k + 1];
      return new Color(
          mix(a >> 16 & 255, b >> 16 & 255, u), mix(a >> 8 & 255, b >> 8 & 255, u), mix(a & 255, b & 255, u));
    }

    private static int mix(int a, int b, double u) {
      return (int) Math.round(a + (b - a) * u);
    }
  }

  static final Color MISSING = new Color(0xcccccc);

  private String[] rows;
  private String[] cols;
  private double[][] values;
  private Double min;
  private Double max;
  private String format = "%.2f";
  private boolean annotate = true;
  private Colormap colormap = Colormap.VIRIDIS;

  Heatmap(String title) {
    super(title, Plot.DEFAULT_WIDTH, Plot.DEFAULT_WIDTH - 100);
  }

  public Heatmap rows(String... labels) {
    this.rows = labels.clone();
    return this;
  }

  public Heatmap rows(List<String> labels) {
    return rows(labels.toArray(new String[0]));
  }

  public Heatmap cols(String... labels) {
    this.cols = labels.clone();
    return this;
  }

  public Heatmap cols(List<String> labels) {
    return cols(labels.toArray(new String[0]));
  }

  /** The matrix, {@code values[row][col]}. */
  public Heatmap values(double[][] values) {
    this.values = new double[values.length][];
    for (int i = 0; i < values.length; i++) this.values[i] = values[i].clone();
    return this;
  }

  /** Fixed colour range (default: the finite min and max of the data). */
  public Heatmap range(double min, double max) {
    if (!(max > min)) throw new IllegalArgumentException("heatmap range needs max > min: " + min + ", " + max);
    this.min = min;
    this.max = max;
    return this;
  }

  /** {@link String#format} pattern of the cell annotations (default {@code %.2f}). */
  public Heatmap format(String format) {
    this.format = format;
    return this;
  }

  /** Whether each cell shows its value (default true). */
  public Heatmap annotate(boolean on) {
    this.annotate = on;
    return this;
  }

  public Heatmap colormap(Colormap colormap) {
    this.colormap = colormap;
    return this;
  }

  @Override
  public BufferedImage render() {
    if (values == null || values.length == 0) {
      throw new IllegalArgumentException("heatmap '" + title + "' has no values");
    }
    int nr = values.length;
    int nc = values[0].length;
    for (int i = 0; i < nr; i++) {
      if (values[i].length != nc) {
        throw new IllegalArgumentException(
            "heatmap '" + title + "': row " + i + " has " + values[i].length + " values, row 0 has " + nc);
      }
    }
    String[] rl = rows != null ? rows : numbered(nr);
    String[] cl = cols != null ? cols : numbered(nc);
    if (rl.length != nr || cl.length != nc) {
      throw new IllegalArgumentException(
          "heatmap '" + title + "': " + rl.length + "x" + cl.length + " labels for a " + nr + "x" + nc
              + " matrix");
    }
    double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
    for (double[] r : values) {
      for (double v : r) {
        if (Double.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (min != null) {
      lo = min;
      hi = max;
    } else if (!(hi > lo)) {
      lo = Double.isFinite(lo) ? lo - 0.5 : 0;
      hi = lo + 1;
    }

    ChartCanvas c = new ChartCanvas(width, height);
    FontMetrics fm = c.g.getFontMetrics();
    int rowW = 0;
    for (String s : rl) rowW = Math.max(rowW, fm.stringWidth(s));
    int colW = 0;
    for (String s : cl) colW = Math.max(colW, fm.stringWidth(s));
    c.left = Math.min(width / 3, rowW + 14 + (yLabel.isEmpty() ? 0 : 22));
    c.right = width - 95; // colour bar and its ticks
    double cellW = (double) (c.right - c.left) / nc;
    boolean rotate = colW > cellW - 4;
    int labelH = rotate ? (int) Math.min(height / 3.0, colW * 0.72 + 10) : fm.getHeight() + 6;
    c.bottom = height - labelH - (xLabel.isEmpty() ? 10 : 30);
    double cellH = (double) (c.bottom - c.top) / nr;
    c.title(title);
    c.xLabel(xLabel);
    c.yLabel(yLabel);

    Font cellFont = c.g.getFont().deriveFont((float) Math.max(8, Math.min(14, Math.min(cellW / 4, cellH / 2))));
    for (int i = 0; i < nr; i++) {
      for (int j = 0; j < nc; j++) {
        double v = values[i][j];
        int x0 = (int) Math.round(c.left + j * cellW);
        int x1 = (int) Math.round(c.left + (j + 1) * cellW);
        int y0 = (int) Math.round(c.top + i * cellH);
        int y1 = (int) Math.round(c.top + (i + 1) * cellH);
        Color col = Double.isFinite(v) ? colormap.at((v - lo) / (hi - lo)) : MISSING;
        c.g.setColor(col);
        c.g.fillRect(x0, y0, x1 - x0, y1 - y0);
        if (annotate && Double.isFinite(v)) {
          Font old = c.g.getFont();
          c.g.setFont(cellFont);
          FontMetrics cf = c.g.getFontMetrics();
          String s = String.format(Locale.ROOT, format, v);
          // Dark text on light cells, white on dark ones (relative luminance).
          double lum = 0.2126 * col.getRed() + 0.7152 * col.getGreen() + 0.0722 * col.getBlue();
          c.g.setColor(lum > 140 ? Color.BLACK : Color.WHITE);
          c.g.drawString(s, (x0 + x1 - cf.stringWidth(s)) / 2, (y0 + y1 + cf.getAscent()) / 2 - 2);
          c.g.setFont(old);
        }
      }
    }
    c.g.setColor(ChartCanvas.AXIS);
    for (int i = 0; i < nr; i++) {
      int cy = (int) Math.round(c.top + (i + 0.5) * cellH);
      c.g.drawString(rl[i], c.left - 6 - fm.stringWidth(rl[i]), cy + fm.getAscent() / 2 - 1);
    }
    for (int j = 0; j < nc; j++) {
      double cx = c.left + (j + 0.5) * cellW;
      if (rotate) {
        AffineTransform old = c.g.getTransform();
        c.g.translate(cx - fm.getAscent() / 2.0, c.bottom + 6);
        c.g.rotate(Math.PI / 4);
        c.g.drawString(cl[j], 0, 0);
        c.g.setTransform(old);
      } else {
        c.g.drawString(cl[j], (float) (cx - fm.stringWidth(cl[j]) / 2.0), c.bottom + 16);
      }
    }
    c.frame();
    colorBar(c, lo, hi);
    return c.finish();
  }

  private void colorBar(ChartCanvas c, double lo, double hi) {
    int x0 = c.right + 20;
    int w = 16;
    for (int y = c.top; y <= c.bottom; y++) {
      double t = 1 - (double) (y - c.top) / Math.max(1, c.bottom - c.top);
      c.g.setColor(colormap.at(t));
      c.g.drawLine(x0, y, x0 + w, y);
    }
    c.g.setColor(ChartCanvas.AXIS);
    c.g.drawRect(x0, c.top, w, c.bottom - c.top);
    ChartCanvas.Scale s = new ChartCanvas.Scale(lo, hi, false, c.bottom, c.top);
    FontMetrics fm = c.g.getFontMetrics();
    for (double v : s.ticks()) {
      int py = (int) Math.round(s.px(v));
      c.g.drawLine(x0 + w, py, x0 + w + 4, py);
      c.g.drawString(ChartCanvas.format(v), x0 + w + 7, py + fm.getAscent() / 2 - 1);
    }
  }

  private static String[] numbered(int n) {
    String[] s = new String[n];
    for (int i = 0; i < n; i++) s[i] = Integer.toString(i);
    return s;
  }
}
