package io.papers4j.multimodal.infimm;

import io.papers4j.core.tensor.NativeExit;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.tensor.Precision;
import io.papers4j.multimodal.vlm.Images;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.function.UnaryOperator;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The four stages of InfiMM-HD's Tab. 8 at small scale, as a script:
 *
 * <pre>stage | resolution          | trainable                   | data                         | lr
 * 1 PT   | base (paper 224)    | cross-attention + LM        | caption pairs                | 1e-3, 5% warm-up, then const
 * 2 CPT  | tile (paper 448)    | ViT (lr / 10) + cross-attn  | task QAs                     | 5e-4 → 5e-5
 * 3 DRA  | dynamic tiles+thumb | ViT (lr / 10) + cross-attn  | task QAs                     | 5e-4 → 5e-5
 * 4 IFT  | dynamic             | LM + cross-attention        | task QAs + corner strings    | 3e-4 → 3e-5</pre>
 *
 * Note: the paper starts from a pretrained EVA-CLIP and Vicuna and trains only cross-attention in
 * stage 1; no pretrained LM exists here, so stage 1 trains the LM from scratch too, while the ViT stays
 * frozen as in the paper (at its random initialisation, or whatever weights it was given). AdamW,
 * weight decay 0.1, gradient clipping 1.0, warm-up and cosine decay, as the paper.
 *
 * <p>Why the ViT is frozen in stage 1 and slower in stages 2-3 (measured, quick model, batch 8, one
 * question kind): trained with everything else at 1e-3 (or at 5e-4 in stage 2) the from-scratch ViT
 * collapses onto nearly one output — the answer loss first rewards an LM that ignores the image, and
 * the cheapest way to remove image-dependent noise is to make the visual tokens constant. Recolouring
 * the one square of a document changed its most affected ViT token by 0.48 of the token RMS at
 * initialisation and by 0.05 after 300 stage-1 steps (0.27 after 150 stage-2 steps from a
 * CLIP-initialised ViT); the tokens of two different documents went from cosine 0.977 to 0.996. A
 * linear warm-up alone did not prevent it (0.06); a tenth of the rate for the ViT kept 0.40.
 */
public final class InfimmTraining {
  /**
   * Options of one stage; {@code steps} of {@code batch} freshly rendered documents. {@code
   * squareCurriculum} S > 1 draws the documents' square S times larger at the first step and shrinks it
   * linearly to its real size by 60% of the steps ({@link #squareScale}); 1 (the default) leaves it alone.
   * {@code crossRate} raises the cross-attention's learning rate above the stage's from a given step
   * ({@link CrossRate}); {@link CrossRate#NONE} (the default) leaves it at the stage's.
   */
  public record Options(int stage, int steps, int batch, long seed, int minSide, int maxSide, double squareCurriculum,
      CrossRate crossRate) {
    public Options {
      if (stage < 1 || stage > 4) throw new IllegalArgumentException("--stage must be 1, 2, 3 or 4, got " + stage);
      if (steps < 1 || batch < 1) throw new IllegalArgumentException("steps and batch must be >= 1");
      if (minSide < 8 || maxSide < minSide) throw new IllegalArgumentException("document sides must satisfy 8 <= min <= max");
      if (!(squareCurriculum >= 1)) throw new IllegalArgumentException("--square-curriculum must be >= 1, got " + squareCurriculum);
      if (crossRate == null) throw new IllegalArgumentException("the cross-attention rate must be given (CrossRate.NONE for the stage's)");
    }

    /** With the square curriculum, the cross-attention at the stage's rate. */
    public Options(int stage, int steps, int batch, long seed, int minSide, int maxSide, double squareCurriculum) {
      this(stage, steps, batch, seed, minSide, maxSide, squareCurriculum, CrossRate.NONE);
    }

    /** Without the square curriculum. */
    public Options(int stage, int steps, int batch, long seed, int minSide, int maxSide) {
      this(stage, steps, batch, seed, minSide, maxSide, 1.0);
    }

    /** These options with the cross-attention's rate {@code rate}. */
    public Options withCrossRate(CrossRate rate) {
      return new Options(stage, steps, batch, seed, minSide, maxSide, squareCurriculum, rate);
    }
  }

