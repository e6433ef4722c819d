package io.papers4j.core.data;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The Tango icon theme (Debian {@code tango-icon-theme}, public domain): real colour RGBA icons under
 * {@code /usr/share/icons/Tango/<size>/<context>/*.png}. The context directory (actions, apps,
 * categories, devices, emblems, emotes, mimetypes, places, status) is the label; the file name is
 * a caption. Icons are composited over a background colour and returned as float (N, 3, S, S) in
 * [0, 1] with int64 labels, in sorted path order (deterministic).
 */
public final class TangoIcons {
  public static final Path DEFAULT_DIR = Path.of("/usr/share/icons/Tango");
  public static final String DEBIAN_PACKAGE = "tango-icon-theme";

  /** Images (N, 3, S, S), labels (N), the context names indexed by label and each icon's name. */
  public record Icons(Tensor images, Tensor labels, List<String> contexts, List<String> names) {}

  private TangoIcons() {}

  /**
   * Loads every icon of {@code size} (16, 22, 24 or 32) under {@code dir}; each is composited over a
   * background drawn from {@code seed} (a random mid-grey-to-colour shade), so alpha is not lost.
   */
  public static Icons load(Path dir, int size, long seed) {
    Path root = dir.resolve(size + "x" + size);
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException(root + ": Tango icons not found (install the Debian package " + DEBIAN_PACKAGE + ")");
    }
    List<String> contexts = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    try (Stream<Path> ctx = Files.list(root)) {
      for (Path c : ctx.filter(Files::isDirectory).sorted().toList()) {
        List<Path> pngs;
        try (Stream<Path> f = Files.list(c)) {
          pngs = f.filter(p -> p.getFileName().toString().endsWith(".png") && !Files.isSymbolicLink(p)).sorted().toList(); // links are aliases
        }
        if (pngs.isEmpty()) continue;
        contexts.add(c.getFileName().toString());
        for (Path p : pngs) {
          files.add(p);
          labels.add(contexts.size() - 1);
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(root + ": cannot list Tango icons: " + e.getMessage(), e);
    }
    if (files.isEmpty()) throw new IllegalArgumentException(root + ": no PNG icons");
    Random rng = new Random(seed);
    float[] px = new float[files.size() * 3 * size * size];
    long[] lab = new long[files.size()];
    List<String> names = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      BufferedImage icon;
      try {
        icon = ImageIO.read(files.get(i).toFile());
      } catch (IOException e) {
        throw new IllegalArgumentException(files.get(i) + ": unreadable PNG: " + e.getMessage(), e);
      }
      if (icon == null) throw new IllegalArgumentException(files.get(i) + ": not a PNG image");
      BufferedImage canvas = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = canvas.createGraphics();
      g.setColor(Color.getHSBColor(rng.nextFloat(), 0.3f * rng.nextFloat(), 0.35f + 0.5f * rng.nextFloat()));
      g.fillRect(0, 0, size, size);
      g.drawImage(icon, 0, 0, size, size, null);
      g.dispose();
      RgbPlanes.copy(canvas, px, i * 3 * size * size);
      lab[i] = labels.get(i);
      names.add(files.get(i).getFileName().toString().replaceFirst("\\.png$", ""));
    }
    return new Icons(torch.tensor(px).view(files.size(), 3, size, size), torch.tensor(lab), contexts, names);
  }
}
