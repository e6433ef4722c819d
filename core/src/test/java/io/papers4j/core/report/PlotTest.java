package io.papers4j.core.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotTest {
  @TempDir Path dir;

  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private static BufferedImage readPng(Path file, int w, int h) throws IOException {
    byte[] head = new byte[8];
    try (InputStream in = Files.newInputStream(file)) {
      assertThat(in.read(head)).isEqualTo(8);
    }
    assertThat(head).isEqualTo(PNG_MAGIC);
    BufferedImage img = ImageIO.read(file.toFile());
    assertThat(img).isNotNull();
    assertThat(img.getWidth()).isEqualTo(w);
    assertThat(img.getHeight()).isEqualTo(h);
    return img;
  }

  /** Pixels within a small distance of {@code c} (antialiasing blends the edges). */
  private static int count(BufferedImage img, Color c) {
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int p = img.getRGB(x, y);
        int dr = Math.abs((p >> 16 & 255) - c.getRed());
        int dg = Math.abs((p >> 8 & 255) - c.getGreen());
        int db = Math.abs((p & 255) - c.getBlue());
        if (dr + dg + db <= 12) n++;
      }
    }
    return n;
  }

  @Test
  void line_chart_is_a_png_of_the_requested_size_with_each_series_drawn() throws IOException {
    double[] x = new double[100];
    double[] a = new double[100];
    double[] b = new double[100];
    for (int i = 0; i < 100; i++) {
      x[i] = i * 10;
      a[i] = 5 * Math.exp(-i / 30.0) + 1;
      b[i] = 5 * Math.exp(-i / 40.0) + 1.2;
    }
    Path f =
        Plot.line("loss").xLabel("step").yLabel("loss").size(640, 400)
            .series("train", x, a).series("validation", x, b).reference(1.0, "floor")
            .write(dir.resolve("sub/loss.png"));
    BufferedImage img = readPng(f, 640, 400);
    // Both series colours appear far more often than the legend swatch alone would give.
    assertThat(count(img, Plot.color(0))).isGreaterThan(300);
    assertThat(count(img, Plot.color(1))).isGreaterThan(300);
    assertThat(count(img, Plot.color(2))).isZero();
    // No temporary file is left behind.
    try (var s = Files.list(dir.resolve("sub"))) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("loss.png");
    }
  }

  @Test
  void a_series_is_drawn_where_its_values_are() throws IOException {
    // A flat series at y=0 with a range of [0, 10] from another series: its pixels are at the bottom.
    double[] x = {0, 1, 2, 3};
    Path f = Plot.line("t").series("low", x, new double[] {0, 0, 0, 0})
        .series("high", x, new double[] {10, 10, 10, 10}).write(dir.resolve("p.png"));
    BufferedImage img = readPng(f, Plot.DEFAULT_WIDTH, Plot.DEFAULT_HEIGHT);
    int lowY = meanY(img, Plot.color(0), 0, 300);
    int highY = meanY(img, Plot.color(1), 0, 300);
    assertThat(lowY).isGreaterThan(highY + 200);
  }

  /** Mean row of pixels of colour {@code c} within columns [x0, x1) (left of the legend). */
  private static int meanY(BufferedImage img, Color c, int x0, int x1) {
    long sum = 0;
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = x0; x < x1; x++) {
        if ((img.getRGB(x, y) & 0xffffff) == (c.getRGB() & 0xffffff)) {
          sum += y;
          n++;
        }
      }
    }
    assertThat(n).as("pixels of the series colour").isGreaterThan(20);
    return (int) (sum / n);
  }

  @Test
  void log_y_chart_draws_and_rejects_non_positive_values() throws IOException {
    double[] x = {1, 2, 3, 4};
    Path f = Plot.line("ppl").logY(true).series("ppl", x, new double[] {1000, 300, 90, 40})
        .write(dir.resolve("ppl.png"));
    assertThat(count(readPng(f, 800, 500), Plot.color(0))).isGreaterThan(100);
    assertThatThrownBy(() -> Plot.line("bad").logY(true).series("s", x, new double[] {1, 0, 2, 3}).render())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("series 's'")
        .hasMessageContaining("positive");
  }

  @Test
  void bar_chart_with_error_bars() throws IOException {
    Path f = Plot.bar("perplexity").labels("unigram", "tiny", "small").values(400, 120, 80)
        .errors(10, 5, 4).yLabel("ppl").reference(240, "-40%").size(500, 350)
        .write(dir.resolve("bar.png"));
    BufferedImage img = readPng(f, 500, 350);
    assertThat(count(img, Plot.color(0))).isGreaterThan(2000);
    assertThat(count(img, Color.BLACK)).isGreaterThan(30); // error bars
  }

  @Test
  void bar_chart_rejects_mismatched_lengths() {
    assertThatThrownBy(() -> Plot.bar("b").labels("a", "b").values(1).render())
        .hasMessageContaining("2 labels but 1 values");
  }

  @Test
  void heatmap_colours_cells_by_value_and_greys_missing_ones() throws IOException {
    double[][] m = {{Double.NaN, 0.9, 0.7}, {0.1, Double.NaN, 0.6}, {0.3, 0.4, Double.NaN}};
    String[] names = {"model-a", "model-b", "model-c"};
    Path f = Plot.heatmap("win rate").rows(names).cols(names).values(m).range(0, 1)
        .xLabel("opponent").yLabel("model").size(600, 500).write(dir.resolve("heat.png"));
    BufferedImage img = readPng(f, 600, 500);
    assertThat(count(img, Heatmap.MISSING)).isGreaterThan(1000);
    // The cell with 0.9 is near the top of viridis (yellow-green), the one with 0.1 near the bottom.
    assertThat(count(img, Heatmap.Colormap.VIRIDIS.at(0.9))).isGreaterThan(1000);
    assertThat(count(img, Heatmap.Colormap.VIRIDIS.at(0.1))).isGreaterThan(1000);
  }

  @Test
  void heatmap_rejects_ragged_matrix() {
    assertThatThrownBy(() -> Plot.heatmap("h").values(new double[][] {{1, 2}, {3}}).render())
        .hasMessageContaining("row 1 has 1 values");
  }

  @Test
  void colormap_interpolates_between_stops() {
    assertThat(Heatmap.Colormap.VIRIDIS.at(0)).isEqualTo(new Color(0x440154));
    assertThat(Heatmap.Colormap.VIRIDIS.at(1)).isEqualTo(new Color(0xfde725));
    assertThat(Heatmap.Colormap.COOLWARM.at(0.5)).isEqualTo(new Color(0xdddddd));
  }

  @Test
  void nice_ticks() {
    assertThat(ChartCanvas.niceStep(0.13)).isEqualTo(0.2);
    assertThat(ChartCanvas.niceStep(37)).isEqualTo(50);
    assertThat(new ChartCanvas.Scale(0, 10, false, 0, 100).ticks()).containsExactly(0.0, 2.0, 4.0, 6.0, 8.0, 10.0);
    assertThat(new ChartCanvas.Scale(1, 1000, true, 0, 100).ticks()).containsExactly(1.0, 10.0, 100.0, 1000.0);
  }
}
