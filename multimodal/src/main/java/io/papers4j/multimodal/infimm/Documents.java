package io.papers4j.multimodal.infimm;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Procedural "documents and scenes" drawn with Java2D (paper §4(e) data): a canvas of 64–192 px with
 * a small text string, a table of digits, coloured shapes, and question/answer pairs of six kinds:
 *
 * <ul>
 *   <li>READ — the string printed in small type ("what is written at the top?");
 *   <li>TABLE — a cell of the digit table ("row 2, column 3?"), DocVQA-like, layout dependent;
 *   <li>COUNT — how many shapes of a kind;
 *   <li>COLOUR — the colour of the one square;
 *   <li>POSITION — is the square left or right of the circle;
 *   <li>GENERAL — the background colour (needs no resolution);
 *   <li>CORNER — InfiMM-HD's augmentation: two random strings pasted at the top-left and bottom-right,
 *       asked back ("what characters are at the top-left?").
 *   <li>DIGIT — not drawn here: one 8-px digit at a random place on a 96-px page ({@link LoneDigit#question}),
 *       the reading question the quick model has been measured to learn (docs/infimm-hd.md, "The thirteenth round").
 * </ul>
 *
 * Every sample is a pure function of its seed.
 */
public final class Documents {
  public enum Kind { READ, TABLE, COUNT, COLOUR, POSITION, GENERAL, CORNER, DIGIT }

  /** One rendered document with one question and its short answer. */
  public record Sample(BufferedImage image, Kind kind, String question, String answer, String caption) {}

  static final String[] COLOUR_NAMES = {"red", "green", "blue", "yellow"};
  static final Color[] COLOURS = {new Color(220, 30, 30), new Color(30, 170, 40), new Color(30, 60, 220), new Color(230, 200, 20)};
  static final String[] BACKGROUND_NAMES = {"white", "grey", "pink"};
  static final Color[] BACKGROUNDS = {Color.WHITE, new Color(170, 170, 170), new Color(250, 190, 210)};
  private static final String ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ23456789";

  private Documents() {}

  /** The sample of a seed; {@code kinds} restricts the question kinds (null = all but CORNER). */
  public static Sample sample(long seed, int minSide, int maxSide, List<Kind> kinds) {
    return sample(seed, minSide, maxSide, kinds, 1.0);
  }

  /**
   * As above with the square's side multiplied by {@code squareScale} (≥ 1; at most half the page's
   * shorter side), grown up and to the left from its bottom-right corner and drawn over the circles
   * and the table: a curriculum starts with a large square and shrinks it to its real size. At 1 the
   * page is the one of {@link #sample(long, int, int, List)}, pixel for pixel.
   */
  public static Sample sample(long seed, int minSide, int maxSide, List<Kind> kinds, double squareScale) {
    if (!(squareScale >= 1)) throw new IllegalArgumentException("square scale must be >= 1, got " + squareScale);
    if (kinds != null && kinds.contains(Kind.DIGIT)) throw new IllegalArgumentException("DIGIT questions are drawn by LoneDigit.question, not on documents");
    Random r = new Random(seed * 0x9E3779B97F4A7C15L + 17);
    int w = minSide + r.nextInt(maxSide - minSide + 1);
    int h = minSide + r.nextInt(maxSide - minSide + 1);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    int bg = r.nextInt(BACKGROUNDS.length);
    g.setColor(BACKGROUNDS[bg]);
    g.fillRect(0, 0, w, h);
    int fontPx = Math.max(7, Math.min(w, h) / 12);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, fontPx));
    // title string, top band
    String title = randomString(r, 3);
    g.setColor(Color.BLACK);
    g.drawString(title, w / 8 + r.nextInt(Math.max(1, w / 4)), fontPx + 2);
    // table of digits: 2 rows × 3 columns in the middle band
    int rows = 2, cols = 3;
    int tx = w / 10, ty = h / 3, cw = (w * 8 / 10) / cols, ch = Math.max(fontPx + 3, h / 7);
    int[][] cells = new int[rows][cols];
    g.setStroke(new BasicStroke(1));
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        cells[i][j] = r.nextInt(10);
        g.setColor(Color.DARK_GRAY);
        g.drawRect(tx + j * cw, ty + i * ch, cw, ch);
        g.setColor(Color.BLACK);
        g.drawString(Integer.toString(cells[i][j]), tx + j * cw + cw / 3, ty + i * ch + ch - 2);
      }
    }
    // shapes in the bottom band: one square, 1-3 circles
    int by = ty + rows * ch + 4, bh = Math.max(6, h - by - 2), sz = Math.max(5, Math.min(bh, w / 8));
    int squareColour = r.nextInt(COLOURS.length);
    int circles = 1 + r.nextInt(3);
    int[] slots = shuffledSlots(r, circles + 1);
    int slotW = w / 5;
    int squareX = slots[0] * slotW + 2;
    g.setColor(COLOURS[squareColour]);
    g.fillRect(squareX, by, sz, sz);
    int firstCircleX = 0;
    for (int c = 0; c < circles; c++) {
      int x = slots[c + 1] * slotW + 2;
      if (c == 0) firstCircleX = x;
      g.setColor(COLOURS[(squareColour + 1 + c) % COLOURS.length]);
      g.fillOval(x, by, sz, sz);
    }
    int side = Math.max(sz, Math.min((int) Math.round(sz * squareScale), Math.min(w, h) / 2));
    if (side > sz) { // the enlarged square over everything, so no circle hides part of it
      g.setColor(COLOURS[squareColour]);
      g.fillRect(Math.max(0, squareX + sz - side), Math.max(0, by + sz - side), side, side);
    }
    List<Kind> allowed = kinds == null ? List.of(Kind.READ, Kind.TABLE, Kind.COUNT, Kind.COLOUR, Kind.POSITION, Kind.GENERAL) : kinds;
    Kind kind = allowed.get(r.nextInt(allowed.size()));
    String q, a;
    switch (kind) {
      case READ -> { q = "text at top?"; a = title; }
      case TABLE -> {
        int i = r.nextInt(rows), j = r.nextInt(cols);
        q = "row " + (i + 1) + " col " + (j + 1) + "?";
        a = Integer.toString(cells[i][j]);
      }
      case COUNT -> { q = "how many circles?"; a = Integer.toString(circles); }
      case COLOUR -> { q = "square colour?"; a = COLOUR_NAMES[squareColour]; }
      case POSITION -> { q = "square left or right of circle?"; a = squareX < firstCircleX ? "left" : "right"; }
      case GENERAL -> { q = "background?"; a = BACKGROUND_NAMES[bg]; }
      case CORNER -> {
        String tl = randomString(r, 2), br = randomString(r, 2);
        g.setColor(COLOURS[r.nextInt(COLOURS.length)]);
        g.drawString(tl, 1, fontPx);
        g.setColor(COLOURS[r.nextInt(COLOURS.length)]);
        g.drawString(br, w - g.getFontMetrics().stringWidth(br) - 1, h - 2);
        boolean topLeft = r.nextBoolean();
        q = "characters at " + (topLeft ? "top-left" : "bottom-right") + "?";
        a = topLeft ? tl : br;
      }
      default -> throw new IllegalStateException();
    }
    g.dispose();
    String caption = BACKGROUND_NAMES[bg] + " page, " + COLOUR_NAMES[squareColour] + " square, " + circles + " circle" + (circles > 1 ? "s" : "");
    return new Sample(img, kind, q, a, caption);
  }

  private static String randomString(Random r, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) b.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
    return b.toString();
  }

  private static int[] shuffledSlots(Random r, int n) {
    List<Integer> s = new ArrayList<>(List.of(0, 1, 2, 3, 4));
    java.util.Collections.shuffle(s, r);
    int[] out = new int[n];
    for (int i = 0; i < n; i++) out[i] = s.get(i);
    return out;
  }
}