  /**
   * The cross-attention's learning rate as a multiple of the stage's: 1 before step {@code from} (0-based),
   * then rising linearly to {@code times} over {@code warmup} steps (0: at once); from step {@code decayFrom}
   * (−1: never) it falls linearly back to 1 at the stage's last step. Why (not in the paper): from scratch the
   * LM fits the answer prior long before a cross-attention that starts uniform over ~170 visual tokens
   * concentrates on a detail that moves a few of them; a raised rate once the prior is fitted lets it
   * concentrate, and lowering it again lets the answer settle on what the attention found (docs/infimm-hd.md,
   * "The seventh round" and "The eighth round").
   */
  public record CrossRate(double times, int from, int warmup, int decayFrom) {
    /** The stage's own rate throughout. */
    public static final CrossRate NONE = new CrossRate(1, 0, 0, -1);

    public CrossRate {
      if (!(times > 0) || Double.isInfinite(times)) throw new IllegalArgumentException("--cross-rate must be a positive number, got " + times);
      if (from < 0) throw new IllegalArgumentException("--cross-rate-from must be >= 0, got " + from);
      if (warmup < 0) throw new IllegalArgumentException("--cross-rate-warmup must be >= 0, got " + warmup);
      if (decayFrom < -1 || (decayFrom >= 0 && decayFrom < from)) {
        throw new IllegalArgumentException("--cross-rate-decay-from must be -1 (never) or >= --cross-rate-from (" + from + "), got " + decayFrom);
      }
    }

    /** Without a decay. */
    public CrossRate(double times, int from, int warmup) {
      this(times, from, warmup, -1);
    }

    /** The multiple at {@code step} (0-based) of {@code steps}. */
    public double at(int step, int steps) {
      if (step < from) return 1.0;
      if (decayFrom >= 0 && step >= decayFrom) return times + (1 - times) * (step - decayFrom + 1) / (double) (steps - decayFrom);
      if (warmup == 0) return times;
      return 1 + (times - 1) * Math.min(1.0, (step - from + 1) / (double) warmup);
    }
  }

  /** Fraction of a stage's steps over which the square curriculum shrinks the square to its real size. */
  static final double CURRICULUM_SPAN = 0.6;

  /** The square's scale at {@code step} (0-based) of {@code steps}: {@code start} → 1 linearly, then 1. */
  static double squareScale(double start, int step, int steps) {
    double frac = step / (CURRICULUM_SPAN * steps);
    return start <= 1 || frac >= 1 ? 1.0 : start + (1 - start) * frac;
  }

  /**
   * Where a stage's samples come from: the sample of a seed, for the stage's question kinds. The
   * procedural documents ({@link #documents}) by default; {@link WebPages} screenshots, or a mix.
   */
  @FunctionalInterface
  public interface Data {
    Documents.Sample sample(long seed, List<Documents.Kind> kinds);

    /** The sample with its square enlarged {@code squareScale} times (the curriculum); data without a square ignore it. */
    default Documents.Sample sample(long seed, List<Documents.Kind> kinds, double squareScale) {
      return sample(seed, kinds);
    }
  }

  /** A page source drawn at a curriculum scale (1 = real size) whatever the question kinds asked for. */
  @FunctionalInterface
  public interface ScaledPages {
    Documents.Sample sample(long seed, double scale);
  }

  /** {@code pages} as a stage's data, the curriculum's scale passed on; the question kinds asked for are ignored. */
  public static Data scaledPages(ScaledPages pages) {
    return new Data() {
      @Override
      public Documents.Sample sample(long seed, List<Documents.Kind> kinds) {
        return pages.sample(seed, 1.0);
      }

      @Override
      public Documents.Sample sample(long seed, List<Documents.Kind> kinds, double squareScale) {
        return pages.sample(seed, squareScale);
      }
    };
  }

  /** The Java2D documents with sides in [minSide, maxSide]. */
  public static Data documents(int minSide, int maxSide) {
    return new Data() {
      @Override
      public Documents.Sample sample(long seed, List<Documents.Kind> kinds) {
        return Documents.sample(seed, minSide, maxSide, kinds);
      }

      @Override
      public Documents.Sample sample(long seed, List<Documents.Kind> kinds, double squareScale) {
        return Documents.sample(seed, minSide, maxSide, kinds, squareScale);
      }
    };
  }

