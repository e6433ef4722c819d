package io.papers4j.multimodal.infimm;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Random;

/**
 * The simplest reading task: a 96-px page in one of the documents' three background colours holding
 * one digit in their 8-px bold type at a fixed place (where the documents' first table cell sits),
 * captioned with the digit ("caption?" → "7"). A linear probe of a frozen random ViT's tokens reads
 * it 100%, so a model that does not is failing to move its cross-attention onto the digit, not failing
 * to see it (docs/infimm-hd.md, "The sixth round" onwards).
 *
 * <p>A curriculum scale s ≥ 1 draws the digit s times larger about the 8-px digit's centre, so the large
 * digit covers the small one's place; {@link InfimmTraining.Options#squareCurriculum} passes it on.
 */
public final class LoneDigit {
  /** Page side. */
  public static final int SIDE = 96;
  /** The 8-px digit's left edge and baseline, and the centre the curriculum scales about. */
  static final float LEFT = 17, BASELINE = 43, CENTRE_X = 19.5f, CENTRE_Y = 40;

  private LoneDigit() {}

  /** The page of {@code seed}: its background and digit are drawn from the seed; the digit {@code scale} times its real size. */
  public static Documents.Sample sample(long seed, double scale) {
    if (!(scale >= 1)) throw new IllegalArgumentException("digit scale must be >= 1, got " + scale);
    Random r = new Random(seed * 0x9E3779B97F4A7C15L + 5);
    int background = r.nextInt(Documents.BACKGROUNDS.length), digit = r.nextInt(10);
    String d = Integer.toString(digit);
    return new Documents.Sample(page(background, digit, scale), Documents.Kind.READ, "caption?", d, d);
  }

  /**
   * The page of {@code seed} with its digit at a random place: centre x in [12, 84], y in [16, 80] (whole
   * pixels), so the 8-px digit lies inside the page and falls on any patch at any offset inside it; the
   * curriculum's scale grows it about that centre. The frozen random ViT gives this digit's identity linearly
   * from its tokens only at 24% (100% at the fixed place; docs/infimm-hd.md, "The tenth round"), and after {@link
   * VisionPretraining} on these pages at 66% ("The eleventh round").
   */
  public static Documents.Sample anywhere(long seed, double scale) {
    if (!(scale >= 1)) throw new IllegalArgumentException("digit scale must be >= 1, got " + scale);
    Random r = new Random(seed * 0x9E3779B97F4A7C15L + 13);
    int background = r.nextInt(Documents.BACKGROUNDS.length), digit = r.nextInt(10);
    int cx = ANYWHERE_X0 + r.nextInt(ANYWHERE_SPAN_X), cy = ANYWHERE_Y0 + r.nextInt(ANYWHERE_SPAN_Y);
    String d = Integer.toString(digit);
    return new Documents.Sample(page(background, digit, cx, cy, scale), Documents.Kind.READ, "caption?", d, d);
  }

  /** The random place's range: centre x in [12, 84], y in [16, 80]. */
  static final int ANYWHERE_X0 = 12, ANYWHERE_SPAN_X = 73, ANYWHERE_Y0 = 16, ANYWHERE_SPAN_Y = 65;

  /** A page with the given background (index into the documents' backgrounds) and digit (0-9, or -1 for none). */
  static BufferedImage page(int background, int digit, double scale) {
    return page(background, digit, CENTRE_X, CENTRE_Y, scale);
  }

  /** As above with the digit centred at ({@code cx}, {@code cy}): its left edge 2.5 px and baseline 3 px from it at real size. */
  static BufferedImage page(int background, int digit, double cx, double cy, double scale) {
    BufferedImage img = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Documents.BACKGROUNDS[background]);
    g.fillRect(0, 0, SIDE, SIDE);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 8).deriveFont((float) (8 * scale)));
    g.setColor(Color.BLACK);
    if (digit >= 0) {
      g.drawString(Integer.toString(digit), (float) (cx - (CENTRE_X - LEFT) * scale), (float) (cy + (BASELINE - CENTRE_Y) * scale));
    }
    g.dispose();
    return img;
  }

  /** The pages as a stage's data, the curriculum's scale passed on; the question kinds asked for are ignored. */
  public static InfimmTraining.Data data() {
    return InfimmTraining.scaledPages(LoneDigit::sample);
  }

  /** The question asked of a digit page in the question-answering stages and the evaluation. */
  public static final String QUESTION = "digit?";

  /**
   * The page of {@link #anywhere} as a {@link Documents.Kind#DIGIT} question ("digit?" → "7"; the caption stays the
   * digit): the reading question of {@code reproduce infimm-hd}, its own kind so that READ (the title string, which
   * no quick model has read) keeps meaning what it meant in every earlier run.
   */
  public static Documents.Sample question(long seed, double scale) {
    Documents.Sample s = anywhere(seed, scale);
    return new Documents.Sample(s.image(), Documents.Kind.DIGIT, QUESTION, s.answer(), s.caption());
  }

  /**
   * {@code documents} with one sample in {@code oneIn} (chosen by the seed) replaced by a digit question ({@link
   * #question}, the curriculum's scale passed on): the digit pages in the question-answering stages, so that they do
   * not train the reading away.
   */
  public static InfimmTraining.Data mixedInto(InfimmTraining.Data documents, int oneIn) {
    return oneIn(oneIn, "digit question", InfimmTraining.scaledPages(LoneDigit::question), documents);
  }

  /**
   * The digit stage's pages ({@link #anywhere}, the curriculum's scale passed on) with one sample in {@code oneIn}
   * (chosen by the seed) a document of {@code documents} at its real size instead: in a stage-1 loop the document's
   * caption stays a target, so the LM that learns to name the digit does not forget how to caption a document
   * (docs/infimm-hd.md, "The seventh quick run": without them every question was answered with a digit).
   */
  public static InfimmTraining.Data withDocuments(InfimmTraining.Data documents, int oneIn) {
    InfimmTraining.Data atRealSize = documents::sample; // the curriculum's scale is for the digit only
    return oneIn(oneIn, "document", atRealSize, anywhereData());
  }

  /** {@code chosen} in one sample of {@code n} (by the seed, {@link #isDigit}), {@code rest} otherwise; the scale goes to both. */
  private static InfimmTraining.Data oneIn(int n, String what, InfimmTraining.Data chosen, InfimmTraining.Data rest) {
    if (n < 1) throw new IllegalArgumentException("one " + what + " in N samples needs N >= 1, got " + n);
    return InfimmTraining.bySeed(seed -> isDigit(seed, n) ? chosen : rest);
  }

  /** Whether {@link #mixedInto} asks a digit question (and {@link #withDocuments} draws a document) at {@code seed}. */
  static boolean isDigit(long seed, int oneIn) {
    return new Random(seed * 0x9E3779B97F4A7C15L + 41).nextInt(oneIn) == 0;
  }

  /** The pages with the digit at a random place ({@link #anywhere}) as a stage's data, the curriculum's scale passed on. */
  public static InfimmTraining.Data anywhereData() {
    return InfimmTraining.scaledPages(LoneDigit::anywhere);
  }
}
