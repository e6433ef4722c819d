package io.papers4j.design2code;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * Scores a candidate page against a reference page as the official {@code visual_eval_v3_multi}:
 * the candidate is cleaned ({@link PredictionCleaner}) into a temporary copy beside it, both pages
 * are rendered and their blocks detected, blocks are merged by box and matched, and the five
 * scores computed. If either side has no blocks, or nothing matches, the four block scores are 0
 * and only the visual score remains (the May-2024 official behaviour, final = 0.2·visual).
 */
public final class Scorer implements AutoCloseable {
  private final Chromium browser;
  private final boolean ownBrowser;
  private final BlockDetector detector;
  private final VisualScore visual;
  private final BlockMatcher.Config config;
  private long renderNanos, matchNanos, visualNanos;

  /**
   * Page side of a scoring run: screenshot, bbox-merged blocks, and how many of its renders fell
   * back to the blank image (0 for a page that rendered).
   */
  public record Page(BufferedImage screenshot, List<Block> blocks, int renderFailures) {
    public boolean rendered() {
      return renderFailures == 0;
    }
  }

  /**
   * A page that Chromium could not render: the official code scores the blank fallback image, which
   * makes a broken page look like a real (poor) result; here its scores are refused instead.
   */
  public static final class RenderFailedException extends RuntimeException {
    public RenderFailedException(String message) {
      super(message);
    }
  }

  public Scorer(Chromium browser, ImageEncoder encoder) {
    this(browser, false, encoder, BlockMatcher.Config.OFFICIAL);
  }

  private Scorer(Chromium browser, boolean own, ImageEncoder encoder, BlockMatcher.Config config) {
    this.browser = browser;
    this.ownBrowser = own;
    this.detector = new BlockDetector(browser);
    this.visual = new VisualScore(encoder);
    this.config = config;
  }

  /** A scorer with its own browser and the substitute encoder. */
  public static Scorer launch() throws IOException {
    return new Scorer(Chromium.launch(), true, new PatchStatsEncoder(), BlockMatcher.Config.OFFICIAL);
  }

  /** Renders and detects one page (no cleaning). */
  public Page page(Path html) throws IOException {
    if (!Files.isRegularFile(html)) throw new IOException("not a file: " + html);
    long t0 = System.nanoTime();
    int before = browser.failures();
    BufferedImage shot = browser.screenshot(html);
    List<Block> blocks = detector.detect(html, shot);
    renderNanos += System.nanoTime() - t0;
    return new Page(shot, blocks, browser.failures() - before);
  }

  /** Cleans the candidate as the official pre-processing does, then renders and detects it. */
  public Page candidatePage(Path html) throws IOException {
    if (!Files.isRegularFile(html)) throw new IOException("not a file: " + html);
    String cleaned = PredictionCleaner.clean(Files.readString(html, StandardCharsets.UTF_8));
    Path tmp = html.toAbsolutePath().getParent().resolve(".d2c-" + UUID.randomUUID() + ".html");
    try {
      Files.writeString(tmp, cleaned, StandardCharsets.UTF_8);
      return page(tmp);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  public PageScore score(Path reference, Path candidate) throws IOException {
    Page ref = page(reference);
    Page cand = candidatePage(candidate);
    return score(ref, cand);
  }

  /**
   * The scores from two already rendered pages (reference first).
   *
   * @throws RenderFailedException when either page fell back to the blank image
   */
  public PageScore score(Page ref, Page cand) {
    if (!ref.rendered() || !cand.rendered()) {
      throw new RenderFailedException((ref.rendered() ? "the candidate" : "the reference") + " page could not be rendered by Chromium "
          + "(blank fallback image); its scores would be meaningless");
    }
    List<Block> refBlocks = BlockDetector.mergeByBbox(ref.blocks());
    List<Block> predBlocks = cand.blocks();
    if (predBlocks.isEmpty() || refBlocks.isEmpty()) {
      return new PageScore(0, 0, 0, 0, visual(cand, predBlocks, ref, refBlocks), visual.encoderName(), 0, predBlocks.size(), refBlocks.size());
    }
    predBlocks = BlockDetector.mergeByBbox(predBlocks);
    long t0 = System.nanoTime();
    BlockMatcher.Matching m = new BlockMatcher(config).match(predBlocks, refBlocks);
    double[] s = BlockScores.compute(m);
    matchNanos += System.nanoTime() - t0;
    double v = visual(cand, predBlocks, ref, refBlocks);
    return new PageScore(s[0], s[1], s[2], s[3], v, visual.encoderName(), m.pairs().size(), predBlocks.size(), refBlocks.size());
  }

  private double visual(Page cand, List<Block> predBlocks, Page ref, List<Block> refBlocks) {
    long t0 = System.nanoTime();
    double v = visual.similarity(cand.screenshot(), predBlocks, ref.screenshot(), refBlocks);
    visualNanos += System.nanoTime() - t0;
    return v;
  }

  /** Seconds spent {rendering + block detection, matching + block scores, visual score}. */
  public double[] timings() {
    return new double[] {renderNanos / 1e9, matchNanos / 1e9, visualNanos / 1e9};
  }

  public String encoderName() {
    return visual.encoderName();
  }

  @Override
  public void close() {
    if (ownBrowser) browser.close();
  }
}
