package io.papers4j.multimodal.infimm;

import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.optim.GradClip;
import io.papers4j.core.train.SideBySide;
import io.papers4j.multimodal.vlm.Images;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * A vision pretraining stage before stage 1 (not in the paper's Tab. 8; it stands in for the pretrained
 * EVA-CLIP the paper starts from): the model's ViT and a linear head learn to classify the glyph a page's
 * caption names (a digit) from the visual tokens the model hands the cross-attention at {@code res} (at
 * dynamic resolution the thumbnail's and the tiles' tokens, tile positions added, each crop's CLS token
 * dropped when {@link InfimmConfig#maskCls}), pooled with the share of the glyph's ink each token's patch
 * covers. Only the ViT and the head train.
 *
 * <pre>v = encodeImages(page, res)                     // (M, Cv), the cross-attention's keys and values
 * w_t = ink in token t's patch / ink on the page    // ink: |pixel − background|, through the same tiling
 * logits = W · Σ_t w_t v_t + b                       // (10)
 * loss = cross-entropy(logits, caption digit)</pre>
 *
 * Why: a random ViT gives a lone digit's identity linearly from its tokens at a fixed place (100%) but
 * not at a random one (24%), and the cross-attention's values are a linear map of the tokens it attends
 * to; with the answer's attention on a moving digit, the answer still stayed near its prior
 * (docs/infimm-hd.md, "The tenth round"). Pooling by ink hands the head what an attention that has found
 * the glyph hands the answer. With the plain mean of all tokens instead the loss stayed at ln 10 for 1,800
 * steps and the tokens did not become more readable ("The eleventh round"): the glyph moves 2-3 of 160
 * tokens, and the page's colour moves all of them. The background is the page's top-left pixel, so the
 * pages must be plain (as {@link LoneDigit}'s are).
 *
 * <p>Schedule: AdamW (0.9, 0.999), ε 1e-8, weight decay 0.1, gradient clipping 1.0; the steps split into cosine
 * cycles ({@link Options#cycles}), each a 5% linear warm-up, then cosine decay to a tenth of {@code rate}. Why cycles:
 * the loss sits near ln 10 for the first ~1,500 steps; one cycle of 6,000 then learns at 0.6-0.9 of the peak rate
 * and ends with a moving digit linear in the tokens at 44.7%, two cycles of 3,000 at 69.8% ("The twelfth round").
 */
public final class VisionPretraining {
  /** The question kinds asked of the data (page sources such as {@link LoneDigit} ignore them). */
  private static final List<Documents.Kind> READ = List.of(Documents.Kind.READ);

  /** Classes of the head: the digits 0-9. */
  public static final int CLASSES = 10;

  private VisionPretraining() {}

  /**
   * {@code steps} of {@code batch} pages from seeds {@code seed·1,000,003 + step·batch + b}; peak rate {@code rate};
   * the steps split into {@code cycles} equal cosine cycles (the last takes the remainder), each with its own warm-up
   * ({@link #rateAt}); the head and the optimiser's state carry over from cycle to cycle.
   */
  public record Options(int steps, int batch, long seed, double rate, int cycles) {
    public Options {
      if (steps < 1 || batch < 1) throw new IllegalArgumentException("--vision-pretrain-steps and the batch must be >= 1, got " + steps + " and " + batch);
      if (!(rate > 0) || Double.isInfinite(rate)) throw new IllegalArgumentException("the vision pretraining rate must be a positive number, got " + rate);
      if (cycles < 1 || cycles > steps) throw new IllegalArgumentException("the vision pretraining cycles must be between 1 and the steps (" + steps + "), got " + cycles);
    }

    /** One cosine cycle. */
    public Options(int steps, int batch, long seed, double rate) {
      this(steps, batch, seed, rate, 1);
    }
  }

  /**
   * The rate of {@code step} (0-based): within its cycle of {@code steps / cycles} steps, a 5% linear warm-up, then
   * cosine decay to a tenth of {@code rate} at the cycle's last step.
   */
  static double rateAt(Options o, int step) {
    int len = o.steps() / o.cycles(), cycle = Math.min(step / len, o.cycles() - 1);
    int start = cycle * len, cycleSteps = cycle == o.cycles() - 1 ? o.steps() - start : len;
    return o.rate() * InfimmTraining.learningRate(2, step - start, cycleSteps) / InfimmTraining.peakRate(2);
  }

  /** The trained head and the loss of every step. */
  public record Result(Linear head, double[] losses) {}

  /**
   * The peak rate of the stage when none is given. Measured on the quick ViT (docs/infimm-hd.md, "The eleventh
   * round"): at 1e-3 the loss stayed near ln 10 to step 1,100 (2.12 at 1,500); at 3e-3 it left it after about
   * 1,400 steps, and 3,000 more from there made the tokens give a moving digit linearly at 66%.
   */
  public static final double DEFAULT_RATE = 3e-3;

  /**
   * The cosine cycles of the stage when none are given. Measured on the quick ViT (docs/infimm-hd.md, "The twelfth
   * round"): 6,000 steps in two cycles of 3,000 made the frozen tokens give a moving digit linearly at 69.8%; in one
   * cycle of 6,000, at 44.7%.
   */
  public static final int DEFAULT_CYCLES = 2;

  /** Trains the ViT of {@code model} in place with a fresh linear head on {@code data}'s pages at {@code res}, on this thread. */
  public static Result train(InfimmModel model, Options o, InfimmModel.Resolution res, InfimmTraining.Data data,
      InfimmTraining.Progress progress) {
    return train(model, o, res, data, progress, 1);
  }

  /**
   * As above with each batch split into {@code workers} parts (at most the batch), each part's loss and gradient computed
   * on its own thread by its own copy of the ViT and head, one intra-op thread each ({@link SideBySide}); the parts'
   * gradients are summed, each weighted by its share of the batch, so a step is the whole batch's step up to the order
   * of floating-point sums. Why: two threads run one batch of the quick ViT no faster than one (59.5 against 56.5 ms a
   * step; docs/infimm-hd.md, "Trainings side by side"), and each half batch takes about half the work.
   */
  public static Result train(InfimmModel model, Options o, InfimmModel.Resolution res, InfimmTraining.Data data,
      InfimmTraining.Progress progress, int workers) {
    if (workers < 1) throw new IllegalArgumentException("vision pretraining workers must be >= 1, got " + workers);
    int parts = Math.min(workers, o.batch());
    List<Replica> replicas = new ArrayList<>();
    replicas.add(new Replica(model, new Linear(model.config().visionDim(), CLASSES, true, Init.normal(o.seed() + 3, 0.02))));
    for (int i = 1; i < parts; i++) replicas.add(new Replica(InfimmModel.fromScratch(model.config(), o.seed()), new Linear(model.config().visionDim(), CLASSES, true, Init.normal(o.seed() + 3, 0.02))));
    Map<String, Tensor> trainable = replicas.get(0).trainable();
    AdamW opt = new AdamW(trainable, new AdamConfig(o.rate(), 0.9, 0.999, 1e-8, 0.1));
    double[] losses = new double[o.steps()];
    try {
      if (parts == 1) {
        for (int step = 0; step < o.steps(); step++) {
          opt.setLearningRate(rateAt(o, step));
          try (PointerScope scope = new PointerScope()) {
            opt.zeroGrad();
            losses[step] = replicas.get(0).lossAndGradient(o, step, 0, o.batch(), res, data);
            GradClip.clipGlobalNorm(trainable.values(), 1.0);
            opt.step();
          }
          if (progress != null) progress.step(step + 1, losses[step]);
        }
      } else {
        SideBySide.plan(parts, pool -> {
          for (int step = 0; step < o.steps(); step++) {
            opt.setLearningRate(rateAt(o, step));
            try (PointerScope scope = new PointerScope()) {
              opt.zeroGrad();
              for (int i = 1; i < parts; i++) replicas.get(i).copyFrom(replicas.get(0));
              List<CompletableFuture<Double>> part = new ArrayList<>();
              for (int i = 0; i < parts; i++) {
                int from = i * o.batch() / parts, to = (i + 1) * o.batch() / parts, k = i, st = step;
                part.add(CompletableFuture.supplyAsync(() -> replicas.get(k).lossAndGradient(o, st, from, to, res, data), pool));
              }
              double loss = 0;
              for (CompletableFuture<Double> f : part) loss += f.join();
              for (int i = 1; i < parts; i++) replicas.get(i).addGradientsTo(replicas.get(0));
              losses[step] = loss;
              GradClip.clipGlobalNorm(trainable.values(), 1.0);
              opt.step();
            }
            if (progress != null) progress.step(step + 1, losses[step]);
          }
          return CompletableFuture.completedFuture(null);
        });
      }
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("vision pretraining failed: " + e.getMessage(), e);
    }
    model.namedParameters().forEach((k, v) -> v.requires_grad_(true));
    Linear head = replicas.get(0).head();
    head.namedParameters().forEach((k, v) -> v.requires_grad_(false));
    return new Result(head, losses);
  }

  /** A model and head one part of each batch runs through; only the ViT and the head train. */
  private record Replica(InfimmModel model, Linear head) {
    Replica {
      model.namedParameters().forEach((k, v) -> v.requires_grad_(false));
      trainableOf(model, head).values().forEach(v -> v.requires_grad_(true));
    }

    Map<String, Tensor> trainable() {
      return trainableOf(model, head);
    }

    private static Map<String, Tensor> trainableOf(InfimmModel model, Linear head) {
      Map<String, Tensor> t = new LinkedHashMap<>();
      model.vision.namedParameters().forEach((k, v) -> t.put("vision_model." + k, v));
      head.namedParameters().forEach((k, v) -> t.put("head." + k, v));
      return t;
    }

    /**
     * The batch's samples {@code from}..{@code to}-1 of {@code step}: backpropagates their loss weighted by their share of
     * the batch (a part's mean cross-entropy × its size / the batch) and returns that weighted loss.
     */
    double lossAndGradient(Options o, int step, int from, int to, InfimmModel.Resolution res, InfimmTraining.Data data) {
      try (PointerScope scope = new PointerScope()) {
        List<BufferedImage> pages = new ArrayList<>();
        long[] labels = new long[to - from];
        for (int b = from; b < to; b++) {
          Documents.Sample s = data.sample(o.seed() * 1_000_003L + (long) step * o.batch() + b, READ);
          pages.add(s.image());
          labels[b - from] = label(s);
        }
        Tensor loss = torch.cross_entropy(logits(model, head, pages, res), Tensor.create(labels));
        if (to - from != o.batch()) loss = loss.mul(new Scalar((double) (to - from) / o.batch()));
        loss.backward();
        return loss.item_double();
      }
    }

    /** This replica's weights set to {@code master}'s, and its gradients cleared. */
    void copyFrom(Replica master) {
      Map<String, Tensor> from = master.trainable();
      try (NoGradGuard ng = new NoGradGuard()) {
        trainable().forEach((k, v) -> {
          v.copy_(from.get(k));
          if (v.grad().defined()) v.grad().zero_();
        });
      }
    }

    /** Adds this replica's gradients to {@code master}'s. */
    void addGradientsTo(Replica master) {
      Map<String, Tensor> to = master.trainable();
      try (NoGradGuard ng = new NoGradGuard()) {
        trainable().forEach((k, v) -> {
          if (!v.grad().defined()) return; // not in this part's graph, nor then in the master's
          if (!to.get(k).grad().defined()) throw new IllegalStateException(k + " has a gradient in one part of the batch and none in another");
          to.get(k).grad().add_(v.grad());
        });
      }
    }
  }

  /** The head's logits (B, 10) from each page's tokens pooled by ink ({@link #inkWeights}). */
  static Tensor logits(InfimmModel model, Linear head, List<BufferedImage> pages, InfimmModel.Resolution res) {
    List<Tensor> images = new ArrayList<>();
    for (BufferedImage p : pages) images.add(Images.toTensor(p));
    Tensor vis = model.encodeImages(images, res)[0]; // (B, M, Cv)
    Tensor w = inkWeights(model.config(), pages, res, vis.size(1)); // (B, M)
    return head.forward(w.unsqueeze(1).matmul(vis).squeeze(1)); // (B, Cv) → (B, 10)
  }

  /**
   * Per page, the share of its ink (mean |pixel − background| over the channels, the background being the
   * top-left pixel) that falls in each visual token's patch, in the token order of {@link
   * InfimmModel#encodeImages} (CLS tokens 0); the image goes through the same padding, resizing and tiling
   * as the model's, so a thumbnail token's patch holds the share of its larger area. (B, M), rows sum to 1
   * (a page without ink: all 0).
   */
  static Tensor inkWeights(InfimmConfig c, List<BufferedImage> pages, InfimmModel.Resolution res, long tokens) {
    if (c.resamplerLatents() > 0) throw new IllegalArgumentException("vision pretraining pools the ViT's own tokens; a model with a resampler has none");
    Tensor out = torch.zeros(pages.size(), tokens);
    for (int i = 0; i < pages.size(); i++) {
      Tensor ink = ink(pages.get(i)); // (3, S, S), the same map in every channel
      List<Tensor> crops = new ArrayList<>();
      if (res == InfimmModel.Resolution.DYNAMIC) {
        Tiling.Tiles t = Tiling.split(ink, c.tile(), c.maxGrid());
        crops.add(t.thumbnail().unsqueeze(0));
        crops.add(t.tiles());
      } else {
        crops.add(Tiling.resize(ink, res == InfimmModel.Resolution.BASE ? c.baseResolution() : c.tile()).unsqueeze(0));
      }
      Tensor all = torch.cat(new TensorVector(crops.toArray(new Tensor[0]))); // (crops, 3, t, t)
      Tensor perPatch = torch.avg_pool2d(all.narrow(1, 0, 1), new long[] {c.patch(), c.patch()}).flatten(1, 3); // (crops, P), row-major as the patch tokens
      if (!c.maskCls()) perPatch = torch.cat(new TensorVector(torch.zeros(perPatch.size(0), 1), perPatch), 1); // CLS first
      Tensor flat = perPatch.flatten(); // (crops·L)
      if (flat.size(0) != tokens) throw new IllegalStateException("ink map has " + flat.size(0) + " tokens, the model " + tokens);
      double total = flat.sum().item_double();
      if (total > 0) out.select(0, i).copy_(flat.div(new Scalar(total)));
    }
    return out;
  }

  /** A page's ink: mean |pixel − top-left pixel| over R, G, B in [0, 1], padded to a square with 0; (3, S, S). */
  static Tensor ink(BufferedImage page) {
    int w = page.getWidth(), h = page.getHeight(), s = Math.max(w, h), bg = page.getRGB(0, 0);
    float[] m = new float[s * s];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = page.getRGB(x, y);
        int d = Math.abs(((p >> 16) & 255) - ((bg >> 16) & 255)) + Math.abs(((p >> 8) & 255) - ((bg >> 8) & 255)) + Math.abs((p & 255) - (bg & 255));
        m[(y + (s - h) / 2) * s + x + (s - w) / 2] = d / (3f * 255f); // centred as Tiling.padToSquare centres the image
      }
    }
    return Tensor.create(m).view(1, s, s).expand(3, s, s).contiguous();
  }

  /** The caption's digit, the class to predict. */
  static long label(Documents.Sample s) {
    String c = s.caption();
    if (c == null || c.length() != 1 || c.charAt(0) < '0' || c.charAt(0) > '9') {
      throw new IllegalArgumentException("vision pretraining classifies pages captioned with one digit (0-9), got \"" + c + "\"");
    }
    return c.charAt(0) - '0';
  }

  /** The head's accuracy on the samples {@code sampleAt(0..n-1)}. */
  public static double accuracy(InfimmModel model, Linear head, InfimmModel.Resolution res, int n, IntFunction<Documents.Sample> sampleAt) {
    long right = 0;
    try (NoGradGuard ng = new NoGradGuard()) {
      for (int start = 0; start < n; start += 32) {
        try (PointerScope scope = new PointerScope()) {
          int bsz = Math.min(32, n - start);
          List<BufferedImage> pages = new ArrayList<>();
          long[] labels = new long[bsz];
          for (int b = 0; b < bsz; b++) {
            Documents.Sample s = sampleAt.apply(start + b);
            pages.add(s.image());
            labels[b] = label(s);
          }
          Tensor pred = logits(model, head, pages, res).argmax(new LongOptional(-1), false);
          right += pred.eq(Tensor.create(labels)).sum().item_long();
        }
      }
    }
    return right / (double) n;
  }
}
