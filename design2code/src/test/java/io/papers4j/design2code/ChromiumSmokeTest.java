package io.papers4j.design2code;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChromiumSmokeTest {
  @TempDir Path dir;

  @Test
  void rendersFullPageAt1280WideAndFallsBackToBlank() throws Exception {
    Path page = dir.resolve("p.html");
    Files.writeString(page, "<html><body style='margin:0'><div style='height:2000px;background:#ff0000'>x</div></body></html>");
    try (Chromium c = Chromium.launch()) {
      long t0 = System.nanoTime();
      BufferedImage img = c.screenshot(page);
      System.out.println("render ms " + (System.nanoTime() - t0) / 1e6);
      assertThat(img.getWidth()).isEqualTo(1280);
      assertThat(img.getHeight()).isEqualTo(2000);
      assertThat(img.getRGB(10, 1500) & 0xFFFFFF).isEqualTo(0xFF0000);
      BufferedImage missing = c.screenshot(dir.resolve("does-not-exist.html"));
      assertThat(missing.getWidth()).isEqualTo(1280);
      assertThat(missing.getHeight()).isEqualTo(960);
      assertThat(c.failures()).isEqualTo(1);
    }
  }
}
