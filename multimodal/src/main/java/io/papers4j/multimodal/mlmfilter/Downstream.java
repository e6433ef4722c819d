package io.papers4j.multimodal.mlmfilter;

import io.papers4j.multimodal.vlm.Clip;
import io.papers4j.multimodal.vlm.ClipTraining;
import io.papers4j.multimodal.vlm.Images;
import io.papers4j.multimodal.vlm.VisionEncoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * "DataComp-mini" (spec 3(e) step 6): a fixed small-CLIP recipe (fixed steps and batch, i.e. fixed
 * samples seen) trained on a filtered subset, evaluated zero-shot on held-out renders: shape, colour,
 * size and position classification, shape and colour under a distribution shift (light striped
 * background), and image→text / text→image retrieval (R@1). The average is the headline number.
 */
public final class Downstream {
  /** The task names, in report order. */
  public static final List<String> TASKS = List.of("shape", "colour", "size", "position", "shape_shifted", "colour_shifted",
      "retrieval_i2t", "retrieval_t2i");

  /** The held-out evaluation: images and labels per task. */
  public record Tasks(Map<String, Tensor> images, Map<String, long[]> labels, List<String> retrievalCaptions) {}

  private Downstream() {}

  /** The fixed recipe's CLIP: 32-px ViT 64×3, text 64×2 over 96 bytes, embedding 64. */
  public static Clip.Config recipe() {
    return new Clip.Config(new VisionEncoder.Config(8, 64, 3, 4, 32), 64, 2, 4, 96, 64);
  }

  /**
   * The recipe's learning-rate warm-up, fixed in steps whatever the step count: the warm-up of the 1,000-step training
   * (a sixth) that first separated the oracle's ITM subset from a random one. With a sixth of 120-600 steps (20-100
   * steps) the scene-only subsets a good filter keeps sit at the collapsed start (every embedding one vector, loss
   * ln B) far longer, and at a higher peak rate never leave it; 166 warm-up steps separate them at 350 (docs/mlm-filter.md).
   */
  public static final int WARMUP_STEPS = 166;

  /** Trains the recipe on {@code subset} with its fixed warm-up ({@link #WARMUP_STEPS}). */
  public static Clip train(List<WebPool.Pair> subset, int steps, int batch, long seed) {
    return train(subset, steps, WARMUP_STEPS, batch, seed);
  }

  /**
   * Trains the recipe on {@code subset}: {@code steps} batches of {@code batch} pairs drawn without replacement per epoch,
   * the learning rate warmed up over {@code warmupSteps}.
   */
  public static Clip train(List<WebPool.Pair> subset, int steps, int warmupSteps, int batch, long seed) {
    if (subset.size() < 2) throw new IllegalArgumentException("a filtered subset needs >= 2 pairs, got " + subset.size());
    Clip clip = new Clip(recipe(), seed);
    Random r = new Random(seed);
    int bs = Math.min(batch, subset.size());
    List<Integer> order = new ArrayList<>();
    int[] at = {0};
    ClipTraining.train(clip, step -> {
      List<Tensor> imgs = new ArrayList<>();
      List<String> caps = new ArrayList<>();
      for (int b = 0; b < bs; b++) {
        if (at[0] == order.size()) {
          order.clear();
          for (int i = 0; i < subset.size(); i++) order.add(i);
          java.util.Collections.shuffle(order, r);
          at[0] = 0;
        }
        WebPool.Pair p = subset.get(order.get(at[0]++));
        imgs.add(p.image());
        caps.add(p.caption());
      }
      return new ClipTraining.Batch(MlmFilterModel.stack(imgs), caps);
    }, steps, warmupSteps, null, io.papers4j.core.tensor.Precision.F32);
    return clip;
  }