  /** A fixed pool of samples (e.g. web screenshots with their questions), one drawn per seed; kinds are the pool's own. */
  public static Data pool(List<Documents.Sample> samples) {
    if (samples.isEmpty()) throw new IllegalArgumentException("the sample pool is empty");
    List<Documents.Sample> copy = List.copyOf(samples);
    return (seed, kinds) -> copy.get(new java.util.Random(seed * 0x9E3779B97F4A7C15L + 29).nextInt(copy.size()));
  }

  /**
   * {@code data} with every caption dropped, so that a caption stage (stage 1, the digit stage) trains on the sample's
   * question and answer instead: e.g. general questions among the digit stage's pages, so the LM learns to answer them
   * at the arm's resolution before stage 4 (docs/infimm-hd.md, "The fourteenth round").
   */
  public static Data asQuestions(Data data) {
    return mapped(data, InfimmTraining::withoutCaption);
  }

  private static Documents.Sample withoutCaption(Documents.Sample s) {
    return new Documents.Sample(s.image(), s.kind(), s.question(), s.answer(), null);
  }

  /** Even seeds from {@code a}, odd seeds from {@code b}: half and half. */
  public static Data alternate(Data a, Data b) {
    return bySeed(seed -> (seed & 1) == 0 ? a : b);
  }

  /** {@code data} with {@code f} applied to every sample it draws, the curriculum's scale passed on. */
  public static Data mapped(Data data, UnaryOperator<Documents.Sample> f) {
    return new Data() {
      @Override
      public Documents.Sample sample(long seed, List<Documents.Kind> kinds) {
        return f.apply(data.sample(seed, kinds));
      }

      @Override
      public Documents.Sample sample(long seed, List<Documents.Kind> kinds, double squareScale) {
        return f.apply(data.sample(seed, kinds, squareScale));
      }
    };
  }

  /** Each seed's sample drawn from the source {@code pick} names for that seed, the curriculum's scale passed on. */
  public static Data bySeed(LongFunction<Data> pick) {
    return new Data() {
      @Override
      public Documents.Sample sample(long seed, List<Documents.Kind> kinds) {
        return pick.apply(seed).sample(seed, kinds);
      }

      @Override
      public Documents.Sample sample(long seed, List<Documents.Kind> kinds, double squareScale) {
        return pick.apply(seed).sample(seed, kinds, squareScale);
      }
    };
  }

  /**
   * {@code data} with every caption replaced by the square's colour alone ("red"): the captions of the
   * colour stage. Measured (docs/infimm-hd.md, "The sixth round"): with the page colour kept in the caption
   * ("grey page, red square") the stage left the colour question at its prior after stages 2-4; with the
   * colour alone it rose to 46.5 (prior 25) in one probe, but not in a quick reproduction with other
   * samples (23.3), and the page-colour question fell from 100 to 30-95.
   */
  public static Data colourCaptions(Data data) {
    return mapped(data, InfimmTraining::squareColourCaption);
  }

  /** The caption "grey page, red square, 2 circles" becomes "red". */
  private static Documents.Sample squareColourCaption(Documents.Sample s) {
    String[] parts = s.caption().split(", ");
    if (parts.length < 2 || !parts[1].endsWith(" square")) throw new IllegalArgumentException("not a document caption: " + s.caption());
    return new Documents.Sample(s.image(), s.kind(), s.question(), s.answer(), parts[1].substring(0, parts[1].length() - " square".length()));
  }

  /**
   * The colour stage (not in the paper): stage-1 settings (LM + cross-attention, ViT frozen), "caption?" →
   * the square's colour ({@link #colourCaptions}) at {@code res}, the square drawn {@code squareCurriculum}
   * times larger at first. Run
   * between stages 1 and 2 at an arm's own resolution; see docs/infimm-hd.md "The sixth round" for why.
   */
  public static double[] colourStage(InfimmModel model, int steps, int batch, long seed, int minSide, int maxSide,
      double squareCurriculum, InfimmModel.Resolution res) {
    return train(model, new Options(1, steps, batch, seed, minSide, maxSide, squareCurriculum), res, null, Precision.F32,
        colourCaptions(documents(minSide, maxSide)));
  }

