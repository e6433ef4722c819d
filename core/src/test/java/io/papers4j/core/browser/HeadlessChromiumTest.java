package io.papers4j.core.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeadlessChromiumTest {
  private static final String NO_CHROMIUM = "the Debian package 'chromium' is not installed (scripts/deps/core.test)";

  @TempDir Path dir;

  /** One browser, several pages: viewport pixels in place, a region beyond the viewport, a script's value. */
  @Test
  void oneBrowserServesManyPages() throws Exception {
    assumeTrue(HeadlessChromium.available(), NO_CHROMIUM);
    Path red = page("red", "<html><body style='margin:0;background:rgb(200,0,0)'>"
        + "<div style='position:absolute;left:100px;top:50px;width:40px;height:30px;background:rgb(0,0,255)'></div>"
        + "<div style='position:absolute;left:0;top:400px;width:10px;height:10px;background:rgb(0,255,0)'></div></body></html>");
    Path titled = page("titled", "<html><head><title>Tables</title></head><body><h1>29.2 Tables</h1></body></html>");
    try (HeadlessChromium c = HeadlessChromium.launch(240, 160)) {
      BufferedImage view = c.onPage(red, HeadlessChromium.Page::captureViewport);
      assertThat(view.getWidth()).isEqualTo(240);
      assertThat(view.getHeight()).isEqualTo(160);
      assertThat(view.getRGB(5, 5) & 0xffffff).isEqualTo(0xc80000);
      assertThat(view.getRGB(120, 65) & 0xffffff).isEqualTo(0x0000ff);
      assertThat(view.getRGB(99, 65) & 0xffffff).isEqualTo(0xc80000);
      assertThat(view.getRGB(140, 65) & 0xffffff).isEqualTo(0xc80000);
      BufferedImage below = c.onPage(red, p -> p.capture(0, 400, 20, 20));
      assertThat(below.getRGB(5, 5) & 0xffffff).as("beyond the viewport").isEqualTo(0x00ff00);
      assertThat(below.getRGB(15, 15) & 0xffffff).isEqualTo(0xc80000);
      String heading = c.onPage(titled, p -> p.evaluate("document.querySelector('h1').textContent", false).asText());
      assertThat(heading).isEqualTo("29.2 Tables");
      String title = c.onPage(titled, p -> p.evaluate("document.title", false).asText());
      assertThat(title).isEqualTo("Tables");
    }
  }

  /** A failing page names it and leaves the browser usable for the next page; a closed browser says so. */
  @Test
  void failuresNameThePageAndTheBrowserGoesOn() throws Exception {
    assumeTrue(HeadlessChromium.available(), NO_CHROMIUM);
    Path ok = page("ok", "<html><body style='margin:0;background:rgb(0,0,255)'></body></html>");
    HeadlessChromium c = HeadlessChromium.launch(64, 64);
    try {
      assertThatThrownBy(() -> c.onPage(ok, p -> p.evaluate("no_such_function()", false)))
          .hasMessageContaining("ok.html").hasMessageContaining("script failed");
      assertThat(c.onPage(ok, HeadlessChromium.Page::captureViewport).getRGB(10, 10) & 0xffffff).isEqualTo(0x0000ff);
    } finally {
      c.close();
    }
    assertThatThrownBy(() -> c.onPage(ok, HeadlessChromium.Page::captureViewport)).hasMessageContaining("closed");
  }

  @Test
  void badLaunchArgumentsGiveOneMessage() {
    assertThatThrownBy(() -> HeadlessChromium.launch(dir.resolve("no-such-chromium").toString(), 64, 64, Duration.ofSeconds(5)))
        .hasMessageContaining("cannot start Chromium").hasMessageContaining("install the Debian package 'chromium'");
    assertThatThrownBy(() -> HeadlessChromium.launch("chromium", 4, 64, Duration.ofSeconds(5))).hasMessageContaining("16..8192");
    assertThatThrownBy(() -> HeadlessChromium.launch("chromium", 64, 64, Duration.ZERO)).hasMessageContaining("timeout");
  }

  private Path page(String name, String html) throws Exception {
    Path p = dir.resolve(name + ".html");
    Files.writeString(p, html);
    return p;
  }
}
