package io.papers4j.design2code;

/**
 * A text block detected on a screenshot: lower-cased text, its bounding box normalised by the
 * page's own width and height (x, y = top-left corner; w, h = size; all in [0, 1]) and the mean RGB
 * colour (0–255) of its text pixels in the original screenshot.
 */
public record Block(String text, double x, double y, double w, double h, double[] color) {

  /** Normalised area w·h, the block "size" S of the paper. */
  public double area() {
    return w * h;
  }

  public double centerX() {
    return x + w / 2;
  }

  public double centerY() {
    return y + h / 2;
  }

  /**
   * The official {@code merge_blocks_wo_check}: texts joined by a space, the union box, and the
   * colour averaged with floor division ({@code (c1 + c2) // 2}).
   */
  public Block mergedWith(Block o) {
    double x0 = Math.min(x, o.x), y0 = Math.min(y, o.y);
    double x1 = Math.max(x + w, o.x + o.w), y1 = Math.max(y + h, o.y + o.h);
    double[] c = new double[3];
    for (int k = 0; k < 3; k++) c[k] = Math.floor((color[k] + o.color[k]) / 2);
    return new Block(text + " " + o.text, x0, y0, x1 - x0, y1 - y0, c);
  }

  /** Value equality (the record default compares the colour array by identity). */
  @Override
  public boolean equals(Object o) {
    return o instanceof Block b
        && text.equals(b.text)
        && x == b.x
        && y == b.y
        && w == b.w
        && h == b.h
        && java.util.Arrays.equals(color, b.color);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(text, x, y, w, h, java.util.Arrays.hashCode(color));
  }

  @Override
  public String toString() {
    return String.format(
        "Block[%s @(%.4f,%.4f %.4fx%.4f) rgb(%.1f,%.1f,%.1f)]",
        text, x, y, w, h, color[0], color[1], color[2]);
  }
}
