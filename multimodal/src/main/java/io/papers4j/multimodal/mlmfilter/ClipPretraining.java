package io.papers4j.multimodal.mlmfilter;

import io.papers4j.core.nn.Params;
import io.papers4j.core.tensor.Precision;
import io.papers4j.multimodal.vlm.Clip;
import io.papers4j.multimodal.vlm.ClipTraining;
import io.papers4j.multimodal.vlm.Images;
import io.papers4j.multimodal.vlm.VisionEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.bytedeco.pytorch.NoGradGuard;

/**
 * A CLIP pretrained on data apart from the pool it will filter, as the paper's CLIPScore and LLaVA's vision tower come
 * from OpenAI's CLIP, never trained on the pool being filtered. Here: clean scene captions ({@link Captions.Defect#CLEAN})
 * of fresh {@link Scene#random} scenes, every batch new pairs, no icons or emoji, with scene seeds from a generator of
 * its own that skips any seed of the pool's scenes.
 *
 * <p>A batch is drawn in <b>shape groups</b>: batch/group scenes, each drawn {@code group} times with only the main
 * object's shape changed (same colour, size, place and clutter), so the captions of a group differ in the shape word
 * alone. In batches of plain random scenes colour and place already tell every caption apart and the contrastive loss
 * hardly needs the shape word: plain draws read shape zero-shot at 34-36% after 64,000 pairs, shape groups of 4 at
 * 47% (docs/mlm-filter.md).
 */
public final class ClipPretraining {
  /** {@code steps} batches of {@code batch} pairs in shape groups of {@code group} (1 = plain draws), from {@code seed}. */
  public record Options(int steps, int batch, int group, long seed) {
    public Options {
      if (steps < 1 || batch < 2) throw new IllegalArgumentException("CLIP pretraining needs >= 1 step and a batch >= 2");
      if (group < 1 || group > Scene.SHAPES.size() - 1) {
        throw new IllegalArgumentException("shape groups must hold 1-" + (Scene.SHAPES.size() - 1) + " scenes, got " + group);
      }
    }
  }

  /** A pretraining batch as drawn (the scenes kept, so tests can check what the CLIP sees). */
  record Drawn(List<Scene> scenes, List<Captions.Caption> captions) {}

  private ClipPretraining() {}

  /** The CLIP config whose vision tower is {@code vision}: the downstream recipe's text side ({@link Downstream#recipe()}). */
  public static Clip.Config config(VisionEncoder.Config vision) {
    Clip.Config r = Downstream.recipe();
    return new Clip.Config(vision, r.textDim(), r.textLayers(), r.textHeads(), r.maxText(), r.embedDim());
  }

  /** The scene seeds of a pool: the pretraining never draws one of them. */
  public static Set<Long> sceneSeeds(List<WebPool.Pair> pool) {
    Set<Long> out = new HashSet<>();
    for (WebPool.Pair x : pool) if (x.scene() != null) out.add(x.scene().seed());
    return out;
  }

  /**
   * Pretrains a CLIP of {@code config} (initialised from {@code o.seed()}) on fresh clean scene captions, never drawing a
   * scene seed in {@code excluded}; the recipe's optimiser and fixed warm-up ({@link Downstream#WARMUP_STEPS}).
   */
  public static Clip pretrain(Clip.Config config, Options o, Set<Long> excluded, ClipTraining.Progress progress) {
    Clip clip = new Clip(config, o.seed());
    Random r = new Random(o.seed());
    ClipTraining.train(clip, step -> {
      Drawn d = draw(r, o.batch(), o.group(), excluded);
      List<org.bytedeco.pytorch.Tensor> images = new ArrayList<>();
      for (Scene s : d.scenes()) images.add(Images.toTensor(s.render()));
      return new ClipTraining.Batch(MlmFilterModel.stack(images), d.captions().stream().map(Captions.Caption::text).toList());
    }, o.steps(), Math.min(Downstream.WARMUP_STEPS, o.steps()), progress, Precision.F32);
    return clip;
  }

  /** One batch: {@code batch} clean scene captions in shape groups of {@code group}, no scene seed from {@code excluded}. */
  static Drawn draw(Random r, int batch, int group, Set<Long> excluded) {
    List<Scene> scenes = new ArrayList<>();
    List<Captions.Caption> captions = new ArrayList<>();
    for (int b = 0; b < batch; b += group) {
      long seed = r.nextLong();
      while (excluded.contains(seed)) seed = r.nextLong();
      Scene base = Scene.random(seed, false);
      // the group's shapes: the main object's own first, then others not already in the scene, in random order
      int own = base.objects().get(0).shape();
      List<Integer> shapes = new ArrayList<>();
      for (int k = 0; k < Scene.SHAPES.size(); k++) if (base.objects().size() == 1 || k != base.objects().get(1).shape()) shapes.add(k);
      shapes.remove(Integer.valueOf(own));
      Collections.shuffle(shapes, r);
      shapes.add(0, own);
      for (int v = 0; v < group && b + v < batch; v++) {
        Scene s = base.withMainShape(shapes.get(v));
        scenes.add(s);
        captions.add(Captions.make(s, Captions.Defect.CLEAN, s, new Random(r.nextLong())));
      }
    }
    return new Drawn(scenes, captions);
  }

  /**
   * Copies {@code clip}'s vision tower into {@code filter}'s ViT, every tensor as is: the CLIP reads its CLS token from the
   * same penultimate, layer-normed tokens the filter cross-attends to. {@code origin} names the CLIP in messages.
   */
  public static void copyTower(Clip clip, MlmFilterModel filter, String origin) {
    checkFits(clip, filter.config(), origin);
    try (NoGradGuard ng = new NoGradGuard()) {
      Params.load(filter.vision, clip.vision.namedParameters(), origin);
    }
  }

  /** Refuses, with one message naming both configs, a CLIP whose vision tower is not the ViT of {@code filter}. */
  public static void checkFits(Clip clip, MlmFilterConfig filter, String origin) {
    VisionEncoder.Config have = clip.vision.config(), want = filter.vision();
    if (!have.equals(want)) {
      throw new IllegalArgumentException(origin + ": the CLIP's vision tower " + describe(have) + " does not fit the filter's ViT " + describe(want));
    }
  }

  /** Loads a CLIP directory for {@link #copyTower}: a missing one gives one message saying how to write one. */
  public static Clip load(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("CLIP directory not found: " + dir + " (write one with 'papers4j mlmfilter pretrain-clip')");
    }
    return Clip.load(dir);
  }

  private static String describe(VisionEncoder.Config c) {
    return "(patch " + c.patch() + ", width " + c.dim() + ", " + c.layers() + " layers, " + c.heads() + " heads, " + c.baseResolution() + " px)";
  }
}