  /** Held-out renders (seeds disjoint from every pool): {@code n} images per task. */
  public static Tasks tasks(int n, long seed) {
    Map<String, Tensor> images = new LinkedHashMap<>();
    Map<String, long[]> labels = new LinkedHashMap<>();
    Random r = new Random(seed);
    for (boolean shifted : new boolean[] {false, true}) {
      List<Tensor> imgs = new ArrayList<>();
      long[][] lab = new long[4][n];
      for (int i = 0; i < n; i++) {
        Scene.Obj o = new Scene.Obj(r.nextInt(6), r.nextInt(6), r.nextInt(2), r.nextInt(5));
        imgs.add(Images.toTensor(Scene.single(o, shifted, r.nextLong()).render()));
        lab[0][i] = o.shape();
        lab[1][i] = o.colour();
        lab[2][i] = o.size();
        lab[3][i] = o.position();
      }
      Tensor t = MlmFilterModel.stack(imgs);
      if (!shifted) {
        for (String k : List.of("shape", "colour", "size", "position")) images.put(k, t);
        labels.put("shape", lab[0]);
        labels.put("colour", lab[1]);
        labels.put("size", lab[2]);
        labels.put("position", lab[3]);
      } else {
        images.put("shape_shifted", t);
        images.put("colour_shifted", t);
        labels.put("shape_shifted", lab[0]);
        labels.put("colour_shifted", lab[1]);
      }
    }
    List<Tensor> imgs = new ArrayList<>();
    List<String> caps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Scene s = Scene.random(r.nextLong(), false);
      imgs.add(Images.toTensor(s.render()));
      caps.add(Captions.make(s, Captions.Defect.CLEAN, s, new Random(r.nextLong())).text());
    }
    images.put("retrieval", MlmFilterModel.stack(imgs));
    return new Tasks(images, labels, List.copyOf(caps));
  }

  /** Zero-shot accuracy (%) per task and their average ("average"). */
  public static Map<String, Double> evaluate(Clip clip, Tasks t) {
    Map<String, Double> out = new LinkedHashMap<>();
    try (NoGradGuard ng = new NoGradGuard(); PointerScope scope = new PointerScope()) {
      out.put("shape", classify(clip, t.images().get("shape"), t.labels().get("shape"), classPrompts(0)));
      out.put("colour", classify(clip, t.images().get("colour"), t.labels().get("colour"), classPrompts(1)));
      out.put("size", classify(clip, t.images().get("size"), t.labels().get("size"), classPrompts(2)));
      out.put("position", classify(clip, t.images().get("position"), t.labels().get("position"), classPrompts(3)));
      out.put("shape_shifted", classify(clip, t.images().get("shape_shifted"), t.labels().get("shape_shifted"), classPrompts(0)));
      out.put("colour_shifted", classify(clip, t.images().get("colour_shifted"), t.labels().get("colour_shifted"), classPrompts(1)));
      Tensor u = clip.embedImages(t.images().get("retrieval")); // (N, E)
      Tensor w = clip.embedText(clip.encodeText(t.retrievalCaptions())); // (N, E)
      Tensor sim = u.matmul(w.t()); // (N, N)
      Tensor diag = torch.arange(new Scalar(sim.size(0)));
      out.put("retrieval_i2t", 100 * sim.argmax(new LongOptional(1), false).eq(diag).to(torch.ScalarType.Float).mean().item_double());
      out.put("retrieval_t2i", 100 * sim.argmax(new LongOptional(0), false).eq(diag).to(torch.ScalarType.Float).mean().item_double());
    }
    out.put("average", out.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN));
    return out;
  }

  /** Prompt ensembles per class of attribute {@code which} (0 shape, 1 colour, 2 size, 3 position). */
  static List<List<String>> classPrompts(int which) {
    List<List<String>> out = new ArrayList<>();
    int classes = switch (which) { case 0, 1 -> 6; case 2 -> 2; default -> 5; };
    for (int k = 0; k < classes; k++) {
      List<String> ps = new ArrayList<>();
      for (int s = 0; s < 6; s++) {
        for (int c = 0; c < 6; c++) {
          switch (which) {
            case 0 -> { if (s == 0) ps.add("a " + Scene.COLOURS.get(c) + " " + Scene.SHAPES.get(k)); }
            case 1 -> { if (c == 0) ps.add("a " + Scene.COLOURS.get(k) + " " + Scene.SHAPES.get(s)); }
            case 2 -> ps.add("a " + Scene.SIZES.get(k) + " " + Scene.COLOURS.get(c) + " " + Scene.SHAPES.get(s));
            default -> { if (c == 0) ps.add("a " + Scene.SHAPES.get(s) + " " + Scene.where(k)); }
          }
        }
      }
      out.add(ps);
    }
    return out;
  }

  private static double classify(Clip clip, Tensor images, long[] labels, List<List<String>> prompts) {
    List<Tensor> classes = new ArrayList<>();
    for (List<String> ps : prompts) {
      Tensor e = clip.embedText(clip.encodeText(ps)).mean(new long[] {0}, false, new ScalarTypeOptional()); // (E)
      classes.add(e.div(e.norm()));
    }
    Tensor c = MlmFilterModel.stack(classes); // (K, E)
    Tensor pred = clip.embedImages(images).matmul(c.t()).argmax(new LongOptional(1), false); // (N)
    return 100 * pred.eq(Tensor.create(labels)).to(torch.ScalarType.Float).mean().item_double();
  }

  /** CLIPScore of pool pairs with a CLIP (100·cos, clipped at 0), in batches. */
  public static double[] clipScores(Clip clip, List<Tensor> images, List<String> captions, int batch) {
    double[] out = new double[images.size()];
    try (NoGradGuard ng = new NoGradGuard()) {
      for (int s = 0; s < images.size(); s += batch) {
        try (PointerScope scope = new PointerScope()) {
          int e = Math.min(images.size(), s + batch);
          Tensor sc = clip.score(MlmFilterModel.stack(images.subList(s, e)), clip.encodeText(captions.subList(s, e))).contiguous();
          float[] v = new float[e - s];
          sc.to(torch.ScalarType.Float).data_ptr_float().get(v);
          for (int i = 0; i < v.length; i++) out[s + i] = v[i];
        }
      }
    }
    return out;
  }
}
