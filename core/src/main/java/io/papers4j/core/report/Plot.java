package io.papers4j.core.report;

import io.papers4j.core.io.AtomicFiles;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * PNG charts for reports, drawn with Java2D (headless; no display needed).
 *
 * <pre>{@code
 * Plot.line("Training loss").xLabel("step").yLabel("loss")
 *     .series("train", steps, trainLoss).series("validation", evalSteps, valLoss)
 *     .write(dir.resolve("loss.png"));
 * Plot.bar("Perplexity").labels("unigram", "tiny").values(412.0, 96.3).write(...);
 * Plot.heatmap("Win rate").rows(models).cols(models).values(matrix).range(0, 1).write(...);
 * }</pre>
 *
 * <p>Every chart is written atomically (temporary file in the same directory, then a move), so a
 * report directory never holds half a PNG.
 */
public final class Plot {
  static {
    // Java2D must not look for a display: reports are made on servers and in CI.
    System.setProperty("java.awt.headless", "true");
  }

  /** Default size in pixels, readable on a README page. */
  public static final int DEFAULT_WIDTH = 800;

  public static final int DEFAULT_HEIGHT = 500;

  /** The series colours, in order (matplotlib's "tab10", so plots look familiar). */
  public static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
    new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
    new Color(0xbcbd22), new Color(0x17becf)
  };

  private Plot() {}

  /** A line chart with one or more named series. */
  public static LineChart line(String title) {
    return new LineChart(title);
  }

  /** A bar chart: one bar per label, optional error bars. */
  public static BarChart bar(String title) {
    return new BarChart(title);
  }

  /** A heatmap of a matrix with a colour scale and the value printed in each cell. */
  public static Heatmap heatmap(String title) {
    return new Heatmap(title);
  }

  /** Colour of series {@code i} (cycles through {@link #PALETTE}). */
  public static Color color(int i) {
    return PALETTE[Math.floorMod(i, PALETTE.length)];
  }

  /** Writes {@code image} as PNG to {@code file} atomically; creates the parent directory. */
  static Path writePng(BufferedImage image, Path file) throws IOException {
    AtomicFiles.write(file.toAbsolutePath(), tmp -> {
      if (!ImageIO.write(image, "png", tmp.toFile())) {
        throw new IOException("no PNG writer available in this JVM (writing " + file + ")");
      }
    });
    return file;
  }

  static void checkSize(int width, int height) {
    if (width < 200 || height < 150 || width > 8000 || height > 8000) {
      throw new IllegalArgumentException(
          "plot size " + width + "x" + height + " is outside 200x150 .. 8000x8000 pixels");
    }
  }
}
