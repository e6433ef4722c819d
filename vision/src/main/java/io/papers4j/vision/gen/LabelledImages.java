package io.papers4j.vision.gen;

import io.papers4j.core.data.FashionMnist;
import io.papers4j.core.data.NotoEmoji;
import io.papers4j.core.data.RgbPlanes;
import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A real image set in the one form the evaluation uses: images (N, C, S, S) float in [0, 1], labels
 * (N, K) int64 with one column per labelled attribute ("head"), the class names of each head, and
 * the display name that goes into metric names ("FD-FashionMNIST"). Sets by command name:
 *
 * <ul>
 *   <li>{@code fashion-mnist}: Debian {@code dataset-fashion-mnist}, 1×28×28, head "class" (10);
 *   <li>{@code shapes}: {@link CaptionedShapes}, 3×32×32, heads shape, colour, position, size;
 *   <li>{@code emoji}: {@link NotoEmoji} at 32×32 on white, heads "emoji" (one class per emoji; its
 *       name is the caption) and "block" (the Unicode block, a coarse category); {@link #emoji(Path,
 *       int, String)} takes one group of them.
 * </ul>
 */
public record LabelledImages(String name, Tensor images, Tensor labels, List<String> heads, List<List<String>> classes, List<String> captions) {
  public static final List<String> DATA_SETS = List.of("fashion-mnist", "shapes", "emoji");

  public LabelledImages {
    if (images.dim() != 4 || labels.dim() != 2 || images.size(0) != labels.size(0) || labels.size(1) != heads.size() || heads.size() != classes.size()) {
      throw new IllegalArgumentException("labelled images need images (N, C, S, S), labels (N, heads) and one class list per head");
    }
  }

  public long count() {
    return images.size(0);
  }

  public int channels() {
    return (int) images.size(1);
  }

  public int imageSize() {
    return (int) images.size(2);
  }

  /** Number of classes of each head. */
  public int[] cardinalities() {
    return classes.stream().mapToInt(List::size).toArray();
  }

  /** Rows {@code [from, from + n)}. */
  public LabelledImages slice(long from, long n) {
    List<String> caps = captions == null ? null : captions.subList((int) from, (int) (from + n));
    return new LabelledImages(name, images.narrow(0, from, n), labels.narrow(0, from, n), heads, classes, caps);
  }

  /** The display name used in metric names for a command-line data set name. */
  public static String displayName(String data) {
    return switch (check(data)) {
      case "fashion-mnist" -> "FashionMNIST";
      case "shapes" -> "Shapes";
      default -> "Emoji";
    };
  }

  public static String check(String data) {
    if (!DATA_SETS.contains(data)) throw new IllegalArgumentException("--data must be one of " + String.join(", ", DATA_SETS) + ", got " + data);
    return data;
  }

  /**
   * The named set: {@code train} picks the training split (Fashion-MNIST train, shapes from seed
   * {@code seed}) or the held-out one (Fashion-MNIST t10k, shapes from seed {@code seed + 1});
   * emoji have one image each, so both splits are the whole set. At most {@code limit} images.
   */
  public static LabelledImages load(String data, boolean train, int limit, long seed) {
    return switch (check(data)) {
      case "fashion-mnist" -> fashionMnist(FashionMnist.load(train ? "train" : "t10k"), limit);
      case "shapes" -> shapes(limit, train ? seed : seed + 1);
      default -> {
        LabelledImages e = emoji(NotoEmoji.DEFAULT_FONT, 32);
        yield e.count() > limit ? e.slice(0, limit) : e;
      }
    };
  }

  /** Fashion-MNIST pixels / 255 as (N, 1, 28, 28). */
  public static LabelledImages fashionMnist(FashionMnist.Split split, int limit) {
    int n = Math.min(limit, split.count()), px = FashionMnist.SIZE * FashionMnist.SIZE;
    float[] f = new float[n * px];
    for (int i = 0; i < f.length; i++) f[i] = (split.pixels()[i] & 0xff) / 255f;
    long[] lab = new long[n];
    for (int i = 0; i < n; i++) lab[i] = split.label(i);
    return new LabelledImages("FashionMNIST", torch.tensor(f).view(n, 1, FashionMnist.SIZE, FashionMnist.SIZE), torch.tensor(lab).view(n, 1),
        List.of("class"), List.of(Arrays.asList(FashionMnist.CLASSES)), null);
  }

  public static LabelledImages shapes(int n, long seed) {
    CaptionedShapes.Samples s = CaptionedShapes.generate(n, seed);
    return new LabelledImages("Shapes", s.images(), s.attributes(), Arrays.asList(CaptionedShapes.ATTRIBUTES),
        List.of(Arrays.asList(CaptionedShapes.SHAPES), Arrays.asList(CaptionedShapes.COLOURS), Arrays.asList(CaptionedShapes.POSITIONS), Arrays.asList(CaptionedShapes.SIZES)),
        s.captions());
  }

  public static LabelledImages emoji(Path font, int size) {
    return emoji(font, size, "all");
  }

  /**
   * The emoji of one group of Unicode's emoji-test.txt ({@link NotoEmoji#GROUPS}: smileys, animals,
   * food, …), or every one for {@code all}; the "emoji" head's classes are the emoji of the group.
   */
  public static LabelledImages emoji(Path font, int size, String group) {
    List<NotoEmoji.Emoji> all = NotoEmoji.inGroup(NotoEmoji.load(font), group, NotoEmoji.EMOJI_TEST);
    int n = all.size(), plane = size * size;
    float[] px = new float[n * 3 * plane];
    long[] lab = new long[n * 2];
    List<String> names = new ArrayList<>(n);
    Map<String, Integer> blocks = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      NotoEmoji.Emoji e = all.get(i);
      RgbPlanes.copy(NotoEmoji.render(e, size, Color.WHITE), px, i * 3 * plane);
      names.add(e.name());
      Character.UnicodeBlock b = Character.UnicodeBlock.of(e.codePoint());
      String block = b == null ? "other" : b.toString().toLowerCase(java.util.Locale.ROOT);
      lab[2 * i] = i;
      lab[2 * i + 1] = blocks.computeIfAbsent(block, k -> blocks.size());
    }
    return new LabelledImages("Emoji", torch.tensor(px).view(n, 3, size, size), torch.tensor(lab).view(n, 2), List.of("emoji", "block"),
        List.of(List.copyOf(names), List.copyOf(blocks.keySet())), names);
  }
}
