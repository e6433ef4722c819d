package io.papers4j.multimodal.vlm;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.bytedeco.pytorch.Tensor;

/** Reading images of any size and format ImageIO knows (PNG, JPEG, GIF, BMP) into (3, H, W) tensors in [0, 1]. */
public final class Images {
  private Images() {}

  /** Decodes bytes; {@code origin} names the source in the message when they are not an image. */
  public static BufferedImage decode(byte[] bytes, String origin) {
    if (bytes == null || bytes.length == 0) throw new IllegalArgumentException(origin + ": empty image data");
    BufferedImage img;
    try {
      img = ImageIO.read(new ByteArrayInputStream(bytes));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(origin + ": corrupt image (" + e.getMessage() + ")");
    }
    if (img == null) throw new IllegalArgumentException(origin + ": not a PNG/JPEG/GIF/BMP image");
    if (img.getWidth() < 1 || img.getHeight() < 1) throw new IllegalArgumentException(origin + ": image has no pixels");
    return img;
  }

  /** Reads a file with a clear message when it is missing or not an image. */
  public static BufferedImage read(Path file) {
    if (!Files.isRegularFile(file)) throw new IllegalArgumentException("image file not found: " + file);
    try {
      return decode(Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    }
  }

  /** RGB pixels → (3, H, W) float32 in [0, 1]; alpha is composited on white. */
  public static Tensor toTensor(BufferedImage img) {
    int w = img.getWidth(), h = img.getHeight();
    float[] px = new float[3 * w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int argb = img.getRGB(x, y);
        double a = ((argb >>> 24) & 0xff) / 255.0;
        for (int c = 0; c < 3; c++) {
          double v = ((argb >> (16 - 8 * c)) & 0xff) / 255.0;
          px[c * w * h + y * w + x] = (float) (v * a + (1 - a));
        }
      }
    }
    return Tensor.create(px).view(3, h, w);
  }
}
