package io.papers4j.multimodal.mlmfilter;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The caption grammar of spec 3(e) with controlled defects. A caption is kept together with its
 * structure (which objects it mentions, with which attributes, the text quality, a named entity),
 * so the {@link Oracle} can score it against the scene graph.
 *
 * <pre>fluent  := prefix mention (" and " mention)* [", known as " entity]
 * mention := "a" [size] [colour] shape [where]
 * entity  := "the " NAME(shape, colour)          (synthetic knowledge table, e.g. "the Zorvath beacon")</pre>
 */
public final class Captions {
  /** The defect a caption was built with (the pool's mix of web-crawl noise). */
  public enum Defect { CLEAN, PARTIAL, SWAP, WRONG_OBJECT, SHUFFLED, NOISY, TRUNCATED, SPAM, JUNK, ENTITY, WRONG_ENTITY }

  /** Text quality classes read by the oracle's CTQ. */
  public enum Text { FLUENT, NOISY, TRUNCATED, SPAM, JUNK }

  /** A mention of an object; −1 = attribute not stated. */
  public record Mention(int shape, int colour, int size, int position) {}

  /** A caption and its structure; entity is −1 or shape·COLOURS + colour of the named thing. */
  public record Caption(String text, List<Mention> mentions, Text quality, int entity, Defect defect) {}

  static final String[] PREFIXES = {"", "a photo of ", "an image of ", "there is ", "picture: "};
  static final String[] HEADS = {"Zor", "Kel", "Mira", "Tov", "Bran", "Quel"};
  static final String[] TAILS = {"vath", "dun", "esh", "ix", "ora", "ung"};
  static final String[] KINDS = {"beacon", "tower", "gate", "seal", "crest", "well"};
  static final String[] JUNK = {"IMG_%04d.jpg", "DSC%05d", "thumbnail_%d_final(2).png", "untitled-%d", "photo %d of 12 - click to enlarge"};
  static final String[] SPAM = {"free", "hd", "wallpaper", "best", "download", "cheap", "4k"};

  private Captions() {}

  /** The knowledge table: the name of the thing a (shape, colour) stands for, e.g. "the Zorvath beacon". */
  public static String entityName(int shape, int colour) {
    return "the " + HEADS[colour] + TAILS[shape] + " " + KINDS[shape];
  }

