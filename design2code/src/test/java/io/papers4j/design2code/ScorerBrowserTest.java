package io.papers4j.design2code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * End-to-end metric behaviour in a real headless Chromium (one browser for the class): identity
 * scores 1.0 everywhere; each controlled perturbation lowers the metric it targets, monotonically
 * in its size, and leaves the others near 1.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScorerBrowserTest {
  private Path dir;
  private Scorer scorer;
  private Scorer.Page reference;
  private int files;

  /** A small page; the knobs are the perturbations. */
  static String page(int shiftPx, int red, int deleted, int edited, int columnWidth) {
    StringBuilder sb = new StringBuilder();
    sb.append("<html><head><style>body{font-family:DejaVu Sans,sans-serif;margin:20px;} .col{display:inline-block;vertical-align:top}</style></head><body>");
    sb.append("<h1 style='color:rgb(").append(red).append(",40,40)'>Pricing plans for every team</h1>");
    sb.append("<div style='margin-left:").append(shiftPx).append("px'><p>Moved paragraph: choose the plan that fits you.</p></div>");
    String[] paras = {
      "Free plan includes ten users and two gigabytes of storage.",
      "Pro plan adds priority email support and reporting.",
      "Enterprise plan has phone support and help center access.",
      "All plans come with a thirty day money back guarantee."
    };
    for (int i = deleted; i < paras.length; i++) {
      String p = paras[i];
      if (i == paras.length - 1 && edited > 0) p = "X".repeat(edited) + p.substring(edited);
      sb.append("<p>").append(p).append("</p>");
    }
    sb.append("<div class='col' style='width:").append(columnWidth).append("px'><p>Left column text about features.</p></div>");
    sb.append("<div class='col' style='width:300px'><p style='color:#1a5fb4'>Right column text with a link color.</p></div>");
    sb.append("</body></html>");
    return sb.toString();
  }

  static final int[] BASE = {0, 40, 0, 0, 300};

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("d2c-test-");
    scorer = Scorer.launch();
    reference = scorer.page(write(page(BASE[0], BASE[1], BASE[2], BASE[3], BASE[4])));
  }

  @AfterAll
  void stop() {
    if (scorer != null) {
      double[] t = scorer.timings();
      System.out.printf("render+detect %.1f s, matching %.1f s, visual %.1f s%n", t[0], t[1], t[2]);
      scorer.close();
    }
    if (dir != null) Chromium.deleteTree(dir);
  }

  private Path write(String html) throws Exception {
    Path p = dir.resolve("page" + (files++) + ".html");
    Files.writeString(p, html);
    return p;
  }

  private PageScore identity;

  private PageScore score(String html) throws Exception {
    String base = page(BASE[0], BASE[1], BASE[2], BASE[3], BASE[4]);
    if (html.equals(base) && identity != null) return identity; // the unperturbed page, scored once
    PageScore s = scorer.score(reference, scorer.candidatePage(write(html)));
    if (html.equals(base)) identity = s;
    return s;
  }

  @Test
  void identicalPagesScoreOneOnEveryMetric() throws Exception {
    assertThat(reference.blocks()).hasSizeGreaterThanOrEqualTo(8);
    PageScore s = score(page(BASE[0], BASE[1], BASE[2], BASE[3], BASE[4]));
    assertThat(s.block()).isCloseTo(1.0, within(1e-12));
    assertThat(s.text()).isCloseTo(1.0, within(1e-12));
    assertThat(s.position()).isCloseTo(1.0, within(1e-12));
    assertThat(s.color()).isCloseTo(1.0, within(1e-12));
    assertThat(s.visual()).isCloseTo(1.0, within(1e-6));
    assertThat(s.finalScore()).isCloseTo(1.0, within(1e-6));
  }

  /** Scores at increasing perturbation sizes. */
  private List<PageScore> sweep(IntFunction<String> pageAt, int... sizes) throws Exception {
    List<PageScore> out = new ArrayList<>();
    for (int s : sizes) out.add(score(pageAt.apply(s)));
    return out;
  }

  private static void assertDecreasing(List<PageScore> scores, java.util.function.ToDoubleFunction<PageScore> metric, String name) {
    for (int i = 1; i < scores.size(); i++)
      assertThat(metric.applyAsDouble(scores.get(i)))
          .as("%s must drop with perturbation size (step %d): %s", name, i, scores)
          .isLessThan(metric.applyAsDouble(scores.get(i - 1)));
  }

  @Test
  void movingABlockLowersPositionOnly() throws Exception {
    List<PageScore> s = sweep(d -> page(d, BASE[1], BASE[2], BASE[3], BASE[4]), 0, 60, 400);
    assertDecreasing(s, PageScore::position, "position");
    PageScore far = s.get(s.size() - 1);
    assertThat(far.text()).isCloseTo(1.0, within(1e-9));
    assertThat(far.block()).isGreaterThan(0.97);
    assertThat(far.color()).isGreaterThan(0.99);
  }

  @Test
  void recolouringTextLowersColorOnly() throws Exception {
    List<PageScore> s = sweep(r -> page(BASE[0], r, BASE[2], BASE[3], BASE[4]), 40, 140, 250);
    assertDecreasing(s, PageScore::color, "color");
    PageScore last = s.get(s.size() - 1);
    assertThat(last.text()).isCloseTo(1.0, within(1e-9));
    assertThat(last.position()).isCloseTo(1.0, within(1e-9));
    assertThat(last.block()).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void deletingTextLowersBlockMatch() throws Exception {
    List<PageScore> s = sweep(k -> page(BASE[0], BASE[1], k, BASE[3], BASE[4]), 0, 1, 3);
    assertDecreasing(s, PageScore::block, "block");
    // surviving matches keep their text and colour
    assertThat(s.get(2).text()).isCloseTo(1.0, within(1e-9));
    assertThat(s.get(2).color()).isGreaterThan(0.99);
  }

  @Test
  void editingTextLowersTextSimilarity() throws Exception {
    List<PageScore> s = sweep(k -> page(BASE[0], BASE[1], BASE[2], k, BASE[4]), 0, 8, 25);
    assertDecreasing(s, PageScore::text, "text");
    assertThat(s.get(2).color()).isGreaterThan(0.98);
  }

  @Test
  void changingLayoutLowersPositionAndVisual() throws Exception {
    List<PageScore> s = sweep(w -> page(BASE[0], BASE[1], BASE[2], BASE[3], w), 300, 600, 900);
    assertDecreasing(s, PageScore::position, "position");
    assertDecreasing(s, PageScore::visual, "visual");
    assertThat(s.get(2).text()).isCloseTo(1.0, within(1e-9));
  }
}