  /**
   * The digit stage (not in the paper): recipe F of docs/infimm-hd.md ("The eighth round" on) at {@code res}: stage-1
   * settings (LM + cross-attention, ViT frozen), "caption?" → the digit of a {@link LoneDigit#anywhere} page, the
   * digit 4× larger at first and real size from 60% of the steps, the cross-attention's rate ×10 from a tenth of the
   * steps, falling back to ×1 from half of them. From a pretrained ViT ({@link VisionPretraining}) with the CLS keys
   * dropped it reads the moving digit 58-67% at dynamic resolution ("The eleventh round"); run at each arm's own
   * resolution it is the reading ladder of "The thirteenth round".
   */
  public static double[] digitStage(InfimmModel model, int steps, int batch, long seed, InfimmModel.Resolution res) {
    return digitStage(model, steps, batch, seed, res, LoneDigit.anywhereData());
  }

  /** As above on {@code pages} (e.g. {@link LoneDigit#withDocuments}: digit pages with document captions among them). */
  public static double[] digitStage(InfimmModel model, int steps, int batch, long seed, InfimmModel.Resolution res, Data pages) {
    Options o = new Options(1, steps, batch, seed, LoneDigit.SIDE, LoneDigit.SIDE, DIGIT_CURRICULUM)
        .withCrossRate(new CrossRate(10, steps / 10, 0, steps / 2));
    return train(model, o, res, null, Precision.F32, pages);
  }

  /** The digit stage's curriculum: the digit this many times larger at its first step. */
  static final double DIGIT_CURRICULUM = 4.0;

  /** Called after every step with its 1-based index and loss. */
  public interface Progress {
    void step(int step, double loss);
  }

  private InfimmTraining() {}

  /** The resolution a model trained up to {@code stage} is used at. */
  public static InfimmModel.Resolution resolution(int stage) {
    return stage == 1 ? InfimmModel.Resolution.BASE : stage == 2 ? InfimmModel.Resolution.FIXED : InfimmModel.Resolution.DYNAMIC;
  }

  static List<Documents.Kind> kinds(int stage) {
    if (stage == 4) {
      return List.of(Documents.Kind.READ, Documents.Kind.TABLE, Documents.Kind.COUNT, Documents.Kind.COLOUR,
          Documents.Kind.POSITION, Documents.Kind.GENERAL, Documents.Kind.CORNER);
    }
    return List.of(Documents.Kind.READ, Documents.Kind.TABLE, Documents.Kind.COUNT, Documents.Kind.COLOUR,
        Documents.Kind.POSITION, Documents.Kind.GENERAL);
  }

  /** Trains {@code model} in place for one stage at the stage's own resolution; returns the loss of every step. */
  public static double[] train(InfimmModel model, Options o, Progress progress) {
    return train(model, o, resolution(o.stage()), progress, Precision.F32);
  }

  /** As above with the forward passes in {@code precision} (weights and optimizer state stay float32). */
  public static double[] train(InfimmModel model, Options o, Progress progress, Precision precision) {
    return train(model, o, resolution(o.stage()), progress, precision);
  }

  /**
   * Trains {@code model} in place for one stage (its data and trainable parameters) with images at
   * {@code res} instead of the stage's own resolution: the resolution ablation (Tab. 5) runs the same
   * stages at each resolution.
   */
  public static double[] train(InfimmModel model, Options o, InfimmModel.Resolution res, Progress progress) {
    return train(model, o, res, progress, Precision.F32);
  }

  /** As above with the forward passes in {@code precision} (weights and optimizer state stay float32). */
  public static double[] train(InfimmModel model, Options o, InfimmModel.Resolution res, Progress progress, Precision precision) {
    return train(model, o, res, progress, precision, documents(o.minSide(), o.maxSide()));
  }