  /** Builds a caption of {@code scene} with {@code defect}; {@code other} is a second scene (shuffling, wrong entity). */
  public static Caption make(Scene scene, Defect defect, Scene other, Random r) {
    Scene.Obj main = scene.objects().get(0);
    List<Mention> ms = new ArrayList<>();
    switch (defect) {
      case CLEAN, NOISY, TRUNCATED, SWAP -> {
        for (Scene.Obj o : scene.objects()) ms.add(new Mention(o.shape(), o.colour(), o.size(), o.position()));
        if (defect == Defect.SWAP) {
          int i = r.nextInt(ms.size());
          Mention m = ms.get(i);
          int which = r.nextInt(3);
          ms.set(i, switch (which) {
            case 0 -> new Mention(m.shape(), other(m.colour(), Scene.COLOURS.size(), r), m.size(), m.position());
            case 1 -> new Mention(m.shape(), m.colour(), 1 - m.size(), m.position());
            default -> new Mention(m.shape(), m.colour(), m.size(), other(m.position(), Scene.POSITIONS.size(), r));
          });
        }
      }
      case PARTIAL -> ms.add(new Mention(main.shape(), r.nextBoolean() ? main.colour() : -1, -1, r.nextInt(3) == 0 ? main.position() : -1));
      case WRONG_OBJECT -> {
        int s;
        do s = r.nextInt(Scene.SHAPES.size()); while (present(scene, s));
        ms.add(new Mention(s, main.colour(), main.size(), main.position()));
      }
      case SHUFFLED -> {
        for (Scene.Obj o : other.objects()) ms.add(new Mention(o.shape(), o.colour(), o.size(), o.position()));
      }
      case SPAM -> ms.add(new Mention(main.shape(), main.colour(), -1, -1));
      case ENTITY, WRONG_ENTITY -> ms.add(new Mention(main.shape(), -1, -1, -1));
      case JUNK -> { }
    }
    int entity = -1;
    if (defect == Defect.ENTITY) entity = main.shape() * Scene.COLOURS.size() + main.colour();
    if (defect == Defect.WRONG_ENTITY) {
      Scene.Obj o = other.objects().get(0);
      entity = o.shape() == main.shape() && o.colour() == main.colour()
          ? ((main.shape() + 1) % Scene.SHAPES.size()) * Scene.COLOURS.size() + main.colour()
          : o.shape() * Scene.COLOURS.size() + o.colour();
    }
    return switch (defect) {
      case JUNK -> new Caption(String.format(JUNK[r.nextInt(JUNK.length)], r.nextInt(10000)), List.of(), Text.JUNK, -1, defect);
      case SPAM -> {
        String s = Scene.SHAPES.get(main.shape()), c = Scene.COLOURS.get(main.colour());
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 3 + r.nextInt(3); i++) b.append(i % 2 == 0 ? s : c).append(' ').append(SPAM[r.nextInt(SPAM.length)]).append(' ');
        yield new Caption(b.toString().trim(), ms, Text.SPAM, -1, defect);
      }
      case ENTITY, WRONG_ENTITY -> {
        String name = entityName(entity / Scene.COLOURS.size(), entity % Scene.COLOURS.size());
        String text = r.nextBoolean() ? name + ", a " + Scene.SHAPES.get(main.shape()) : "a " + Scene.SHAPES.get(main.shape()) + " known as " + name;
        yield new Caption(text, ms, Text.FLUENT, entity, defect);
      }
      default -> fluent(ms, defect, r);
    };
  }

  private static Caption fluent(List<Mention> ms, Defect defect, Random r) {
    StringBuilder b = new StringBuilder(PREFIXES[r.nextInt(PREFIXES.length)]);
    int[] ends = new int[ms.size()];
    for (int i = 0; i < ms.size(); i++) {
      if (i > 0) b.append(" and ");
      Mention m = ms.get(i);
      b.append("a ");
      if (m.size() >= 0) b.append(Scene.SIZES.get(m.size())).append(' ');
      if (m.colour() >= 0) b.append(Scene.COLOURS.get(m.colour())).append(' ');
      b.append(Scene.SHAPES.get(m.shape()));
      if (m.position() >= 0) b.append(' ').append(Scene.where(m.position()));
      ends[i] = b.length();
    }
    String text = b.toString();
    if (defect == Defect.TRUNCATED) {
      int cut = Math.max(3, (int) (text.length() * (0.3 + 0.35 * r.nextDouble())));
      List<Mention> kept = new ArrayList<>();
      for (int i = 0; i < ms.size(); i++) if (ends[i] <= cut) kept.add(ms.get(i));
      return new Caption(text.substring(0, cut), List.copyOf(kept), Text.TRUNCATED, -1, defect);
    }
    if (defect == Defect.NOISY) {
      String[] w = text.split(" ");
      int i = r.nextInt(Math.max(1, w.length - 1));
      if (w.length > 1) { String t = w[i]; w[i] = w[i + 1]; w[i + 1] = t; }
      int j = r.nextInt(w.length);
      if (w[j].length() > 3) w[j] = w[j].substring(0, 1) + w[j].substring(2); // a dropped letter
      String noisy = String.join(r.nextBoolean() ? "  " : " ", w);
      return new Caption(r.nextBoolean() ? noisy.toUpperCase(java.util.Locale.ROOT) : noisy, List.copyOf(ms), Text.NOISY, -1, defect);
    }
    return new Caption(text, List.copyOf(ms), Text.FLUENT, -1, defect);
  }

  static boolean present(Scene s, int shape) {
    for (Scene.Obj o : s.objects()) if (o.shape() == shape) return true;
    return false;
  }

  private static int other(int v, int n, Random r) {
    return (v + 1 + r.nextInt(n - 1)) % n;
  }
}
