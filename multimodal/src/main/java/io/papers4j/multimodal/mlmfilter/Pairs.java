package io.papers4j.multimodal.mlmfilter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.papers4j.core.io.AtomicFiles;
import io.papers4j.multimodal.vlm.Images;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.bytedeco.pytorch.Tensor;

/**
 * Image-text pairs on disk: JSON lines {@code {"image": path, "caption": text}} (optional
 * {@code "id"}, default the line number; relative image paths are resolved against the file's
 * folder), or a directory of {@code .png/.jpg} files each with a same-named {@code .txt} caption.
 * Images of any size are padded to a square and resized to the model's side.
 */
public final class Pairs {
  /** A pair as read from disk (the image is read lazily by {@link #image}). */
  public record Entry(String id, Path image, String caption) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private Pairs() {}

  /** Reads a pairs file or directory, with one clear message for every kind of bad input. */
  public static List<Entry> read(Path source) {
    if (!Files.exists(source)) throw new IllegalArgumentException("pairs not found: " + source);
    return Files.isDirectory(source) ? readDir(source) : readJsonl(source);
  }

  private static List<Entry> readJsonl(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    }
    Path base = file.toAbsolutePath().getParent();
    List<Entry> out = new ArrayList<>();
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty()) continue;
      JsonNode n;
      try {
        n = JSON.readTree(line);
      } catch (IOException e) {
        throw new IllegalArgumentException(file + " line " + (i + 1) + ": not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
      }
      if (!n.isObject() || !n.path("image").isTextual() || !n.path("caption").isTextual()) {
        throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected {\"image\": path, \"caption\": text}");
      }
      String id = n.has("id") ? n.get("id").asText() : String.valueOf(i);
      if (!ids.add(id)) throw new IllegalArgumentException(file + " line " + (i + 1) + ": duplicate id " + id);
      Path img = base.resolve(n.get("image").asText());
      out.add(new Entry(id, img, n.get("caption").asText()));
    }
    if (out.isEmpty()) throw new IllegalArgumentException(file + ": no pairs");
    return out;
  }

  private static List<Entry> readDir(Path dir) {
    List<Entry> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.sorted().toList()) {
        String name = p.getFileName().toString(), lower = name.toLowerCase(Locale.ROOT);
        if (!(lower.endsWith(".png") || lower.endsWith(".jpg") || lower.endsWith(".jpeg"))) continue;
        String stem = name.substring(0, name.lastIndexOf('.'));
        Path txt = dir.resolve(stem + ".txt");
        if (!Files.isRegularFile(txt)) throw new IllegalArgumentException(p + " has no caption file " + txt.getFileName());
        out.add(new Entry(stem, p, Files.readString(txt).trim()));
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + dir + ": " + e.getMessage());
    }
    if (out.isEmpty()) throw new IllegalArgumentException(dir + ": no .png/.jpg images with .txt captions");
    return out;
  }

  /** The image of an entry as (3, side, side) in [0, 1] (padded to a square with white, then resized). */
  public static Tensor image(Entry e, int side) {
    return fit(Images.read(e.image()), side);
  }

  /** Pads to a square (white) and resizes bilinearly: → (3, side, side). */
  public static Tensor fit(BufferedImage img, int side) {
    int m = Math.max(img.getWidth(), img.getHeight());
    BufferedImage out = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, side, side);
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    double k = (double) side / m;
    int w = (int) Math.round(img.getWidth() * k), h = (int) Math.round(img.getHeight() * k);
    g.drawImage(img, (side - w) / 2, (side - h) / 2, w, h, null);
    g.dispose();
    return Images.toTensor(out);
  }

  /** Writes pool pairs as PNGs under {@code dir/images} and {@code dir/pairs.jsonl} (with the oracle's scores). */
  public static Path write(List<WebPool.Pair> pairs, Path dir) {
    try {
      Files.createDirectories(dir.resolve("images"));
      StringBuilder b = new StringBuilder();
      for (WebPool.Pair p : pairs) {
        String rel = "images/" + p.id() + ".png";
        BufferedImage img = toImage(p.image());
        AtomicFiles.writePng(dir.resolve(rel), img);
        ObjectNode n = JSON.createObjectNode().put("id", p.id()).put("image", rel).put("caption", p.caption())
            .put("source", p.source()).put("defect", p.defect());
        for (Metric m : Metric.values()) n.put("oracle_" + m.name().toLowerCase(Locale.ROOT), p.truth().score(m));
        b.append(JSON.writeValueAsString(n)).append('\n');
      }
      Path f = dir.resolve("pairs.jsonl");
      AtomicFiles.writeString(f, b.toString());
      return f;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot write pairs to " + dir + ": " + e.getMessage());
    }
  }

  /** (3, H, W) in [0, 1] → RGB image. */
  public static BufferedImage toImage(Tensor t) {
    int h = (int) t.size(1), w = (int) t.size(2);
    float[] px = new float[3 * h * w];
    t.contiguous().to(org.bytedeco.pytorch.global.torch.ScalarType.Float).data_ptr_float().get(px);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = 0;
        for (int c = 0; c < 3; c++) rgb = (rgb << 8) | Math.max(0, Math.min(255, Math.round(px[c * h * w + y * w + x] * 255)));
        img.setRGB(x, y, rgb);
      }
    }
    return img;
  }
}