  /** As above with the samples drawn from {@code data} (Java2D documents, web screenshots or a mix). */
  public static double[] train(InfimmModel model, Options o, InfimmModel.Resolution res, Progress progress, Precision precision, Data data) {
    Map<String, Tensor> trainable = new LinkedHashMap<>(), cross = new LinkedHashMap<>();
    model.namedParameters().forEach((k, v) -> v.requires_grad_(false));
    model.lm.crossAttentionParameters().forEach((k, v) -> cross.put("language_model." + k, v));
    Map<String, Tensor> vision = new LinkedHashMap<>(); // frozen in stage 1 (paper PT), a tenth of the rate in 2-3
    if (o.stage() == 2 || o.stage() == 3) model.vision.namedParameters().forEach((k, v) -> vision.put("vision_model." + k, v));
    if (o.stage() == 1 || o.stage() == 4) model.lm.lm.namedParameters().forEach((k, v) -> trainable.put("language_model." + k, v));
    if (model.resampler != null) model.resampler.namedParameters().forEach((k, v) -> trainable.put("perceiver." + k, v));
    trainable.values().forEach(v -> v.requires_grad_(true));
    cross.values().forEach(v -> v.requires_grad_(true));
    vision.values().forEach(v -> v.requires_grad_(true));
    AdamConfig adam = new AdamConfig(peakRate(o.stage()), 0.9, o.stage() == 1 ? 0.95 : 0.999, o.stage() == 1 ? 1e-8 : 1e-5, 0.1);
    AdamW opt = trainable.isEmpty() ? null : new AdamW(trainable, adam); // AdamW is per tensor: one optimiser per rate
    AdamW crossOpt = new AdamW(cross, adam);
    AdamW visionOpt = vision.isEmpty() ? null : new AdamW(vision, adam);
    Map<String, Tensor> all = new LinkedHashMap<>(cross);
    all.putAll(trainable);
    all.putAll(vision);
    List<Documents.Kind> kinds = kinds(o.stage());
    double[] losses = new double[o.steps()];
    for (int step = 0; step < o.steps(); step++) {
      double lr = learningRate(o.stage(), step, o.steps());
      if (opt != null) opt.setLearningRate(lr);
      crossOpt.setLearningRate(lr * o.crossRate().at(step, o.steps()));
      if (visionOpt != null) visionOpt.setLearningRate(lr * VISION_RATE);
      double scale = squareScale(o.squareCurriculum(), step, o.steps());
      try (PointerScope scope = new PointerScope()) {
        List<Tensor> images = new ArrayList<>();
        long[] ids = new long[o.batch() * model.config().maxText()];
        long[] tg = new long[ids.length];
        for (int b = 0; b < o.batch(); b++) {
          long sampleSeed = o.seed() * 1_000_003L + (long) step * o.batch() + b;
          Documents.Sample s = scale == 1 ? data.sample(sampleSeed, kinds) : data.sample(sampleSeed, kinds, scale);
          images.add(Images.toTensor(s.image()));
          long[][] enc = encode(model, o.stage(), s);
          System.arraycopy(enc[0], 0, ids, b * model.config().maxText(), model.config().maxText());
          System.arraycopy(enc[1], 0, tg, b * model.config().maxText(), model.config().maxText());
        }
        Tensor x = Tensor.create(ids).view(o.batch(), -1), y = Tensor.create(tg).view(o.batch(), -1);
        Tensor loss;
        try (Precision.Region cast = precision.autocast()) {
          Tensor[] vis = model.encodeImages(images, res);
          loss = model.lm.loss(x, vis[0], vis[0].size(1), vis[1], y);
        }
        if (opt != null) opt.zeroGrad();
        crossOpt.zeroGrad();
        if (visionOpt != null) visionOpt.zeroGrad();
        NativeExit.backward(loss, precision);
        clip(all, 1.0);
        if (opt != null) opt.step();
        crossOpt.step();
        if (visionOpt != null) visionOpt.step();
        losses[step] = loss.item_double();
      }
      if (progress != null) progress.step(step + 1, losses[step]);
    }
    model.namedParameters().forEach((k, v) -> v.requires_grad_(true));
    return losses;
  }

  /**
   * The text a stage trains on: "caption?" → the caption in stage 1 (and the colour and digit stages), the question and
   * its answer in stages 2-4 and for a sample without a caption ({@link #asQuestions}) in any stage.
   */
  static long[][] encode(InfimmModel model, int stage, Documents.Sample s) {
    return stage == 1 && s.caption() != null ? model.encodeText("caption?", s.caption()) : model.encodeText(s.question(), s.answer());
  }

