package io.papers4j.multimodal.mlmfilter;

import java.util.Random;

/**
 * The oracle teacher: the four scores (0-100) of a caption computed from the scene graph and the
 * caption's structure, with a one-line explanation each. {@link #noisy} adds Gaussian noise of a
 * chosen σ: two noise levels stand in for the paper's two teachers (GPT-4V sees the image, GPT-4 does
 * not, so it is the noisier one).
 *
 * <pre>ITM = 100·(0.6·cover + 0.4·precision) − 15·(wrong colours)      cover: objects named (main one ×2), precision: mentions that exist
 * ODF = 100·max(0, right − 1.5·wrong) / (3·objects)              right/wrong colour, size, position; a mention of an absent shape = 2 wrong
 * CTQ = fluent 60 + 4·min(words, 8) | noisy 35 | cut off 30 | spam 12 | junk 3
 * SU  = 8 + 8·[position stated] + 80·[correct named entity] or 40·[wrong named entity]; junk 0</pre>
 */
public final class Oracle {
  /** Scores indexed by {@link Metric#ordinal()} and their explanations. */
  public record Truth(int[] scores, String[] why) {
    public int score(Metric m) {
      return scores[m.ordinal()];
    }
  }

  private Oracle() {}

  /** Scores a caption of a procedural scene. */
  public static Truth scene(Scene s, Captions.Caption c) {
    int n = s.objects().size();
    double coverW = 0, coverTotal = 0;
    for (int i = 0; i < n; i++) {
      Scene.Obj o = s.objects().get(i);
      double w = i == 0 ? 2 : 1;
      coverTotal += w;
      for (Captions.Mention m : c.mentions()) if (m.shape() == o.shape()) { coverW += w; break; }
    }
    int matched = 0, right = 0, wrong = 0, wrongColours = 0;
    boolean position = false;
    for (Captions.Mention m : c.mentions()) {
      Scene.Obj o = null;
      for (Scene.Obj x : s.objects()) if (x.shape() == m.shape()) o = x;
      if (m.position() >= 0) position = true;
      if (o == null) { wrong += 2; continue; }
      matched++;
      if (m.colour() >= 0) { if (m.colour() == o.colour()) right++; else { wrong++; wrongColours++; } }
      if (m.size() >= 0) { if (m.size() == o.size()) right++; else wrong++; }
      if (m.position() >= 0) { if (m.position() == o.position()) right++; else wrong++; }
    }
    int itm = c.mentions().isEmpty() ? 0
        : clamp(100 * (0.6 * coverW / coverTotal + 0.4 * matched / c.mentions().size()) - 15 * wrongColours);
    int odf = clamp(100 * Math.max(0, right - 1.5 * wrong) / (3.0 * n));
    int words = c.text().trim().split("\\s+").length;
    int ctq = switch (c.quality()) {
      case FLUENT -> 60 + 4 * Math.min(words, 8);
      case NOISY -> 35;
      case TRUNCATED -> 30;
      case SPAM -> 12;
      case JUNK -> 3;
    };
    boolean entityRight = c.entity() >= 0 && c.entity() == s.objects().get(0).shape() * Scene.COLOURS.size() + s.objects().get(0).colour();
    int su = c.quality() == Captions.Text.JUNK ? 0 : 8 + (position ? 8 : 0) + (c.entity() < 0 ? 0 : entityRight ? 80 : 40);
    // explanations are short: the small model's answer field holds a score and about 10 bytes
    String whyItm = itm >= 80 ? "matches" : itm >= 40 ? "partial" : c.mentions().isEmpty() ? "empty" : "other things";
    String whyOdf = right + " right " + wrong + " wrong";
    String whyCtq = switch (c.quality()) {
      case FLUENT -> "fluent";
      case NOISY -> "errors";
      case TRUNCATED -> "cut off";
      case SPAM -> "spam";
      case JUNK -> "file name";
    };
    String whySu = c.entity() < 0 ? "literal" : entityRight ? "entity" : "wrong entity";
    return new Truth(new int[] {itm, odf, clamp(ctq), clamp(su)}, new String[] {whyItm, whyOdf, whyCtq, whySu});
  }

  /**
   * Scores an icon caption: {@code matching} = the caption is the icon's own name. Icon names say
   * what the icon is for, not what it looks like, so ODF stays low even when they match.
   */
  public static Truth icon(boolean matching, Captions.Text quality, int words) {
    return named(matching, quality, words, 22);
  }

  /**
   * Scores an emoji caption. An emoji's Unicode name mostly names what is drawn ("red apple",
   * "grinning face"), so a matching name fulfils more detail than an icon's but no count, size or place.
   */
  public static Truth emoji(boolean matching, Captions.Text quality, int words) {
    return named(matching, quality, words, 40);
  }

  private static Truth named(boolean matching, Captions.Text quality, int words, int matchingOdf) {
    int itm = quality == Captions.Text.JUNK ? 0 : !matching ? 6 : quality == Captions.Text.TRUNCATED ? 50 : 82;
    int odf = quality == Captions.Text.JUNK || !matching ? 2 : matchingOdf;
    int ctq = switch (quality) {
      case FLUENT -> 50 + 4 * Math.min(words, 6);
      case NOISY -> 33;
      case TRUNCATED -> 28;
      case SPAM -> 12;
      case JUNK -> 3;
    };
    int su = quality == Captions.Text.JUNK ? 0 : matching ? 30 : 12;
    return new Truth(new int[] {itm, odf, ctq, su},
        new String[] {matching ? "matches" : "other things", !matching ? "wrong" : matchingOdf >= 40 ? "names what is drawn" : "no details",
            quality.name().toLowerCase(java.util.Locale.ROOT), matchingOdf >= 40 ? "what it shows" : "function"});
  }

  /** The teacher's score: the oracle's plus N(0, σ²), rounded and clipped to [0, 100]. */
  public static int noisy(int score, double sigma, Random r) {
    return sigma <= 0 ? score : clamp(score + sigma * r.nextGaussian());
  }

  static int clamp(double v) {
    return (int) Math.max(0, Math.min(100, Math.round(v)));
  }
}
