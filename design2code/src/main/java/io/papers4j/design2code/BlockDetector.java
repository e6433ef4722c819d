package io.papers4j.design2code;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jsoup.nodes.Comment;
import org.jsoup.nodes.DataNode;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;

/**
 * The official OCR-free text-block detector ({@code get_blocks_ocr_free}).
 *
 * <ol>
 *   <li>Render two re-coloured copies of the page ({@link Recolor}, offsets 0 and 50).
 *   <li>Text pixels: where copy 2 ≈ (copy 1 + 50) mod 256 in every channel (±8): only text
 *       changes between the copies.
 *   <li>For every (text node, inherited colour) of copy 1: text pixels of copy 1 within ±4 of that
 *       colour give the block's box (normalised by the render's width and height) and, read in the
 *       original screenshot, its mean colour.
 *   <li>Blocks with identical boxes are merged ({@link #mergeByBbox}).
 * </ol>
 */
public final class BlockDetector {
  static final int OFFSET = 50, TEXT_TOLERANCE = 8, COLOR_TOLERANCE = 4;

  private final Chromium browser;

  public BlockDetector(Chromium browser) {
    this.browser = browser;
  }

  /**
   * Detects blocks of the page {@code html} whose plain screenshot is {@code screenshot}. The
   * re-coloured copies are written next to the page (so relative resources resolve) and deleted.
   */
  public List<Block> detect(Path html, BufferedImage screenshot) throws IOException {
    String source = Files.readString(html, StandardCharsets.UTF_8);
    Document v1 = Recolor.recolor(source, 0);
    Document v2 = Recolor.recolor(source, OFFSET);
    Path dir = html.toAbsolutePath().getParent();
    String stem = ".d2c-" + UUID.randomUUID();
    Path p1 = dir.resolve(stem + "_p.html"), p2 = dir.resolve(stem + "_p_1.html");
    BufferedImage r1, r2;
    try {
      Files.writeString(p1, v1.outerHtml(), StandardCharsets.US_ASCII);
      Files.writeString(p2, v2.outerHtml(), StandardCharsets.US_ASCII);
      r1 = browser.screenshot(p1);
      r2 = browser.screenshot(p2);
    } finally {
      Files.deleteIfExists(p1);
      Files.deleteIfExists(p2);
    }
    return fromRenders(v1, r1, r2, screenshot);
  }

  /** Steps 2–4 on given renders (exposed for tests). */
  static List<Block> fromRenders(Document recolored, BufferedImage r1, BufferedImage r2, BufferedImage original) {
    if (r1.getWidth() != r2.getWidth() || r1.getHeight() != r2.getHeight()) return List.of(); // official warning case
    int w = r1.getWidth(), h = r1.getHeight();
    // Text pixels of render 1 (position and colour).
    int[] pos = new int[1024];
    int[] rgb = new int[1024];
    int n = 0;
    int[] row1 = new int[w], row2 = new int[w];
    for (int y = 0; y < h; y++) {
      r1.getRGB(0, y, w, 1, row1, 0, w);
      r2.getRGB(0, y, w, 1, row2, 0, w);
      for (int x = 0; x < w; x++) {
        int a = row1[x], b = row2[x];
        if (shifted(a >> 16 & 255, b >> 16 & 255) && shifted(a >> 8 & 255, b >> 8 & 255) && shifted(a & 255, b & 255)) {
          if (n == pos.length) {
            pos = java.util.Arrays.copyOf(pos, n * 2);
            rgb = java.util.Arrays.copyOf(rgb, n * 2);
          }
          pos[n] = y * w + x;
          rgb[n] = a & 0xFFFFFF;
          n++;
        }
      }
    }
    if (n == 0) return List.of();
    List<String[]> items = textWithColor(recolored);
    List<Block> blocks = new ArrayList<>();
    for (String[] item : items) {
      int[] c = hexToRgb(item[1]);
      if (c == null) continue;
      int xmin = Integer.MAX_VALUE, ymin = Integer.MAX_VALUE, xmax = -1, ymax = -1;
      long sr = 0, sg = 0, sb = 0;
      int count = 0;
      for (int k = 0; k < n; k++) {
        int p = rgb[k];
        if (!inRange(p >> 16 & 255, c[0]) || !inRange(p >> 8 & 255, c[1]) || !inRange(p & 255, c[2])) continue;
        int x = pos[k] % w, y = pos[k] / w;
        if (x >= original.getWidth() || y >= original.getHeight()) return List.of(); // official: IndexError -> no blocks
        int o = original.getRGB(x, y);
        sr += o >> 16 & 255;
        sg += o >> 8 & 255;
        sb += o & 255;
        count++;
        xmin = Math.min(xmin, x);
        xmax = Math.max(xmax, x);
        ymin = Math.min(ymin, y);
        ymax = Math.max(ymax, y);
      }
      if (count == 0) continue;
      // np.mean(...).astype(int): truncation of the exact mean
      double[] color = {(int) ((double) sr / count), (int) ((double) sg / count), (int) ((double) sb / count)};
      blocks.add(
          new Block(
              item[0].toLowerCase(Locale.ROOT),
              (double) xmin / w,
              (double) ymin / h,
              (double) (xmax - xmin + 1) / w,
              (double) (ymax - ymin + 1) / h,
              color));
    }
    return blocks;
  }

