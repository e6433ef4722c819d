package io.papers4j.multimodal.infimm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChromiumScreenshotTest {
  private static final String NO_CHROMIUM = "the Debian package 'chromium' is not installed: the renderer test needs headless Chromium";

  /** A 240×160 window over a red page with a blue 40×30 box at (100, 50): the viewport, in place, nothing else in the folder. */
  @Test
  void rendersTheViewportOfATinyPage(@TempDir Path dir) throws Exception {
    assumeTrue(ChromiumScreenshot.available(), NO_CHROMIUM);
    Path html = dir.resolve("page.html");
    Files.writeString(html, "<html><body style='margin:0;background:rgb(200,0,0)'>"
        + "<div style='position:absolute;left:100px;top:50px;width:40px;height:30px;background:rgb(0,0,255)'></div></body></html>");
    Path png = dir.resolve("shots/page.png");
    BufferedImage img = new ChromiumScreenshot(ChromiumScreenshot.binary(), 240, 160, Duration.ofSeconds(60)).render(html, png);
    assertThat(img.getWidth()).isEqualTo(240);
    assertThat(img.getHeight()).isEqualTo(160);
    assertThat(img.getRGB(5, 5) & 0xffffff).isEqualTo(0xc80000);
    assertThat(img.getRGB(120, 65) & 0xffffff).isEqualTo(0x0000ff);
    assertThat(img.getRGB(99, 65) & 0xffffff).isEqualTo(0xc80000);
    assertThat(img.getRGB(140, 65) & 0xffffff).isEqualTo(0xc80000);
    BufferedImage back = ImageIO.read(png.toFile());
    assertThat(back.getRGB(120, 65)).isEqualTo(img.getRGB(120, 65));
    try (Stream<Path> files = Files.list(png.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).as("no temporary file left").containsExactly("page.png");
    }
  }

  @Test
  void badInputGivesOneMessage(@TempDir Path dir) throws Exception {
    Path html = dir.resolve("page.html");
    Files.writeString(html, "<h1>x</h1>");
    assertThatThrownBy(() -> new ChromiumScreenshot(dir.resolve("no-such-chromium").toString(), 64, 64, Duration.ofSeconds(5)).render(html, dir.resolve("a.png")))
        .hasMessageContaining("cannot start Chromium").hasMessageContaining("install the Debian package 'chromium'");
    assertThatThrownBy(() -> new ChromiumScreenshot().render(dir.resolve("missing.html"), dir.resolve("b.png")))
        .hasMessageContaining("cannot read page").hasMessageContaining("missing.html");
    assertThatThrownBy(() -> new ChromiumScreenshot("chromium", 4, 64, Duration.ofSeconds(5))).hasMessageContaining("16..8192");
    assertThat(dir.resolve("a.png")).doesNotExist();
    if (ChromiumScreenshot.available()) {
      // a page whose script never returns never finishes loading, so the timeout is certain (a tiny page can
      // load within 50 ms on a quiet machine, which made this check depend on the load)
      Path hang = dir.resolve("hang.html");
      Files.writeString(hang, "<h1>x</h1><script>for (;;) {}</script>");
      try (ChromiumScreenshot slow = new ChromiumScreenshot(ChromiumScreenshot.binary(), 64, 64, Duration.ofSeconds(2))) {
        assertThatThrownBy(() -> slow.render(hang, dir.resolve("c.png"))).hasMessageContaining("did not render").hasMessageContaining("within 2 s");
      }
      assertThat(dir.resolve("c.png")).doesNotExist();
    }
  }
}
