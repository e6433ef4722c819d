package io.papers4j.multimodal.infimm;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Random;

/**
 * The table document with the asked cell fixed: a 96-px page of {@link Documents} (title, 2×3 digit table,
 * shapes) asked always about row 1 col 1, whose digit is redrawn at random ("row 1 col 1?" → "7"; the
 * caption is the same digit). At 96 px that cell's digit sits where {@link LoneDigit}'s does, so this page
 * differs from the lone digit only by being busy: recipe F reads it at two seeds of three, and with the CLS
 * keys dropped ({@link InfimmConfig#maskCls}) at three of three (docs/infimm-hd.md, "The tenth round").
 *
 * <p>A curriculum scale s ≥ 1 draws the asked digit s times larger about its 8-px centre, over a patch of
 * background that clears the cell under it; {@link InfimmTraining.Options#squareCurriculum} passes it on.
 */
public final class FixedCellTable {
  /** Page side. */
  public static final int SIDE = 96;
  /** The asked question: always the first cell. */
  public static final String QUESTION = "row 1 col 1?";
  /** The first cell's 8-px digit at 96 px: left edge and baseline as {@link Documents} draws it, and its centre. */
  static final int LEFT = 17, BASELINE = 43;
  static final double CENTRE_X = LEFT + 2.5, CENTRE_Y = BASELINE - 3;

  private FixedCellTable() {}

  /** The page of {@code seed}: the document and the asked digit are drawn from the seed; the digit {@code scale} times its real size. */
  public static Documents.Sample sample(long seed, double scale) {
    if (!(scale >= 1)) throw new IllegalArgumentException("digit scale must be >= 1, got " + scale);
    Documents.Sample doc = Documents.sample(seed, SIDE, SIDE, List.of(Documents.Kind.TABLE));
    int digit = new Random(seed * 0x9E3779B97F4A7C15L + 11).nextInt(10);
    String d = Integer.toString(digit);
    return new Documents.Sample(redraw(doc.image(), digit, scale), Documents.Kind.TABLE, QUESTION, d, d);
  }

  /** {@code page} with the first cell's digit replaced by {@code digit} drawn {@code scale} times larger. */
  private static BufferedImage redraw(BufferedImage page, int digit, double scale) {
    BufferedImage img = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.drawImage(page, 0, 0, null);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    // the bottom-left pixel is background: the shapes' band ends above it and the title is at the top
    g.setColor(new Color(page.getRGB(0, SIDE - 1)));
    g.fillRect(LEFT - 1, BASELINE - 7, 8, 9); // the digit the document drew
    if (scale > 1) { // clear what the enlarged digit covers, so no border or other digit shows through it
      int half = (int) Math.ceil(4 * scale);
      g.fillRect((int) (CENTRE_X - half), (int) (CENTRE_Y - half), 2 * half, 2 * half);
    }
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 8).deriveFont((float) (8 * scale)));
    g.drawString(Integer.toString(digit), (float) (CENTRE_X - 2.5 * scale), (float) (CENTRE_Y + 3 * scale));
    g.dispose();
    return img;
  }

  /** The pages as a stage's data, the curriculum's scale passed on; the question kinds asked for are ignored. */
  public static InfimmTraining.Data data() {
    return InfimmTraining.scaledPages(FixedCellTable::sample);
  }
}