  /** The ViT's learning rate in stages 2 and 3 as a fraction of the stage's (see the class comment). */
  static final double VISION_RATE = 0.1;

  static double peakRate(int stage) {
    return switch (stage) { case 1 -> 1e-3; case 4 -> 3e-4; default -> 5e-4; };
  }

  /**
   * The learning rate of {@code step} (0-based) of {@code steps}: a linear warm-up over the first 5%
   * (the paper's 6k of 120k in PT, 400 of 8k in CPT), then constant in stage 1 and cosine decay to a
   * tenth of the peak in stages 2-4.
   */
  static double learningRate(int stage, int step, int steps) {
    double peak = peakRate(stage);
    int warm = Math.max(1, steps / 20);
    if (step < warm) return peak * (step + 1) / warm;
    if (stage == 1) return peak;
    return peak * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * (step - warm) / Math.max(1, steps - warm))));
  }

  private static void clip(Map<String, Tensor> params, double maxNorm) {
    try (NoGradGuard ng = new NoGradGuard()) {
      double sq = 0;
      for (Tensor p : params.values()) if (p.grad().defined()) sq += p.grad().pow(new Scalar(2)).sum().item_double();
      double norm = Math.sqrt(sq);
      if (norm > maxNorm) for (Tensor p : params.values()) if (p.grad().defined()) p.grad().mul_(new Scalar(maxNorm / (norm + 1e-6)));
    }
  }

  /**
   * Exact-match accuracy per question kind on {@code n} held-out documents (seeds disjoint from
   * training). Teacher-forced argmax over every answer token equals greedy decoding's exact match.
   */
  public static Map<Documents.Kind, double[]> evaluate(InfimmModel model, InfimmModel.Resolution res, int n, long seed,
      int minSide, int maxSide, List<Documents.Kind> kinds) {
    return evaluate(model, res, n, i -> Documents.sample(-(seed * 1_000_003L + i) - 1, minSide, maxSide, kinds));
  }

  /**
   * Exact-match accuracy per question kind on the samples {@code sampleAt(0..n-1)} (e.g. the
   * questions of held-out web pages), read a batch at a time.
   */
  public static Map<Documents.Kind, double[]> evaluate(InfimmModel model, InfimmModel.Resolution res, int n,
      java.util.function.IntFunction<Documents.Sample> sampleAt) {
    Map<Documents.Kind, double[]> acc = new EnumMap<>(Documents.Kind.class); // kind → {correct, total}
    int batch = 16;
    try (NoGradGuard ng = new NoGradGuard()) {
      for (int start = 0; start < n; start += batch) {
        try (PointerScope scope = new PointerScope()) {
          int bsz = Math.min(batch, n - start);
          List<Tensor> images = new ArrayList<>();
          List<Documents.Kind> ks = new ArrayList<>();
          long[] ids = new long[bsz * model.config().maxText()], tg = new long[ids.length];
          for (int b = 0; b < bsz; b++) {
            Documents.Sample s = sampleAt.apply(start + b);
            images.add(Images.toTensor(s.image()));
            ks.add(s.kind());
            long[][] enc = model.encodeText(s.question(), s.answer());
            System.arraycopy(enc[0], 0, ids, b * model.config().maxText(), model.config().maxText());
            System.arraycopy(enc[1], 0, tg, b * model.config().maxText(), model.config().maxText());
          }
          Tensor[] vis = model.encodeImages(images, res);
          Tensor y = Tensor.create(tg).view(bsz, -1);
          Tensor pred = model.lm.forward(Tensor.create(ids).view(bsz, -1), vis[0], vis[0].size(1), vis[1]).argmax(new org.bytedeco.pytorch.LongOptional(-1), false);
          Tensor wrong = pred.ne(y).logical_and(y.ne(new Scalar(-100))).any(1).contiguous(); // (B)
          for (int b = 0; b < bsz; b++) {
            double[] a = acc.computeIfAbsent(ks.get(b), k -> new double[2]);
            if (!wrong.select(0, b).item_bool()) a[0]++;
            a[1]++;
          }
        }
      }
    }
    return acc;
  }
}
