package io.papers4j.multimodal.mlmfilter;

import io.papers4j.core.data.NotoEmoji;
import io.papers4j.core.data.TangoIcons;
import io.papers4j.multimodal.vlm.Images;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;

/**
 * The noisy "web-crawl" pool with known truth (spec 3(e)): procedural scenes captioned by the
 * {@link Captions} grammar with controlled defects, plus real image-text pairs (Tango icons and Noto
 * colour emoji with their names) corrupted by shuffling, truncation, spelling noise and alt-text junk.
 * Every pair carries the {@link Oracle}'s noise-free scores.
 */
public final class WebPool {
  /**
   * One image-text pair: image (3, 32, 32) in [0, 1]; scene is null for real pairs; structure is the scene caption's
   * grammar (what it mentions, its text quality), kept so the oracle can score the caption against another scene,
   * null for real pairs.
   */
  public record Pair(String id, Tensor image, String caption, Oracle.Truth truth, Scene scene, String source, String defect,
      Captions.Caption structure) {
    /** A pair without a caption structure (real pairs). */
    public Pair(String id, Tensor image, String caption, Oracle.Truth truth, Scene scene, String source, String defect) {
      this(id, image, caption, truth, scene, source, defect, null);
    }
  }

  /**
   * Where the real pairs come from and their shares of the pool; a source whose files are not installed
   * contributes none (the scenes take its share).
   */
  public record Sources(double iconShare, Path tangoDir, double emojiShare, Path emojiFont) {
    public Sources {
      if (iconShare < 0 || emojiShare < 0 || iconShare + emojiShare > 1) {
        throw new IllegalArgumentException("real-pair shares must be >= 0 and sum to <= 1, got " + iconShare + " and " + emojiShare);
      }
    }

    /** 15% Tango icons and 15% Noto emoji from their Debian packages. */
    public static Sources standard() {
      return new Sources(0.15, TangoIcons.DEFAULT_DIR, 0.15, NotoEmoji.DEFAULT_FONT);
    }

    /** Only Tango icons (the pool before emoji pairs were added). */
    public static Sources iconsOnly(double share, Path tangoDir) {
      return new Sources(share, tangoDir, 0, null);
    }
  }

  /** The pool's defect mix (probabilities, same order as {@link Captions.Defect}). */
  static final double[] MIX = {0.20, 0.10, 0.10, 0.10, 0.15, 0.07, 0.07, 0.05, 0.05, 0.08, 0.03};

  /** Named real images of one source: (N, 3, 32, 32) and one name per image. */
  record Named(Tensor images, List<String> names, String noun, String source) {}

  private WebPool() {}

  /** {@code n} pairs with a fraction {@code iconShare} of Tango icons (no emoji); see {@link #build(int, long, Sources)}. */
  public static List<Pair> build(int n, long seed, double iconShare, Path tangoDir) {
    return build(n, seed, Sources.iconsOnly(iconShare, tangoDir));
  }

