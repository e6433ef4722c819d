package io.papers4j.multimodal.movie;

import java.util.List;
import java.util.Map;

/**
 * The closed world the grammar writes about and the renderer draws: locations, character looks,
 * the paper's restricted verbs and expressions, genres, and the visual styles (palette, texture,
 * outline) with the four single-word style keywords. Every word here is also a word of the video
 * QA model's vocabulary.
 */
public final class StoryWorld {
  private StoryWorld() {}

  /** Twelve common locations (the paper asks for at least 12, at most two words). */
  public static final List<String> LOCATIONS = List.of("forest", "castle", "beach", "desert", "city", "harbour",
      "garden", "library", "mountain", "village", "market", "cave");

  /** Clothes colours that fix a character's look ("a woman in red"). */
  public static final List<String> COLOURS = List.of("red", "blue", "green", "yellow", "purple", "orange", "white", "black");

  /** Kinds of person. */
  public static final List<String> KINDS = List.of("man", "woman", "child");

  /** The paper's restricted verb set (level-3 prompt), in -ing form. */
  public static final List<String> ACTIONS = List.of("standing", "sitting", "walking", "talking", "holding", "looking", "squatting", "hugging");

  /** Facial expressions of the frame form "..., with a smile". */
  public static final List<String> EXPRESSIONS = List.of("smile", "frown", "surprise", "calm");

  /** Genres (the paper's supplementary genre mix, its most frequent ones). */
  public static final List<String> GENRES = List.of("drama", "comedy", "romance", "adventure", "horror", "mystery", "fantasy");

  /** Palettes: colour transforms of the whole frame. */
  public static final List<String> PALETTES = List.of("natural", "pastel", "neon", "dark", "sepia");
  /** Textures overlaid on every shape. */
  public static final List<String> TEXTURES = List.of("flat", "stripes", "dots", "grain");
  /** Outline strengths. */
  public static final List<String> OUTLINES = List.of("none", "thin", "thick");

  /** A visual style: one palette, texture and outline. */
  public record Style(String palette, String texture, String outline) {
    public Style {
      if (!PALETTES.contains(palette)) throw new IllegalArgumentException("unknown palette " + palette + " (one of " + PALETTES + ")");
      if (!TEXTURES.contains(texture)) throw new IllegalArgumentException("unknown texture " + texture + " (one of " + TEXTURES + ")");
      if (!OUTLINES.contains(outline)) throw new IllegalArgumentException("unknown outline " + outline + " (one of " + OUTLINES + ")");
    }

    /** The detailed description used in captions, e.g. "dark tones, grain texture, thick outlines". */
    public String description() {
      return palette + " tones, " + texture + " texture, " + outline + " outlines";
    }
  }

  /**
   * The single-word style keywords ({…} in the paper's level-1 prompt) and the style each names.
   * The keywords never occur in the text-to-image model's training captions; only textual
   * inversion ties a keyword to its look.
   */
  public static final Map<String, Style> KEYWORDS = Map.of(
      "noir", new Style("dark", "grain", "thick"),
      "dream", new Style("pastel", "flat", "none"),
      "comic", new Style("neon", "dots", "thick"),
      "vintage", new Style("sepia", "stripes", "thin"));

  /** The keywords in a fixed order. */
  public static final List<String> KEYWORD_ORDER = List.of("noir", "dream", "comic", "vintage");

  /** The style a keyword names, with a clear error for an unknown one. */
  public static Style style(String keyword) {
    Style s = KEYWORDS.get(keyword);
    if (s == null) throw new IllegalArgumentException("unknown style keyword '" + keyword + "' (one of " + KEYWORD_ORDER + ")");
    return s;
  }

  /** "a woman in red". */
  public static String look(String kind, String colour) {
    return "a " + kind + " in " + colour;
  }
}
