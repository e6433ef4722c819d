package io.papers4j.multimodal.mlmfilter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.bytedeco.pytorch.Tensor;

/**
 * The filter's instruction data (paper §3 steps 2-4, scaled down): every source pair scored by the
 * teacher on the four metrics ("score\nexplanation" answers), re-balanced score-uniformly (or drawn at
 * random for the ablation), mixed with generic visual questions about the scenes ("what colour is the
 * star?"), which stand in for LLaVA-665k.
 */
public final class Instructions {
  /** One instruction: image (3, S, S), the text field (caption or question), the tag ("itm" … "vqa"), the answer; score −1 for VQA. */
  public record Instruction(Tensor image, String field, String tag, String answer, int score) {}

  private Instructions() {}

  /** The teacher's scored instructions: 4 per pair, teacher = oracle + N(0, σ²), answers written {@link AnswerFormat#PLAIN}. */
  public static List<Instruction> scored(List<WebPool.Pair> source, double sigma, long seed) {
    return scored(source, sigma, seed, AnswerFormat.PLAIN);
  }

  /** As above with the answers written in {@code format}; the teacher's scores do not depend on it. */
  public static List<Instruction> scored(List<WebPool.Pair> source, double sigma, long seed, AnswerFormat format) {
    Random r = new Random(seed);
    List<Instruction> out = new ArrayList<>();
    for (WebPool.Pair p : source) {
      for (Metric m : Metric.values()) {
        int s = Oracle.noisy(p.truth().score(m), sigma, r);
        out.add(new Instruction(p.image(), p.caption(), m.tag(), format.answer(m, s, WebPool.present(p, p), p.truth().why()[m.ordinal()]), s));
      }
    }
    return out;
  }

  /** The metrics whose scores depend on the image; contrast instructions teach these two. */
  static final List<Metric> IMAGE_METRICS = List.of(Metric.ITM, Metric.ODF);

  /**
   * Contrast instructions, which only the image can answer: {@code captions} captions of {@code source}, each
   * asked on ITM and ODF twice, with its own image and with another image of the same source, both scored by the
   * teacher from the oracle ({@link WebPool#truthWith}). The two copies share their text, so a filter that reads
   * only the caption cannot fit both scores. 4 instructions per caption, in (own, other) order per metric.
   */
  public static List<Instruction> contrast(List<WebPool.Pair> source, int captions, double sigma, long seed) {
    return contrast(source, captions, sigma, seed, AnswerFormat.PLAIN);
  }

  /** As above with the answers written in {@code format}. */
  public static List<Instruction> contrast(List<WebPool.Pair> source, int captions, double sigma, long seed, AnswerFormat format) {
    if (captions < 0) throw new IllegalArgumentException("contrast captions must be >= 0, got " + captions);
    Random r = new Random(seed + 0x5EEDL); // its own stream: the scored instructions of the same seed stay as they were
    List<WebPool.Pair> candidates = source.stream().filter(WebPool::contrastable).toList();
    Map<String, List<WebPool.Pair>> bySource = source.stream().collect(Collectors.groupingBy(WebPool.Pair::source));
    List<Instruction> out = new ArrayList<>();
    if (captions == 0) return out;
    if (candidates.isEmpty()) throw new IllegalArgumentException("no caption of the source pool can be scored with another image");
    for (int i = 0; i < captions; i++) {
      WebPool.Pair p = candidates.get(r.nextInt(candidates.size()));
      List<WebPool.Pair> sameSource = bySource.get(p.source());
      if (sameSource.size() < 2) throw new IllegalArgumentException("the source pool holds one " + p.source() + " pair only: no other image to pair with");
      WebPool.Pair q;
      do q = sameSource.get(r.nextInt(sameSource.size())); while (q == p);
      Oracle.Truth other = WebPool.truthWith(p, q);
      for (Metric m : IMAGE_METRICS) {
        int own = Oracle.noisy(p.truth().score(m), sigma, r);
        int swapped = Oracle.noisy(other.score(m), sigma, r);
        out.add(new Instruction(p.image(), p.caption(), m.tag(), format.answer(m, own, WebPool.present(p, p), p.truth().why()[m.ordinal()]), own));
        out.add(new Instruction(q.image(), p.caption(), m.tag(), format.answer(m, swapped, WebPool.present(p, q), other.why()[m.ordinal()]), swapped));
      }
    }
    return out;
  }

  /** Generic visual questions about the scenes of {@code source} (one per scene, random kind). */
  public static List<Instruction> generic(List<WebPool.Pair> source, int n, long seed) {
    Random r = new Random(seed);
    List<WebPool.Pair> scenes = source.stream().filter(p -> p.scene() != null).toList();
    List<Instruction> out = new ArrayList<>();
    for (int i = 0; i < n && !scenes.isEmpty(); i++) {
      WebPool.Pair p = scenes.get(r.nextInt(scenes.size()));
      Scene.Obj o = p.scene().objects().get(r.nextInt(p.scene().objects().size()));
      String shape = Scene.SHAPES.get(o.shape());
      String[] qa = switch (r.nextInt(4)) {
        case 0 -> new String[] {"what colour is the " + shape + "?", Scene.COLOURS.get(o.colour())};
        case 1 -> new String[] {"where is the " + shape + "?", Scene.where(o.position())};
        case 2 -> new String[] {"is the " + shape + " small or large?", Scene.SIZES.get(o.size())};
        default -> new String[] {"how many objects are there?", p.scene().objects().size() == 1 ? "one" : "two"};
      };
      out.add(new Instruction(p.image(), qa[0], "vqa", qa[1], -1));
    }
    return out;
  }
}
