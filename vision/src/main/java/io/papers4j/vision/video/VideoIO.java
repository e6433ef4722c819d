package io.papers4j.vision.video;

import io.papers4j.core.data.RgbPlanes;
import io.papers4j.core.io.AnimatedGif;
import io.papers4j.core.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.bytedeco.pytorch.Tensor;

/**
 * Video files: animated GIFs (through {@link AnimatedGif}), PNG strips (frames side by side, several clips as rows), and reading an image
 * or the frames of a GIF / a Muybridge-style grid back. Files are written atomically.
 */
public final class VideoIO {
  private VideoIO() {}

  /** Frames (T, 3, S, S) in [−1, 1] → RGB images. */
  public static List<BufferedImage> frames(Tensor clip) {
    if (clip.dim() != 4 || clip.size(1) != 3) throw new IllegalArgumentException("a clip must be (T, 3, H, W), got " + java.util.Arrays.toString(clip.shape()));
    int t = (int) clip.size(0), h = (int) clip.size(2), w = (int) clip.size(3);
    float[] v = new float[t * 3 * h * w];
    clip.contiguous().to(org.bytedeco.pytorch.global.torch.ScalarType.Float).data_ptr_float().get(v);
    List<BufferedImage> out = new ArrayList<>();
    for (int f = 0; f < t; f++) {
      BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int rgb = 0;
          for (int c = 0; c < 3; c++) rgb = (rgb << 8) | toByte(v[((f * 3 + c) * h + y) * w + x]);
          img.setRGB(x, y, rgb);
        }
      }
      out.add(img);
    }
    return out;
  }

  private static int toByte(float signed) {
    return Math.max(0, Math.min(255, Math.round((signed + 1) / 2 * 255)));
  }

  /** RGB images → (T, 3, H, W) in [−1, 1]. */
  public static Tensor toTensor(List<BufferedImage> images) {
    int t = images.size(), h = images.get(0).getHeight(), w = images.get(0).getWidth();
    float[] v = new float[t * 3 * h * w];
    for (int f = 0; f < t; f++) {
      BufferedImage img = images.get(f);
      if (img.getWidth() != w || img.getHeight() != h) throw new IllegalArgumentException("frames differ in size");
      RgbPlanes.copy(img, v, f * 3 * h * w);
    }
    for (int i = 0; i < v.length; i++) v[i] = v[i] * 2 - 1;
    return Tensor.create(v, t, 3, h, w).clone();
  }

  /** Writes an animated, looping GIF, each frame shown {@code delayMs} (scaled up by an integer {@code scale}); see {@link AnimatedGif}. */
  public static void writeGif(Path file, List<BufferedImage> frames, int delayMs, int scale) {
    AnimatedGif.write(file, frames, delayMs, scale);
  }

  /** Every frame of a GIF, composited as displayed; see {@link AnimatedGif#read}. */
  public static List<BufferedImage> readGif(Path file) {
    return AnimatedGif.read(file);
  }

  /** Clips as rows of a strip, frames left to right, each frame scaled by {@code scale}, 2 px gaps; written as PNG. */
  public static void writeStrip(Path file, List<List<BufferedImage>> rows, int scale) {
    int cols = rows.stream().mapToInt(List::size).max().orElse(0);
    if (cols == 0) throw new IllegalArgumentException("no frames to write");
    int w = rows.get(0).get(0).getWidth() * scale, h = rows.get(0).get(0).getHeight() * scale, gap = 2;
    BufferedImage strip = new BufferedImage(cols * (w + gap) - gap, rows.size() * (h + gap) - gap, BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = strip.createGraphics();
    g.setColor(java.awt.Color.WHITE);
    g.fillRect(0, 0, strip.getWidth(), strip.getHeight());
    for (int r = 0; r < rows.size(); r++) {
      for (int c = 0; c < rows.get(r).size(); c++) g.drawImage(scale(rows.get(r).get(c), scale), c * (w + gap), r * (h + gap), null);
    }
    g.dispose();
    AtomicFiles.writePng(file, strip);
  }

  /** Reads a PNG/JPEG/GIF image as RGB, resized (bilinear) to size×size. */
  public static BufferedImage readImage(Path file, int size) {
    return resize(readImageRaw(file), size, size);
  }

  /** Reads a PNG/JPEG/GIF image (the first frame of a GIF) at its own size. */
  public static BufferedImage readImageRaw(Path file) {
    if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no such image: " + file);
    BufferedImage img;
    try {
      img = ImageIO.read(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": not a readable image: " + e.getMessage(), e);
    }
    if (img == null) throw new IllegalArgumentException(file + ": not a PNG, JPEG or GIF image");
    return img;
  }

  static BufferedImage resize(BufferedImage img, int w, int h) {
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = out.createGraphics();
    g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(img, 0, 0, w, h, null);
    g.dispose();
    return out;
  }

  private static BufferedImage scale(BufferedImage img, int scale) {
    if (scale == 1) return img;
    BufferedImage out = new BufferedImage(img.getWidth() * scale, img.getHeight() * scale, BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = out.createGraphics();
    g.drawImage(img, 0, 0, out.getWidth(), out.getHeight(), null); // nearest neighbour
    g.dispose();
    return out;
  }
}
