package io.papers4j.multimodal.mlmfilter;

import io.papers4j.core.tensor.NativeExit;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.tensor.Precision;
import io.papers4j.multimodal.vlm.Clip;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Instruction tuning of the filter, as a script (paper: 2 epochs, lr 2e-5, cosine, 3% warm-up, weight
 * decay 0, from a projector-pretrained LLaVA). No pretrained language model exists here, so the decoder and the
 * cross-attention train from scratch with a larger lr (2e-3 in the quick preset and `mlmfilter train`) over several
 * epochs; gradient clipping 1.0; AdamW. The ViT can start from a CLIP's vision tower (the quick preset: a CLIP pretrained
 * apart from the pool, {@link ClipPretraining}), frozen as LLaVA keeps it.
 */
public final class MlmFilterTraining {
  /**
   * {@code steps} of {@code batch} instructions, epochs reshuffled from {@code seed}. The ViT trains at {@code
   * visionLrScale} times the learning rate: 1 = like the rest of the model, 0 = frozen at its initialisation (no
   * gradient is computed through it). The paper's LLaVA keeps its (pretrained) vision tower frozen in every stage; here
   * the ViT is a random initialisation, and training it at the full rate collapses its tokens (docs/mlm-filter.md).
   * Every cross-attention gate of a new filter starts at {@code gateInit} (0 = Flamingo's closed gates, the default):
   * closed gates pass no gradient to the ViT or the cross-attention in the first step, and at 0 most of them were still
   * below 0.01 after 400 steps (docs/mlm-filter.md).
   */
  public record Options(int steps, int batch, double lr, long seed, double visionLrScale, double gateInit) {
    public Options {
      if (steps < 1) throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
      if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
      if (!(lr > 0)) throw new IllegalArgumentException("--lr must be > 0, got " + lr);
      if (!(visionLrScale >= 0 && visionLrScale <= 1)) {
        throw new IllegalArgumentException("--vision-lr-scale must be in [0, 1], got " + visionLrScale);
      }
      if (!Double.isFinite(gateInit)) throw new IllegalArgumentException("--gate-init must be a finite number, got " + gateInit);
    }

    /** The cross-attention gates closed at the start. */
    public Options(int steps, int batch, double lr, long seed, double visionLrScale) {
      this(steps, batch, lr, seed, visionLrScale, 0);
    }

    /** The ViT trained at the same learning rate as the rest, the gates closed at the start. */
    public Options(int steps, int batch, double lr, long seed) {
      this(steps, batch, lr, seed, 1);
    }

    /** Whether the ViT stays at its initialisation. */
    public boolean visionFrozen() {
      return visionLrScale == 0;
    }
  }

  /** Called after every step with its 1-based index and loss. */
  public interface Progress {
    void step(int step, double loss);
  }

  /**
   * The whole recipe: a source pool of {@code sourcePairs} (seeds disjoint from any filtered pool),
   * the teacher (oracle + N(0, σ²)) scores it on the four metrics, {@code scoredKept} instructions are
   * re-balanced score-uniformly ({@code uniform}) or drawn at random (the ablation), and mixed with
   * {@code generic} visual questions. A share {@code contrastShare} of the {@code scoredKept} instructions (rounded
   * down to whole captions of 4) are {@link Instructions#contrast} instructions instead: ITM and ODF of one caption
   * with its own image and with another, which a filter reading only the caption cannot fit. 0 = none (the default).
   * {@code format}: how the scored answers are written ({@link AnswerFormat}; PLAIN unless given).
   */
  public record Recipe(int sourcePairs, int scoredKept, int generic, double teacherSigma, boolean uniform, Options options,
      double contrastShare, AnswerFormat format) {
    public Recipe {
      if (sourcePairs < 1 || scoredKept < 1 || generic < 0) throw new IllegalArgumentException("recipe sizes must be positive");
      if (teacherSigma < 0) throw new IllegalArgumentException("--teacher-noise must be >= 0");
      if (!(contrastShare >= 0 && contrastShare < 1)) throw new IllegalArgumentException("--contrast-share must be in [0, 1), got " + contrastShare);
      if (format == null) throw new IllegalArgumentException("the recipe needs an answer format");
    }

    /** The recipe with plain scores. */
    public Recipe(int sourcePairs, int scoredKept, int generic, double teacherSigma, boolean uniform, Options options, double contrastShare) {
      this(sourcePairs, scoredKept, generic, teacherSigma, uniform, options, contrastShare, AnswerFormat.PLAIN);
    }

    /** The recipe without contrast instructions. */
    public Recipe(int sourcePairs, int scoredKept, int generic, double teacherSigma, boolean uniform, Options options) {
      this(sourcePairs, scoredKept, generic, teacherSigma, uniform, options, 0);
    }

    /** Captions asked with their own and another image: 4 instructions each, taken out of the scored budget. */
    public int contrastCaptions() {
      return (int) Math.floor(contrastShare * scoredKept / 4);
    }
  }

