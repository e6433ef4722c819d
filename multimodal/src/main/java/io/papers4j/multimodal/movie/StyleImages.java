package io.papers4j.multimodal.movie;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;

/**
 * The handful of style images that textual inversion learns a keyword's row from, with the frame
 * description of each (the inversion prompt is "a picture in {keyword} style: {description}").
 *
 * <p>{@link Source#GENERATED} is the paper's protocol (§3.2): the images are sampled from the frozen
 * text-to-image model itself, prompted with the detailed style description, so the learned row
 * condenses what the model already draws for that description. {@link Source#PROCEDURAL} draws them
 * with the procedural renderer in the keyword's style instead (the ground-truth look, which the
 * model may not be able to draw).
 */
public final class StyleImages {
  /** Where the style images come from. */
  public enum Source {
    /** Sampled from the frozen keyframe model with the style description (the paper). */
    GENERATED,
    /** Drawn by {@link KeyframeRenderer} in the keyword's style. */
    PROCEDURAL;

    /** generated | procedural, case-insensitive, with one message for anything else. */
    public static Source parse(String s) {
      for (Source v : values()) if (v.name().equalsIgnoreCase(s.trim())) return v;
      throw new IllegalArgumentException("style image source must be generated or procedural, got '" + s + "'");
    }

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Images with one frame description each. */
  public record Examples(List<BufferedImage> images, List<String> descriptions) {}

  private StyleImages() {}

  /** The prompt that generates a style image: the style described in words, then the frame. */
  public static String descriptionPrompt(String keyword, Plot.Frame f) {
    return "a picture in " + StoryWorld.style(keyword).description() + " style: " + f.description();
  }

  /**
   * {@code n} style images for {@code keyword} from random frames (seeded by {@code seed}); for
   * GENERATED, {@code steps} Euler steps at guidance {@code cfg}, image i with noise seed seed + i.
   */
  public static Examples make(Source source, KeyframeDit model, TextFeatures text, String keyword, int n, int steps, double cfg, long seed) {
    if (n < 1) throw new IllegalArgumentException("textual inversion needs at least one style image");
    StoryWorld.Style style = StoryWorld.style(keyword);
    SplittableRandom rng = new SplittableRandom(seed);
    List<Plot.Frame> frames = new ArrayList<>();
    for (int i = 0; i < n; i++) frames.add(KeyframeRenderer.randomFrame(rng));
    List<String> descs = new ArrayList<>();
    for (Plot.Frame f : frames) descs.add(f.description());
    int size = model.config().imageSize();
    if (source == Source.PROCEDURAL) {
      List<BufferedImage> imgs = new ArrayList<>();
      for (Plot.Frame f : frames) imgs.add(KeyframeRenderer.render(f, style, size, rng.nextLong()));
      return new Examples(imgs, descs);
    }
    List<String> prompts = new ArrayList<>();
    long[] seeds = new long[n];
    for (int i = 0; i < n; i++) {
      prompts.add(descriptionPrompt(keyword, frames.get(i)));
      seeds[i] = seed + i;
    }
    try (PointerScope scope = new PointerScope()) {
      List<BufferedImage> imgs = KeyframeSampler.toImages(KeyframeSampler.sample(model, text.encode(prompts), text.nullCondition(n), seeds, steps, cfg));
      return new Examples(imgs, descs);
    }
  }
}
