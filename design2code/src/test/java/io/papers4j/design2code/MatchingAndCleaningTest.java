package io.papers4j.design2code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Matching, merging, scores and the prediction clean-up on hand-made blocks and strings. */
class MatchingAndCleaningTest {
  static Block b(String text, double x, double y, double w, double h) {
    return new Block(text, x, y, w, h, new double[] {20, 20, 20});
  }

  @Test
  void identicalBlockListsScoreOne() {
    List<Block> blocks = List.of(b("pricing", .1, .05, .3, .04), b("free plan", .1, .2, .2, .02), b("pro plan", .4, .2, .2, .02));
    BlockMatcher.Matching m = new BlockMatcher(BlockMatcher.Config.OFFICIAL).match(blocks, blocks);
    assertThat(m.pairs()).hasSize(3);
    assertThat(BlockScores.compute(m)).containsExactly(new double[] {1, 1, 1, 1}, within(1e-12));
  }

  @Test
  void aParagraphSplitInTwoIsMergedBackSoTextStaysOne() {
    List<Block> ref = List.of(b("the quick brown fox jumps over the lazy dog", .1, .1, .8, .04), b("footer", .1, .9, .1, .02));
    List<Block> pred = List.of(b("the quick brown fox", .1, .1, .4, .02), b("jumps over the lazy dog", .1, .12, .4, .02), b("footer", .1, .9, .1, .02));
    BlockMatcher.Matching m = new BlockMatcher(BlockMatcher.Config.OFFICIAL).match(pred, ref);
    assertThat(m.predicted()).hasSize(2);
    assertThat(m.predicted().get(0).text()).isEqualTo("the quick brown fox jumps over the lazy dog");
    assertThat(m.predicted().get(0).h()).isCloseTo(0.04, within(1e-12));
    assertThat(BlockScores.compute(m)[1]).isEqualTo(1.0);
  }

  @Test
  void unmatchedBlocksLowerBlockMatchByTheirAreaShare() {
    List<Block> ref = List.of(b("alpha beta", 0, 0, .5, .1), b("gamma delta", 0, .5, .5, .1));
    List<Block> pred = List.of(b("alpha beta", 0, 0, .5, .1));
    double[] s = BlockScores.compute(new BlockMatcher(BlockMatcher.Config.OFFICIAL).match(pred, ref));
    // matched area .05 + .05, unmatched .05 -> 0.1 / 0.15
    assertThat(s[0]).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(s[1]).isEqualTo(1.0);
  }

  @Test
  void lowSimilarityPairsAreDropped() {
    BlockMatcher.Matching m = new BlockMatcher(BlockMatcher.Config.OFFICIAL).match(List.of(b("abc", 0, 0, .1, .1)), List.of(b("xyz", 0, 0, .1, .1)));
    assertThat(m.pairs()).isEmpty();
    assertThat(BlockScores.compute(m)).containsExactly(0, 0, 0, 0);
  }

  @Test
  void contextBonusUsesTheTwoMostNegativeNeighbours() {
    double[][] c = {{-1, -0.2, 0}, {-0.9, -0.8, -0.1}, {0, -0.7, -0.6}};
    double[][] a = BlockMatcher.adjustForContext(c, 0.1, 1);
    assertThat(a[0][0]).isCloseTo(-1 + 0.1 * (-0.9 + -0.8), within(1e-12));
    assertThat(a[1][1]).isCloseTo(-0.8 + 0.1 * (-1 + -0.9), within(1e-12));
    assertThat(a[0][1]).isEqualTo(-0.2); // cost >= -0.5: no bonus
  }

  @Test
  void differenceOfMeansFollowsTheOfficialRule() {
    // old {-0.3, -0.9}, new {-0.9, -0.8}: common {-0.9}; -0.3 - (-0.8) = 0.5 > 0 and min(-0.3) > min(-0.8)
    assertThat(BlockMatcher.differenceOfMeans(new double[] {-0.3, -0.9}, new double[] {-0.9, -0.8})).isCloseTo(0.5, within(1e-12));
    assertThat(BlockMatcher.differenceOfMeans(new double[] {-0.5}, new double[] {-0.5})).isEqualTo(0.0);
    assertThat(BlockMatcher.differenceOfMeans(new double[] {-0.9}, new double[] {-0.3})).isCloseTo(-0.6, within(1e-12));
  }

  @Test
  void repeatedGenerationIsCutAtTheFirstRepeat() {
    String unit = "<p>Subscribe to our newsletter for weekly product updates and exclusive offers for members!!</p>\n";
    String head = "<html><body><h1>Welcome to the shop front page</h1>";
    String html = head + unit.repeat(12);
    String cut = PredictionCleaner.truncateRepetition(html);
    assertThat(cut.length()).isLessThan(html.length());
    assertThat(cut).startsWith(head);
    String normal = "<html><body><p>one</p><p>two</p></body></html>";
    assertThat(PredictionCleaner.truncateRepetition(normal)).isEqualTo(normal);
  }

  @Test
  void nonHtmlOutputIsWrappedAndMassDuplicatesDropped() {
    assertThat(PredictionCleaner.makeHtml("just text")).isEqualTo("<html><body><p>just text</p></body></html>");
    assertThat(PredictionCleaner.makeHtml("<!doctype html><HTML lang=en>x")).isEqualTo("<!doctype html><HTML lang=en>x");
    String html = "<html><body>" + "<span>x</span>".repeat(60) + "</body></html>";
    String out = PredictionCleaner.dropRepeatedElements(html);
    assertThat(out.split("<span>", -1).length - 1).isEqualTo(50);
  }

  @Test
  void responsesAreCleanedLikeTheOfficialHarness() {
    assertThat(Prompts.cleanupResponse("```html\n<!DOCTYPE html><html></html>\n```")).isEqualTo("<!DOCTYPE html><html></html>");
    assertThat(Prompts.cleanupResponse("Sure! <!DOCTYPE html><html><body></body></html> hope it helps")).isEqualTo("<!DOCTYPE html><html><body></body></html>");
  }

  @Test
  void recolouringFollowsTheOfficialPoolAndStyleRules() {
    var doc = Recolor.recolor("<html><body><div style='color: red; margin:0'><p>a</p><em>b</em></div></body></html>", 0);
    var div = doc.selectFirst("div");
    assertThat(div.attr("style")).isEqualTo("margin:0;   background-color: rgba(255, 255, 255, 0.0) !important;  color: #FAFAFA !important; opacity: 1.0 !important"); // Python update_style gives exactly this
    assertThat(doc.selectFirst("p").attr("style")).contains("color: #FAFAEA !important");
    var shifted = Recolor.recolor("<html><body><p>a</p></body></html>", 50);
    assertThat(shifted.selectFirst("p").attr("style")).contains("color: #2C2C2C !important");
    List<String[]> items = BlockDetector.textWithColor(doc);
    assertThat(items).extracting(i -> i[0] + "=" + i[1]).containsExactly("a=#FAFAEA", "b=#FAFAFA");
  }
}