  /** Instruction data of a recipe (deterministic in its seed). */
  public static List<Instructions.Instruction> instructions(Recipe r, WebPool.Sources sources) {
    long seed = r.options().seed();
    List<WebPool.Pair> source = WebPool.build(r.sourcePairs(), 7_000_000L + seed, sources);
    List<Instructions.Instruction> scored = Instructions.scored(source, r.teacherSigma(), seed, r.format());
    int kept = r.scoredKept() - 4 * r.contrastCaptions();
    List<Instructions.Instruction> data = new ArrayList<>(r.uniform()
        ? ScoreUniform.sample(scored, Instructions.Instruction::score, kept, 10, seed)
        : ScoreUniform.natural(scored, kept, seed));
    // the contrast pairs stay out of the re-balancing: sampled by score, the two copies of a caption would be split
    data.addAll(Instructions.contrast(source, r.contrastCaptions(), r.teacherSigma(), seed, r.format()));
    data.addAll(Instructions.generic(source, r.generic(), seed));
    return data;
  }

  /** Builds the instruction data and trains a new filter on it, its gates set to {@link Options#gateInit()}. */
  public static MlmFilterModel train(MlmFilterConfig config, Recipe r, WebPool.Sources sources, Progress progress) {
    return train(config, r, sources, progress, Precision.F32);
  }

  /** As above with the forward passes in {@code precision} (weights and optimizer state stay float32). */
  public static MlmFilterModel train(MlmFilterConfig config, Recipe r, WebPool.Sources sources, Progress progress, Precision precision) {
    return train(config, r, sources, progress, precision, null);
  }

  /**
   * As above with the ViT copied from {@code tower}'s vision tower before training ({@link ClipPretraining#copyTower}; null =
   * the filter's own random ViT). With {@link Options#visionLrScale()} 0 it stays that CLIP's tower, as LLaVA's does.
   */
  public static MlmFilterModel train(MlmFilterConfig config, Recipe r, WebPool.Sources sources, Progress progress, Precision precision,
      Clip tower) {
    MlmFilterModel m = new MlmFilterModel(config, r.options().seed());
    if (tower != null) ClipPretraining.copyTower(tower, m, "the pretrained CLIP");
    m.setCrossAttentionGates(r.options().gateInit());
    train(m, instructions(r, sources), r.options(), progress, precision);
    return m;
  }

  /** Names of the ViT's tensors in {@link MlmFilterModel#namedParameters()}. */
  static final String VISION_PREFIX = "vision_model.";

  private MlmFilterTraining() {}

  public static double[] train(MlmFilterModel model, List<Instructions.Instruction> data, Options o, Progress progress) {
    return train(model, data, o, progress, Precision.F32);
  }

