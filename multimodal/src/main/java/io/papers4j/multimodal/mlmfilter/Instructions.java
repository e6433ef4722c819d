package io.papers4j.multimodal.mlmfilter;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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

  /** The teacher's scored instructions: 4 per pair, teacher = oracle + N(0, σ²). */
  public static List<Instruction> scored(List<WebPool.Pair> source, double sigma, long seed) {
    Random r = new Random(seed);
    List<Instruction> out = new ArrayList<>();
    for (WebPool.Pair p : source) {
      for (Metric m : Metric.values()) {
        int s = Oracle.noisy(p.truth().score(m), sigma, r);
        out.add(new Instruction(p.image(), p.caption(), m.tag(), s + "\n" + p.truth().why()[m.ordinal()], s));
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