  /** {@code n} pairs from {@code seed}: scenes, and real pairs in the shares of {@code sources}. Deterministic in (n, seed, sources). */
  public static List<Pair> build(int n, long seed, Sources sources) {
    if (n < 1) throw new IllegalArgumentException("pool size must be >= 1, got " + n);
    Random r = new Random(seed);
    Named icons = sources.iconShare() > 0 && Files.isDirectory(sources.tangoDir().resolve("32x32")) ? icons(sources.tangoDir(), seed) : null;
    Named emoji = sources.emojiShare() > 0 && Files.isRegularFile(sources.emojiFont()) ? emoji(sources.emojiFont()) : null;
    List<Pair> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String id = "p" + seed + "-" + i;
      double u = icons != null || emoji != null ? r.nextDouble() : 1; // no draw without real pairs: the scene-only pool is unchanged
      if (icons != null && u < sources.iconShare()) {
        out.add(real(id, icons, r));
        continue;
      }
      if (emoji != null && u >= sources.iconShare() && u < sources.iconShare() + sources.emojiShare()) {
        out.add(real(id, emoji, r));
        continue;
      }
      Scene s = Scene.random(r.nextLong(), false);
      Captions.Defect d = Captions.Defect.values()[pick(MIX, r.nextDouble())];
      Captions.Caption c = Captions.make(s, d, Scene.random(r.nextLong(), false), r);
      out.add(new Pair(id, Images.toTensor(s.render()), c.text(), Oracle.scene(s, c), s, "scene", d.name().toLowerCase(java.util.Locale.ROOT), c));
    }
    return out;
  }

  private static Named icons(Path tangoDir, long seed) {
    TangoIcons.Icons t = TangoIcons.load(tangoDir, 32, seed);
    return new Named(t.images(), t.names().stream().map(WebPool::words).toList(), "icon", "tango");
  }

  /** Every named single-code-point Noto emoji at 32×32 on white, named by its Unicode name ("red apple"). */
  static Named emoji(Path font) {
    List<NotoEmoji.Emoji> all = NotoEmoji.load(font);
    List<Tensor> images = new ArrayList<>(all.size());
    for (NotoEmoji.Emoji e : all) images.add(Images.toTensor(NotoEmoji.render(e, 32, Color.WHITE)));
    return new Named(MlmFilterModel.stack(images), all.stream().map(NotoEmoji.Emoji::name).toList(), "emoji", "emoji");
  }

  /** One real pair: the true name half the time, otherwise a shuffled name, a truncated, misspelt or junk caption. */
  private static Pair real(String id, Named src, Random r) {
    int n = src.names().size(), i = r.nextInt(n);
    Tensor img = src.images().select(0, i).clone();
    double u = r.nextDouble();
    Captions.Text q;
    boolean matching = true;
    String name = src.names().get(i);
    String noun = src.noun();
    String text;
    String defect;
    if (u < 0.5) {
      q = Captions.Text.FLUENT;
      text = r.nextBoolean() ? "an " + noun + " of " + name : name + " " + noun;
      defect = "clean";
    } else if (u < 0.75) {
      int j = (i + 1 + r.nextInt(n - 1)) % n;
      matching = false;
      q = Captions.Text.FLUENT;
      text = "an " + noun + " of " + src.names().get(j);
      defect = "shuffled";
    } else if (u < 0.85) {
      q = Captions.Text.TRUNCATED;
      String full = "an " + noun + " of " + name;
      text = full.substring(0, Math.max(4, (int) (full.length() * 0.6)));
      defect = "truncated";
    } else if (u < 0.9) {
      q = Captions.Text.NOISY;
      text = (noun + " " + name).toUpperCase(java.util.Locale.ROOT).replace("E", "3");
      defect = "noisy";
    } else {
      q = Captions.Text.JUNK;
      text = String.format(Captions.JUNK[r.nextInt(Captions.JUNK.length)], r.nextInt(10000));
      defect = "junk";
    }
    int words = text.split("\\s+").length;
    Oracle.Truth truth = src.noun().equals("emoji") ? Oracle.emoji(matching, q, words) : Oracle.icon(matching, q, words);
    return new Pair(id, img, text, truth, null, src.source(), defect);
  }

  /**
   * Whether {@link #truthWith} can score {@code caption}'s text with another image of its source: a scene caption
   * with its structure (any but alt-text junk, which scores 0 with every image), or a real pair's own name (clean,
   * truncated or misspelt), which stops matching on another icon or emoji. A shuffled real name is left out: it
   * names an unknown other image, so its score with a third image is not known exactly.
   */
  public static boolean contrastable(Pair caption) {
    if (caption.scene() != null) return caption.structure() != null && caption.structure().quality() != Captions.Text.JUNK;
    return caption.defect().equals("clean") || caption.defect().equals("truncated") || caption.defect().equals("noisy");
  }

  /**
   * Whether the object {@code caption} names is in {@code image}'s picture (the first line of an {@link AnswerFormat#PRESENCE}
   * ITM answer): for a scene caption, the shape of its first mention is drawn in the scene (alt-text junk names nothing);
   * for an icon or emoji, the caption is the picture's own name (clean, truncated or misspelt) and the picture is its own.
   */
  public static boolean present(Pair caption, Pair image) {
    if (caption.scene() != null) {
      if (image.scene() == null) throw new IllegalArgumentException("caption of scene pair " + caption.id() + " asked about a " + image.source() + " image");
      List<Captions.Mention> ms = caption.structure().mentions();
      return !ms.isEmpty() && Captions.present(image.scene(), ms.get(0).shape());
    }
    boolean ownName = caption.defect().equals("clean") || caption.defect().equals("truncated") || caption.defect().equals("noisy");
    return ownName && caption.image().equal(image.image());
  }

  /**
   * The oracle's scores of {@code caption}'s text shown with {@code image}'s picture, both from one source: a scene
   * caption scored against the other scene graph; a real pair's own name against another icon or emoji scores as a
   * name that does not match (the same picture keeps the caption's own scores).
   */
  public static Oracle.Truth truthWith(Pair caption, Pair image) {
    if (!contrastable(caption)) throw new IllegalArgumentException("caption of " + caption.id() + " cannot be scored with another image");
    if (!caption.source().equals(image.source())) {
      throw new IllegalArgumentException("caption of " + caption.source() + " pair " + caption.id() + " scored with a " + image.source() + " image");
    }
    if (caption.scene() != null) return Oracle.scene(image.scene(), caption.structure());
    if (caption.image().equal(image.image())) return caption.truth();
    Captions.Text q = switch (caption.defect()) {
      case "truncated" -> Captions.Text.TRUNCATED;
      case "noisy" -> Captions.Text.NOISY;
      default -> Captions.Text.FLUENT;
    };
    int words = caption.caption().split("\\s+").length;
    return caption.source().equals("emoji") ? Oracle.emoji(false, q, words) : Oracle.icon(false, q, words);
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