  /** The official similar((v1 + 50) % 256, v2): no wrap-around in the comparison itself. */
  private static boolean shifted(int v1, int v2) {
    return Math.abs((v1 + OFFSET) % 256 - v2) <= TEXT_TOLERANCE;
  }

  /** cv2.inRange with uint8 bounds color±4 (which wrap below 0 and above 255, as numpy does). */
  private static boolean inRange(int v, int c) {
    int lo = (c - COLOR_TOLERANCE) & 255, hi = (c + COLOR_TOLERANCE) & 255;
    return lo <= v && v <= hi;
  }

  private static int[] hexToRgb(String hex) {
    String s = hex.startsWith("#") ? hex.substring(1) : hex;
    if (s.length() < 6) return null; // the official hex_to_bgr fails and the item is skipped
    try {
      return new int[] {
        Integer.parseInt(s.substring(0, 2), 16), Integer.parseInt(s.substring(2, 4), 16), Integer.parseInt(s.substring(4, 6), 16)
      };
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * The official {@code extract_text_with_color}: depth-first over the body, every non-empty
   * stripped text node (comments excluded; script/style data included, as BeautifulSoup yields
   * them) with the nearest inline colour of its ancestors (default #000000).
   */
  static List<String[]> textWithColor(Document doc) {
    List<String[]> out = new ArrayList<>();
    Element body = doc.body();
    if (body != null) walk(body, "#000000", out);
    return out;
  }

  private static void walk(Node node, String parentColor, List<String[]> out) {
    if (node instanceof Comment) return;
    if (node instanceof TextNode t) {
      String s = PyStr.strip(t.getWholeText());
      if (!s.isEmpty()) out.add(new String[] {s, parentColor});
      return;
    }
    if (node instanceof DataNode d) {
      String s = PyStr.strip(d.getWholeData());
      if (!s.isEmpty()) out.add(new String[] {s, parentColor});
      return;
    }
    if (node instanceof Element e) {
      String own = Recolor.inlineColor(e);
      String color = own != null ? own : parentColor;
      for (Node child : e.childNodes()) walk(child, color, out);
    }
  }

  /** Official {@code merge_blocks_by_bbox}: same box → texts joined by a space, colours averaged. */
  public static List<Block> mergeByBbox(List<Block> blocks) {
    Map<List<Double>, Block> merged = new LinkedHashMap<>();
    for (Block b : blocks) {
      List<Double> key = List.of(b.x(), b.y(), b.w(), b.h());
      Block prev = merged.get(key);
      if (prev == null) {
        merged.put(key, b);
      } else {
        double[] c = new double[3];
        for (int k = 0; k < 3; k++) c[k] = (prev.color()[k] + b.color()[k]) / 2;
        merged.put(key, new Block(prev.text() + " " + b.text(), prev.x(), prev.y(), prev.w(), prev.h(), c));
      }
    }
    return new ArrayList<>(merged.values());
  }
}