  /** As above with the forward passes in {@code precision} (weights and optimizer state stay float32). */
  public static double[] train(MlmFilterModel model, List<Instructions.Instruction> data, Options o, Progress progress, Precision precision) {
    if (data.isEmpty()) throw new IllegalArgumentException("no instructions to train on");
    // two optimizers, so the ViT can run at its own rate; AdamW's update of one tensor does not depend on the others
    Map<String, Tensor> visionParams = new LinkedHashMap<>(), restParams = new LinkedHashMap<>();
    model.namedParameters().forEach((k, v) -> (k.startsWith(VISION_PREFIX) ? visionParams : restParams).put(k, v));
    AdamW opt = new AdamW(restParams, new AdamConfig(o.lr(), 0.9, 0.999, 1e-8, 0.0));
    AdamW visionOpt = o.visionFrozen() ? null : new AdamW(visionParams, new AdamConfig(o.lr() * o.visionLrScale(), 0.9, 0.999, 1e-8, 0.0));
    Random r = new Random(o.seed());
    List<Integer> order = new ArrayList<>();
    int at = 0;
    double[] losses = new double[o.steps()];
    int warm = Math.max(1, (int) Math.ceil(0.03 * o.steps()));
    int t = model.config().sequenceLength();
    for (int step = 0; step < o.steps(); step++) {
      double lr = step < warm ? o.lr() * (step + 1) / warm
          : o.lr() * 0.5 * (1 + Math.cos(Math.PI * (step - warm) / Math.max(1, o.steps() - warm)));
      opt.setLearningRate(lr);
      if (visionOpt != null) visionOpt.setLearningRate(lr * o.visionLrScale());
      try (PointerScope scope = new PointerScope()) {
        List<Tensor> images = new ArrayList<>();
        long[] ids = new long[o.batch() * t], tg = new long[o.batch() * t];
        for (int b = 0; b < o.batch(); b++) {
          if (at == order.size()) {
            order.clear();
            for (int i = 0; i < data.size(); i++) order.add(i);
            Collections.shuffle(order, r);
            at = 0;
          }
          Instructions.Instruction x = data.get(order.get(at++));
          images.add(x.image());
          long[][] e = model.example(x.field(), x.tag(), x.answer());
          System.arraycopy(e[0], 0, ids, b * t, t);
          System.arraycopy(e[1], 0, tg, b * t, t);
        }
        Tensor loss;
        try (Precision.Region cast = precision.autocast()) {
          Tensor visual = visualTokens(model, MlmFilterModel.stack(images), o.visionFrozen()); // (B, L, Cv)
          loss = model.answerLoss(visual, Tensor.create(ids).view(o.batch(), t), Tensor.create(tg).view(o.batch(), t));
        }
        opt.zeroGrad();
        if (visionOpt != null) visionOpt.zeroGrad();
        NativeExit.backward(loss, precision);
        clip(model, 1.0);
        opt.step();
        if (visionOpt != null) visionOpt.step();
        losses[step] = loss.item_double();
      }
      if (progress != null) progress.step(step + 1, losses[step]);
    }
    return losses;
  }

  /** The ViT's tokens; a frozen ViT runs without recording, so the backward pass stops at its output. */
  private static Tensor visualTokens(MlmFilterModel model, Tensor images, boolean frozen) {
    if (!frozen) return model.encodeImages(images);
    try (NoGradGuard ng = new NoGradGuard()) {
      return model.encodeImages(images);
    }
  }

  private static void clip(MlmFilterModel model, double maxNorm) {
    try (NoGradGuard ng = new NoGradGuard()) {
      double sq = 0;
      for (Tensor p : model.namedParameters().values()) if (p.grad().defined()) sq += p.grad().pow(new Scalar(2)).sum().item_double();
      double norm = Math.sqrt(sq);
      if (norm > maxNorm) {
        for (Tensor p : model.namedParameters().values()) if (p.grad().defined()) p.grad().mul_(new Scalar(maxNorm / (norm + 1e-6)));
      }
    }
  }
}
