package io.papers4j.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class RgbPlanesTest {
  @Test
  void planesHoldEachChannelRowMajorOverTwoFiftyFive() {
    BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, 0xFF0000);
    img.setRGB(2, 0, 0x00FF00);
    img.setRGB(1, 1, 0x0000FF);
    img.setRGB(2, 1, 0x336699);
    float[] p = RgbPlanes.of(img);
    assertEquals(18, p.length);
    assertEquals(1f, p[0]);          // red plane (0, 0)
    assertEquals(1f, p[6 + 2]);      // green plane (0, 2)
    assertEquals(1f, p[12 + 3 + 1]); // blue plane (1, 1)
    assertEquals(0x33 / 255f, p[3 + 2]);
    assertEquals(0x66 / 255f, p[6 + 3 + 2]);
    assertEquals(0x99 / 255f, p[12 + 3 + 2]);
    assertEquals(0f, p[1]);
  }

  @Test
  void copyWritesAtTheOffsetAndAgreesWithPerPixelReads() {
    BufferedImage img = new BufferedImage(4, 5, BufferedImage.TYPE_INT_ARGB);
    java.util.Random rng = new java.util.Random(7);
    for (int y = 0; y < 5; y++) for (int x = 0; x < 4; x++) img.setRGB(x, y, rng.nextInt());
    float[] dst = new float[7 + 60];
    RgbPlanes.copy(img, dst, 7);
    for (int y = 0; y < 5; y++) {
      for (int x = 0; x < 4; x++) {
        int rgb = img.getRGB(x, y);
        for (int c = 0; c < 3; c++) assertEquals(((rgb >> (16 - 8 * c)) & 255) / 255f, dst[7 + c * 20 + y * 4 + x]);
      }
    }
  }

  @Test
  void tooSmallArrayIsAClearError() {
    BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RgbPlanes.copy(img, new float[47], 0));
    assertEquals("a 4x4 image needs 48 values from offset 0, but the array holds 47", e.getMessage());
  }
}
