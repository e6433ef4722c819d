package io.papers4j.vision.tryon;

import io.papers4j.core.data.RgbPlanes;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.bytedeco.pytorch.Tensor;

/**
 * Reading the user's person, garment and mask pictures for {@code papers4j tryon run}: any image
 * ImageIO reads (PNG, JPEG, BMP, GIF), resized to 32×32 with a note when it has another size, and the
 * garment mask computed from the person's foreground box when none is given.
 */
public final class TryOnImages {
  private TryOnImages() {}

  /** An image as (1, 3, 32, 32) in [0, 1]; {@code notes} receives a line when it was resized. */
  public static Tensor readRgb(Path file, String what, Consumer<String> notes) {
    BufferedImage img = read(file, what);
    if (img.getWidth() != TryOnData.SIZE || img.getHeight() != TryOnData.SIZE) {
      notes.accept("note: the " + what + " image " + file.getFileName() + " is " + img.getWidth() + "×" + img.getHeight() + ", resized to "
          + TryOnData.SIZE + "×" + TryOnData.SIZE + " (bilinear)");
      img = resize(img);
    }
    int s = TryOnData.SIZE;
    return Tensor.create(RgbPlanes.of(img), 1, 3, s, s).clone();
  }

  /** A mask picture as (1, 1, 32, 32) in {0, 1}: pixels brighter than half grey are garment. */
  public static Tensor readMask(Path file, Consumer<String> notes) {
    Tensor rgb = readRgb(file, "mask", notes); // (1, 3, S, S)
    Tensor m = rgb.mean(new long[] {1}, true, new org.bytedeco.pytorch.ScalarTypeOptional()).gt(new org.bytedeco.pytorch.Scalar(0.5))
        .to(org.bytedeco.pytorch.global.torch.ScalarType.Float);
    if (m.sum().item_double() == 0) throw new IllegalArgumentException("the mask " + file + " is empty (no pixel brighter than half grey)");
    return m;
  }

  /**
   * A mask computed from the person picture: the foreground is every pixel that differs from the
   * top-left corner's colour, and the garment area is a band of the foreground's box (upper body:
   * 27-75% of its height, lower body: 60-100%, dress: 27-92%, the generator's proportions), 1 px wider.
   */
  public static Tensor computeMask(Tensor person, String category) {
    int c = TryOnData.CATEGORIES.indexOf(category);
    if (c < 0) throw new IllegalArgumentException("category must be one of " + TryOnData.CATEGORIES + ", got " + category);
    int s = TryOnData.SIZE, px = s * s;
    float[] v = new float[3 * px];
    person.contiguous().data_ptr_float().get(v);
    int x0 = s, y0 = s, x1 = -1, y1 = -1;
    for (int y = 0; y < s; y++) {
      for (int x = 0; x < s; x++) {
        double d = 0;
        for (int ch = 0; ch < 3; ch++) d = Math.max(d, Math.abs(v[ch * px + y * s + x] - v[ch * px]));
        if (d <= 0.08) continue;
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
    }
    if (x1 < 0 || (y1 - y0) < 4) {
      throw new IllegalArgumentException("cannot compute a garment mask: the person image has no foreground that differs from its corner colour; pass --mask");
    }
    double[][] bands = {{0.27, 0.75}, {0.60, 1.0}, {0.27, 0.92}};
    int h = y1 - y0 + 1;
    int top = y0 + (int) Math.floor(bands[c][0] * h) - 1, bottom = y0 + (int) Math.ceil(bands[c][1] * h);
    float[] m = new float[px];
    for (int y = Math.max(0, top); y <= Math.min(s - 1, bottom); y++) {
      for (int x = Math.max(0, x0 - 1); x <= Math.min(s - 1, x1 + 1); x++) m[y * s + x] = 1;
    }
    return Tensor.create(m, 1, 1, s, s).clone();
  }

  private static BufferedImage read(Path file, String what) {
    if (!Files.isRegularFile(file)) throw new IllegalArgumentException("the " + what + " image " + file + " does not exist");
    BufferedImage img;
    try {
      img = ImageIO.read(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException("the " + what + " file " + file + " is not a readable image: " + e.getMessage());
    }
    if (img == null) throw new IllegalArgumentException("the " + what + " file " + file + " is not an image (PNG, JPEG, BMP or GIF)");
    return img;
  }

  private static BufferedImage resize(BufferedImage img) {
    BufferedImage out = new BufferedImage(TryOnData.SIZE, TryOnData.SIZE, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(img, 0, 0, TryOnData.SIZE, TryOnData.SIZE, null);
    g.dispose();
    return out;
  }
}
