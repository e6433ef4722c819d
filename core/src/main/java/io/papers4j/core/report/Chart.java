package io.papers4j.core.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What every chart has: a title, captions for the two axes, an image size and a PNG writer. The
 * setters return the concrete chart so that calls chain ({@code Plot.line(t).xLabel("step")
 * .series(…)}).
 *
 * @param <C> the concrete chart
 */
public abstract class Chart<C extends Chart<C>> {
  final String title;
  String xLabel = "";
  String yLabel = "";
  int width;
  int height;

  Chart(String title, int width, int height) {
    this.title = title;
    this.width = width;
    this.height = height;
  }

  @SuppressWarnings("unchecked")
  private C self() {
    return (C) this;
  }

  /** Caption of the x axis (under a heatmap's column labels). */
  public C xLabel(String label) {
    this.xLabel = label;
    return self();
  }

  /** Caption of the y axis (left of a heatmap's row labels). */
  public C yLabel(String label) {
    this.yLabel = label;
    return self();
  }

  /** Image size in pixels (default 800x500; a heatmap 800x700). */
  public C size(int width, int height) {
    Plot.checkSize(width, height);
    this.width = width;
    this.height = height;
    return self();
  }

  /** Renders the chart and writes it as PNG to {@code file} atomically. */
  public Path write(Path file) throws IOException {
    return Plot.writePng(render(), file);
  }

  public abstract BufferedImage render();
}
