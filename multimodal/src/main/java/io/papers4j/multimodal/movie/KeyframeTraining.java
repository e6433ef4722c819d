package io.papers4j.multimodal.movie;

import io.papers4j.core.tensor.NativeExit;
import io.papers4j.core.diffusion.RectifiedFlow;
import io.papers4j.core.diffusion.TimeSampler;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.tensor.Precision;
import io.papers4j.multimodal.vlm.Images;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Trains the keyframe model, as a script: a pool of procedural keyframes in random styles (palette
 * × texture × outline) with captions, the frozen MiniLM features of every caption computed once,
 * then rectified-flow steps (SD3's logit-normal t, MSE to ε − x₀), the caption replaced by the empty
 * prompt with probability {@code dropText} for classifier-free guidance.
 *
 * <p>Captions describe the style in words for a fraction {@code describeStyle} of the images
 * ("a picture in dark tones, grain texture, thick outlines style: at the forest, …") and say
 * nothing about it otherwise ("a picture: at the forest, …"). The style keywords (noir, dream,
 * comic, vintage) never occur: only textual inversion ties a keyword to a look.
 */
public final class KeyframeTraining {
  /**
   * @param steps optimiser steps
   * @param batch images per step
   * @param pool distinct rendered images (and captions) drawn from at random
   * @param lr AdamW peak learning rate (linear warm-up over the first 5% of steps)
   * @param dropText probability of the empty prompt (CFG)
   * @param describeStyle fraction of captions that describe the style in words
   * @param seed data, noise and init seed
   */
  public record Options(int steps, int batch, int pool, double lr, double dropText, double describeStyle, long seed) {
    public Options {
      if (steps < 1 || batch < 1 || pool < 1) throw new IllegalArgumentException("steps, batch and pool must be >= 1");
      if (!(lr > 0)) throw new IllegalArgumentException("learning rate must be > 0");
      if (dropText < 0 || dropText >= 1 || describeStyle < 0 || describeStyle > 1) throw new IllegalArgumentException("probabilities must lie in [0, 1)");
    }
  }

  /** Called after every step. */
  public interface Progress {
    void step(int step, double loss);
  }

  private KeyframeTraining() {}

  /** The caption of a training keyframe. */
  public static String caption(Plot.Frame f, StoryWorld.Style style, boolean describe) {
    return describe ? "a picture in " + style.description() + " style: " + f.description() : "a picture: " + f.description();
  }

  /** Images (3, S, S) in [0, 1] → one (N, 3, S, S) batch in [−1, 1]. */
  public static Tensor toSigned(List<BufferedImage> images) {
    TensorVector v = new TensorVector();
    for (BufferedImage img : images) v.push_back(Images.toTensor(img));
    return torch.stack(v).mul(new Scalar(2.0)).sub(new Scalar(1.0));
  }

  /** Trains in place; returns the loss of every step. */
  public static double[] train(KeyframeDit model, TextFeatures text, Options o, Progress progress) {
    return train(model, text, o, progress, Precision.F32);
  }

  /** As above with the forward passes in {@code precision} (weights and optimizer state stay float32). */
  public static double[] train(KeyframeDit model, TextFeatures text, Options o, Progress progress, Precision precision) {
    SplittableRandom rng = new SplittableRandom(o.seed());
    int s = model.config().imageSize();
    List<BufferedImage> images = new ArrayList<>();
    List<String> captions = new ArrayList<>();
    for (int i = 0; i < o.pool(); i++) {
      Plot.Frame f = KeyframeRenderer.randomFrame(rng);
      StoryWorld.Style st = KeyframeRenderer.randomStyle(rng);
      images.add(KeyframeRenderer.render(f, st, s, rng.nextLong()));
      captions.add(caption(f, st, rng.nextDouble() < o.describeStyle()));
    }
    return train(model, text, images, captions, o, progress, precision, rng);
  }

  /**
   * Trains in place on the given images and captions (e.g. one image, to see that the model can give
   * it back); {@code o.pool()} is not used. Returns the loss of every step.
   */
  public static double[] train(KeyframeDit model, TextFeatures text, List<BufferedImage> images, List<String> captions, Options o, Progress progress,
      Precision precision) {
    return train(model, text, images, captions, o, progress, precision, new SplittableRandom(o.seed()));
  }

  private static double[] train(KeyframeDit model, TextFeatures text, List<BufferedImage> images, List<String> captions, Options o, Progress progress,
      Precision precision, SplittableRandom rng) {
    if (images.isEmpty() || images.size() != captions.size()) throw new IllegalArgumentException("training needs images with one caption each");
    int pool = images.size();
    Tensor x0All = toSigned(images); // (P, 3, S, S)
    List<TextFeatures.Encoded> chunks = new ArrayList<>();
    for (int i = 0; i < pool; i += 64) chunks.add(text.encode(captions.subList(i, Math.min(pool, i + 64)))); // long-lived, outside scopes
    TextFeatures.Encoded all = new TextFeatures.Encoded(cat(chunks, 0), cat(chunks, 1), cat(chunks, 2)); // (P, L, d) …
    TextFeatures.Encoded nul = text.nullCondition(o.batch());
    AdamW opt = new AdamW(model.namedParameters(), new AdamConfig(o.lr(), 0.9, 0.999, 1e-8, 0.0));
    TimeSampler times = new TimeSampler.LogitNormal(0, 1);
    double[] losses = new double[o.steps()];
    int warm = Math.max(1, o.steps() / 20);
    for (int step = 0; step < o.steps(); step++) {
      opt.setLearningRate(o.lr() * Math.min(1.0, (step + 1.0) / warm));
      try (PointerScope scope = new PointerScope()) {
        long[] idx = new long[o.batch()];
        float[] ts = new float[o.batch()];
        boolean[] drop = new boolean[o.batch()];
        for (int b = 0; b < o.batch(); b++) {
          idx[b] = rng.nextInt(pool);
          ts[b] = (float) times.sample(rng);
          drop[b] = rng.nextDouble() < o.dropText();
        }
        Tensor ix = Tensor.create(idx);
        Tensor x0 = x0All.index_select(0, ix); // (B, 3, S, S)
        TextFeatures.Encoded c = mix(all.select(ix), nul, drop);
        Tensor t = Tensor.create(ts); // (B)
        Tensor eps = torch.randn_like(x0);
        Tensor zt = RectifiedFlow.interpolate(x0, eps, t);
        Tensor loss;
        try (Precision.Region cast = precision.autocast()) {
          loss = RectifiedFlow.loss(model.forward(zt, t, c).to(torch.ScalarType.Float), x0, eps); // squared error in float32
        }
        opt.zeroGrad();
        NativeExit.backward(loss, precision);
        opt.step();
        losses[step] = loss.item_double();
      }
      if (progress != null) progress.step(step + 1, losses[step]);
    }
    return losses;
  }

  private static Tensor cat(List<TextFeatures.Encoded> chunks, int part) {
    TensorVector v = new TensorVector();
    for (TextFeatures.Encoded e : chunks) v.push_back(part == 0 ? e.tokens() : part == 1 ? e.mask() : e.pooled());
    return torch.cat(v, 0);
  }

  /** Rows where {@code drop} is true replaced by the null condition. */
  static TextFeatures.Encoded mix(TextFeatures.Encoded c, TextFeatures.Encoded nul, boolean[] drop) {
    float[] m = new float[drop.length];
    boolean any = false;
    for (int i = 0; i < drop.length; i++) {
      m[i] = drop[i] ? 1f : 0f;
      any |= drop[i];
    }
    if (!any) return c;
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor d = Tensor.create(m); // (B)
      Tensor d3 = d.view(-1, 1, 1), d2 = d.view(-1, 1);
      Tensor tokens = c.tokens().mul(d3.neg().add(new Scalar(1.0))).add(nul.tokens().mul(d3));
      Tensor mask = c.mask().to(torch.ScalarType.Float).mul(d2.neg().add(new Scalar(1.0))).add(nul.mask().to(torch.ScalarType.Float).mul(d2))
          .to(torch.ScalarType.Long);
      Tensor pooled = c.pooled().mul(d2.neg().add(new Scalar(1.0))).add(nul.pooled().mul(d2));
      return new TextFeatures.Encoded(tokens, mask, pooled);
    }
  }
}
