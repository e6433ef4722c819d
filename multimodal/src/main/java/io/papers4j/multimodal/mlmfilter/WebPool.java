package io.papers4j.multimodal.mlmfilter;

import io.papers4j.core.data.TangoIcons;
import io.papers4j.multimodal.vlm.Images;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;

/**
 * The noisy "web-crawl" pool with known truth (spec 3(e)): procedural scenes captioned by the
 * {@link Captions} grammar with controlled defects, plus real image-text pairs (Tango icons with their
 * names) corrupted by shuffling, truncation, spelling noise and alt-text junk. Every pair carries the
 * {@link Oracle}'s noise-free scores.
 */
public final class WebPool {
  /** One image-text pair: image (3, 32, 32) in [0, 1]; scene is null for real icons. */
  public record Pair(String id, Tensor image, String caption, Oracle.Truth truth, Scene scene, String source, String defect) {}

  /** The pool's defect mix (probabilities, same order as {@link Captions.Defect}). */
  static final double[] MIX = {0.20, 0.10, 0.10, 0.10, 0.15, 0.07, 0.07, 0.05, 0.05, 0.08, 0.03};

  private WebPool() {}

  /**
   * {@code n} pairs from {@code seed}; a fraction {@code iconShare} are Tango icon pairs when the icons
   * are installed at {@code tangoDir} (otherwise none). Deterministic in (n, seed).
   */
  public static List<Pair> build(int n, long seed, double iconShare, Path tangoDir) {
    if (n < 1) throw new IllegalArgumentException("pool size must be >= 1, got " + n);
    Random r = new Random(seed);
    TangoIcons.Icons icons = iconShare > 0 && Files.isDirectory(tangoDir.resolve("32x32")) ? TangoIcons.load(tangoDir, 32, seed) : null;
    List<Pair> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String id = "p" + seed + "-" + i;
      if (icons != null && r.nextDouble() < iconShare) {
        out.add(icon(id, icons, r));
        continue;
      }
      Scene s = Scene.random(r.nextLong(), false);
      Captions.Defect d = Captions.Defect.values()[pick(MIX, r.nextDouble())];
      Captions.Caption c = Captions.make(s, d, Scene.random(r.nextLong(), false), r);
      out.add(new Pair(id, Images.toTensor(s.render()), c.text(), Oracle.scene(s, c), s, "scene", d.name().toLowerCase(java.util.Locale.ROOT)));
    }
    return out;
  }

  private static Pair icon(String id, TangoIcons.Icons icons, Random r) {
    int n = icons.names().size(), i = r.nextInt(n);
    Tensor img = icons.images().select(0, i).clone();
    double u = r.nextDouble();
    Captions.Text q;
    boolean matching = true;
    String name = words(icons.names().get(i));
    String text;
    String defect;
    if (u < 0.5) {
      q = Captions.Text.FLUENT;
      text = r.nextBoolean() ? "an icon of " + name : name + " icon";
      defect = "clean";
    } else if (u < 0.75) {
      int j = (i + 1 + r.nextInt(n - 1)) % n;
      matching = false;
      q = Captions.Text.FLUENT;
      text = "an icon of " + words(icons.names().get(j));
      defect = "shuffled";
    } else if (u < 0.85) {
      q = Captions.Text.TRUNCATED;
      String full = "an icon of " + name;
      text = full.substring(0, Math.max(4, (int) (full.length() * 0.6)));
      defect = "truncated";
    } else if (u < 0.9) {
      q = Captions.Text.NOISY;
      text = ("icon " + name).toUpperCase(java.util.Locale.ROOT).replace("E", "3");
      defect = "noisy";
    } else {
      q = Captions.Text.JUNK;
      text = String.format(Captions.JUNK[r.nextInt(Captions.JUNK.length)], r.nextInt(10000));
      defect = "junk";
    }
    return new Pair(id, img, text, Oracle.icon(matching, q, text.split("\\s+").length), null, "tango", defect);
  }

  /** "weather-storm" / "x-office-document" → "weather storm" / "office document". */
  static String words(String fileName) {
    String s = fileName.replaceAll("\\.png$", "").replaceFirst("^x-", "").replace('-', ' ').replace('_', ' ');
    return s.trim();
  }

  static int pick(double[] p, double u) {
    double acc = 0;
    for (int i = 0; i < p.length; i++) {
      acc += p[i];
      if (u < acc) return i;
    }
    return p.length - 1;
  }
}
