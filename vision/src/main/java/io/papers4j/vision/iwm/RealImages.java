package io.papers4j.vision.iwm;

import io.papers4j.core.data.NotoEmoji;
import io.papers4j.core.data.RgbPlanes;
import io.papers4j.core.data.SkimageData;
import io.papers4j.core.data.TangoIcons;
import io.papers4j.vision.gen.LabelledImages;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * The real colour images of issue 18 beside the procedural shapes, each as images (N, 3, S, S) in
 * [0, 1] with a label for the probes, split into disjoint train and test parts:
 *
 * <ul>
 *   <li>Tango icons (Debian {@code tango-icon-theme}): label = icon context, every 5th icon is test.
 *   <li>Noto colour emoji (Debian {@code fonts-noto-color-emoji}, as the generators' {@link
 *       LabelledImages#emoji}): label = the code point's Unicode block (Emoticons, Transport and Map
 *       Symbols, …), every 5th emoji is test.
 *   <li>Photo crops (Debian {@code python3-skimage}'s CC0 / public-domain sample photos): label = the
 *       photo; train crops lie in the left 70% of each photo, test crops in the right 30%, so no
 *       test pixel was seen in training.
 * </ul>
 */
public final class RealImages {
  /** The colour photos of skimage's data directory used for crops (the others are grey or synthetic). */
  public static final List<String> PHOTOS =
      List.of("astronaut.png", "chelsea.png", "coffee.png", "hubble_deep_field.jpg", "ihc.png", "motorcycle_left.png", "rocket.jpg");

  private RealImages() {}

  /** Tango icons at 32 px (label = icon context). */
  public static ColourShapes.Data tango(boolean test, long seed) {
    TangoIcons.Icons icons = TangoIcons.load(TangoIcons.DEFAULT_DIR, 32, seed);
    return everyFifth(icons.images(), icons.labels(), test);
  }

  /** Noto emoji at {@code side} px on white ({@link LabelledImages#emoji}), label = the code point's Unicode block. */
  public static ColourShapes.Data emoji(boolean test, int side) {
    LabelledImages all = LabelledImages.emoji(NotoEmoji.DEFAULT_FONT, side);
    return everyFifth(all.images(), all.labels().select(1, 1).contiguous(), test); // head 1 = "block"
  }

  /**
   * {@code n} square crops of the skimage colour photos, {@code side} px each: a photo drawn
   * uniformly, a crop edge of 15-30% of the photo's shorter side at a random place inside the train
   * (left 70%) or test (right 30%) band, area-averaged down to {@code side}.
   */
  public static ColourShapes.Data photoCrops(Path dir, boolean test, int n, int side, long seed) {
    if (n < 1 || side < 8) throw new IllegalArgumentException("need n >= 1 and side >= 8, got " + n + ", " + side);
    List<Tensor> photos = new ArrayList<>();
    for (String name : PHOTOS) photos.add(readRgb(SkimageData.file(dir, name)));
    Random rng = new Random(seed * 2 + (test ? 1 : 0));
    Tensor[] crops = new Tensor[n];
    long[] labels = new long[n];
    for (int i = 0; i < n; i++) {
      int p = rng.nextInt(photos.size());
      Tensor photo = photos.get(p); // (3, H, W)
      int h = (int) photo.size(1), w = (int) photo.size(2);
      int edge = (int) Math.round(Math.min(h, w) * (0.15 + 0.15 * rng.nextDouble()));
      int bandStart = test ? (int) Math.ceil(0.7 * w) : 0, bandEnd = test ? w : (int) Math.floor(0.7 * w);
      int left = bandStart + rng.nextInt(bandEnd - bandStart - edge + 1), top = rng.nextInt(h - edge + 1);
      Tensor crop = photo.narrow(1, top, edge).narrow(2, left, edge).unsqueeze(0); // (1, 3, e, e)
      crops[i] = torch.adaptive_avg_pool2d(crop, new long[] {side, side});
      labels[i] = p;
    }
    return new ColourShapes.Data(torch.cat(new TensorVector(crops)), torch.tensor(labels));
  }

  /** An RGB image file as (3, H, W) floats in [0, 1]. */
  static Tensor readRgb(Path file) {
    BufferedImage img;
    try {
      img = ImageIO.read(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": unreadable image: " + e.getMessage(), e);
    }
    if (img == null) throw new IllegalArgumentException(file + ": not an image ImageIO can read");
    return torch.tensor(RgbPlanes.of(img)).view(3, img.getHeight(), img.getWidth());
  }

  private static ColourShapes.Data everyFifth(Tensor images, Tensor labels, boolean test) {
    List<Long> keep = new ArrayList<>();
    for (long i = 0; i < images.size(0); i++) if ((i % 5 == 0) == test) keep.add(i);
    Tensor idx = torch.tensor(keep.stream().mapToLong(Long::longValue).toArray());
    return new ColourShapes.Data(images.index_select(0, idx), labels.index_select(0, idx));
  }
}
