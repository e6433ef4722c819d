package io.papers4j.design2code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** build-set on the real Debian pages: one Bootstrap example and one PostgreSQL page. */
class BenchmarkSetTest {
  @TempDir Path dir;

  @Test
  void buildsSelfContainedPagesWithReferenceScreenshots() throws Exception {
    List<BenchmarkSet.Entry> entries;
    java.awt.image.BufferedImage unpruned;
    try (Chromium c = Chromium.launch()) {
      entries = BenchmarkSet.build(dir, new BenchmarkSet.Selection(1, 1, 2000, 6000, List.of("pricing")), c);
      // the same page with the whole Bootstrap CSS inlined renders identically to the pruned one
      Path full = dir.resolve("full.html");
      Files.writeString(full, BenchmarkSet.bootstrapPage(BenchmarkSet.BOOTSTRAP_EXAMPLES.resolve("pricing"), Files.readString(BenchmarkSet.BOOTSTRAP_CSS)));
      unpruned = c.screenshot(full);
      // two blank fallbacks would also be pixel-identical: the comparison below means something only if both rendered
      assertThat(c.failures()).as("renders that fell back to the blank image").isZero();
    }
    var pruned = ImageIO.read(dir.resolve("bootstrap-pricing.png").toFile());
    assertThat(pruned.getWidth()).isEqualTo(unpruned.getWidth());
    assertThat(pruned.getHeight()).isEqualTo(unpruned.getHeight());
    int differing = 0;
    for (int y = 0; y < pruned.getHeight(); y++)
      for (int x = 0; x < pruned.getWidth(); x++) if (pruned.getRGB(x, y) != unpruned.getRGB(x, y)) differing++;
    assertThat(differing).as("pixels that differ after CSS pruning").isZero();
    assertThat(Files.size(dir.resolve("bootstrap-pricing.html"))).isLessThan(60_000);
    assertThat(entries).extracting(BenchmarkSet.Entry::id).hasSize(2).contains("bootstrap-pricing");
    assertThat(entries.get(1).id()).startsWith("postgres-");
    assertThat(BenchmarkSet.read(dir)).isEqualTo(entries);
    for (BenchmarkSet.Entry e : entries) {
      String html = Files.readString(dir.resolve(e.id() + ".html"));
      assertThat(html).doesNotContain("<script").doesNotContain("<svg").doesNotContain("<link").doesNotContain("href=").doesNotContain("{{<");
      assertThat(html).contains("<style>");
      var png = ImageIO.read(dir.resolve(e.id() + ".png").toFile());
      assertThat(png.getWidth()).isEqualTo(1280);
      assertThat(png.getHeight()).isEqualTo(e.height()).isGreaterThanOrEqualTo(720);
    }
    assertThat(Files.readString(dir.resolve("bootstrap-pricing.html"))).contains("Compare plans").contains(".pricing-header");
    assertThat(dir.resolve("rick.jpg")).exists();
  }

  @Test
  void hugoShortcodesBecomePlaceholdersAndText() {
    String s = BenchmarkSet.expandShortcodes("<p>&copy; 2017–{{< year >}}</p>{{< placeholder width=\"100%\" height=\"225\" class=\"card-img-top\" text=\"Thumbnail\" >}}{{< example >}}x{{< /example >}}");
    assertThat(s).isEqualTo("<p>&copy; 2017–2022</p><img src=\"rick.jpg\" class=\"bd-placeholder-img card-img-top\" width=\"100%\" height=\"225\">x");
  }

  @Test
  void aDirectoryWithoutManifestIsReportedClearly() {
    assertThatThrownBy(() -> BenchmarkSet.read(dir)).hasMessageContaining("no manifest.json").hasMessageContaining("build-set");
  }
}
