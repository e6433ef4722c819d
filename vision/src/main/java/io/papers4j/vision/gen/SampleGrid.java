package io.papers4j.vision.gen;

import io.papers4j.core.data.RgbPlanes;
import io.papers4j.core.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * PNG sample grids: a batch of images (N, C, H, W) with C = 1 (grey) or 3 (RGB), values in [0, 1]
 * (or [-1, 1] with {@code signed}; anything outside is clipped), laid out row-major in {@code
 * columns} columns with a 2-pixel dark border, optionally also one PNG per sample ({@code
 * sample_0000.png}, ...). Every file is written atomically ({@link AtomicFiles}), so a reader never
 * sees half a PNG.
 */
public final class SampleGrid {
  private static final int BORDER = 2;
  private static final int BORDER_RGB = 0x202020;

  private SampleGrid() {}

  /** Writes the grid to {@code file}; {@code columns} ≤ 0 means ⌈√N⌉. */
  public static void write(Tensor images, Path file, int columns, boolean signed) {
    BufferedImage[] tiles = toImages(images, signed);
    int n = tiles.length, cols = columns > 0 ? Math.min(columns, n) : (int) Math.ceil(Math.sqrt(n));
    int rows = (n + cols - 1) / cols, h = tiles[0].getHeight(), w = tiles[0].getWidth();
    BufferedImage grid = new BufferedImage(cols * (w + BORDER) + BORDER, rows * (h + BORDER) + BORDER, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < grid.getHeight(); y++) for (int x = 0; x < grid.getWidth(); x++) grid.setRGB(x, y, BORDER_RGB);
    for (int i = 0; i < n; i++) {
      int ox = BORDER + (i % cols) * (w + BORDER), oy = BORDER + (i / cols) * (h + BORDER);
      for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) grid.setRGB(ox + x, oy + y, tiles[i].getRGB(x, y));
    }
    png(grid, file);
  }

  /** Writes {@code prefix_0000.png} ... one per image into {@code dir}; returns the paths. */
  public static List<Path> writeEach(Tensor images, Path dir, String prefix, boolean signed) {
    BufferedImage[] tiles = toImages(images, signed);
    List<Path> out = new ArrayList<>(tiles.length);
    for (int i = 0; i < tiles.length; i++) {
      Path f = dir.resolve(String.format("%s_%04d.png", prefix, i));
      png(tiles[i], f);
      out.add(f);
    }
    return out;
  }

  /** One {@link BufferedImage} per image of (N, C, H, W), C ∈ {1, 3}. */
  public static BufferedImage[] toImages(Tensor images, boolean signed) {
    if (images.dim() != 4 || (images.size(1) != 1 && images.size(1) != 3) || images.size(0) < 1) {
      throw new IllegalArgumentException("sample grid needs images (N, 1|3, H, W) with N >= 1, got " + Arrays.toString(images.shape()));
    }
    Tensor x = images.detach().to(torch.ScalarType.Float);
    if (signed) x = x.add(new Scalar(1.0)).mul(new Scalar(0.5));
    x = x.clamp(new ScalarOptional(new Scalar(0.0)), new ScalarOptional(new Scalar(1.0))).contiguous();
    int n = (int) x.size(0), c = (int) x.size(1), h = (int) x.size(2), w = (int) x.size(3);
    float[] v = new float[n * c * h * w];
    x.data_ptr_float().capacity(v.length).get(v);
    BufferedImage[] out = new BufferedImage[n];
    int plane = h * w;
    for (int i = 0; i < n; i++) {
      BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      int base = i * c * plane;
      for (int y = 0; y < h; y++) {
        for (int xx = 0; xx < w; xx++) {
          int p = base + y * w + xx;
          int r = byteOf(v[p]), g = c == 3 ? byteOf(v[p + plane]) : r, b = c == 3 ? byteOf(v[p + 2 * plane]) : r;
          img.setRGB(xx, y, (r << 16) | (g << 8) | b);
        }
      }
      out[i] = img;
    }
    return out;
  }

  /**
   * Reads PNGs back as images (N, C, H, W) in [0, 1]; C = 1 takes the mean of red, green and blue.
   * Every file must have the same size; a missing, unreadable or differently sized file fails with
   * one message naming it.
   */
  public static Tensor read(List<Path> files, int channels) {
    if (files.isEmpty()) throw new IllegalArgumentException("no PNG files to read");
    if (channels != 1 && channels != 3) throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
    int w = -1, h = -1;
    float[] v = null;
    for (int i = 0; i < files.size(); i++) {
      BufferedImage img;
      try {
        img = ImageIO.read(files.get(i).toFile());
      } catch (IOException e) {
        throw new IllegalArgumentException(files.get(i) + ": unreadable: " + e.getMessage(), e);
      }
      if (img == null) throw new IllegalArgumentException(files.get(i) + ": not an image");
      if (w < 0) {
        w = img.getWidth();
        h = img.getHeight();
        v = new float[files.size() * channels * h * w];
      } else if (img.getWidth() != w || img.getHeight() != h) {
        throw new IllegalArgumentException(files.get(i) + ": " + img.getWidth() + "x" + img.getHeight() + ", but the first image is " + w + "x" + h);
      }
      int plane = h * w, base = i * channels * plane;
      if (channels == 3) {
        RgbPlanes.copy(img, v, base);
        continue;
      }
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int rgb = img.getRGB(x, y), r = (rgb >> 16) & 255, g = (rgb >> 8) & 255, b = rgb & 255;
          v[base + y * w + x] = (r + g + b) / (3f * 255f);
        }
      }
    }
    return torch.tensor(v).view(files.size(), channels, h, w);
  }

  private static int byteOf(float f) {
    return Math.round(f * 255f);
  }

  private static void png(BufferedImage img, Path file) {
    AtomicFiles.write(file, tmp -> {
      if (!ImageIO.write(img, "png", tmp.toFile())) throw new IOException("no PNG writer");
    });
  }
}
