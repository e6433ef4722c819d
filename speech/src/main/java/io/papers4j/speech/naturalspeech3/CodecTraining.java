package io.papers4j.speech.naturalspeech3;

import io.papers4j.core.tensor.NativeExit;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.optim.GradClip;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tensor.Precision;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.speech.data.SpeechCorpus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Codec training, script-like: random crops, every loss of {@link Facodec#losses}, detail dropout
 * drawn per utterance, AdamW (lr 1e-3, betas 0.9/0.99 as in DAC-style codecs, no decay), linear
 * warm-up then cosine decay, gradient clip 1.0. Returns the mean losses of the last 10% of steps.
 */
public final class CodecTraining {
  /**
   * @param steps optimizer steps
   * @param batch crops per step
   * @param cropFrames frames per crop (112 = 1.4 s); keep it well above the decoder's receptive field
   *     ({@link Facodec#decoderReach()} frames each side), or training never sees a frame free of
   *     the zero padding that whole utterances lack
   * @param lr peak learning rate
   * @param grlMax gradient-reversal coefficient λ reached after the warm-up
   * @param grlWarmup fraction of the steps over which λ rises linearly from 0 to {@code grlMax}
   *     (0: λ = grlMax from the first step)
   * @param timbreElsewhere take each crop's timbre vector from another utterance of the same speaker
   *     (true) or from the crop itself (false, the released code's routing)
   */
  public record Recipe(int steps, int batch, int cropFrames, double lr, double grlMax, double grlWarmup, boolean timbreElsewhere) {
    public Recipe {
      if (steps < 1 || batch < 1 || cropFrames < 4) throw new IllegalArgumentException("codec recipe: steps, batch >= 1, crop >= 4 frames");
      if (!(grlMax >= 0) || !(grlWarmup >= 0 && grlWarmup <= 1)) throw new IllegalArgumentException("codec recipe: GRL λ >= 0, warm-up in [0, 1]");
    }

    /** The default gradient-reversal schedule and timbre source. */
    public Recipe(int steps, int batch, int cropFrames, double lr) {
      this(steps, batch, cropFrames, lr, DEFAULT_GRL_MAX, DEFAULT_GRL_WARMUP, DEFAULT_TIMBRE_ELSEWHERE);
    }

    /** λ at {@code step}. */
    public double grlLambda(int step) {
      if (grlWarmup == 0) return grlMax;
      return grlMax * Math.min(1.0, step / (grlWarmup * steps));
    }
  }

  /** Default λ schedule: see docs/naturalspeech3.md for the probe that chose it. */
  public static final double DEFAULT_GRL_MAX = Facodec.GRL_LAMBDA, DEFAULT_GRL_WARMUP = 0.0;
  /** Default timbre source: see docs/naturalspeech3.md for the memorisation probe that chose it. */
  public static final boolean DEFAULT_TIMBRE_ELSEWHERE = false;

  /**
   * @param lossCurve the total loss per step
   * @param partCurves every named loss of {@link Facodec#losses} per step (including the diagnostics
   *     outside the total, such as each speaker head's own cross-entropy)
   */
  public record Run(Facodec model, List<Double> lossCurve, Map<String, List<Double>> partCurves, Map<String, Double> finalLosses,
      double seconds) {}

  private CodecTraining() {}

  public static Run train(FacodecConfig config, List<SpeechCorpus.Utt> train, Recipe r, long seed, String label) {
    return train(config, train, r, seed, label, Precision.F32);
  }

  /** As above with the forward passes in {@code precision} (weights and optimizer state stay float32). */
  public static Run train(FacodecConfig config, List<SpeechCorpus.Utt> train, Recipe r, long seed, String label, Precision precision) {
    Engine.init();
    Engine.seed(seed);
    Facodec model = new Facodec(config, seed);
    AdamW opt = new AdamW(model.namedParameters(), new AdamConfig(r.lr(), 0.9, 0.99, 1e-8, 0.0));
    // under the confusion objective the codec, the speaker heads and the confusion gradient are clipped apart
    boolean apart = config.factorised() && config.grlSpeaker() && config.speakerObjective().equals("confusion");
    java.util.Set<String> headNames = model.speakerAdversaryParameterNames();
    List<Tensor> codecParams = new ArrayList<>(), headParams = new ArrayList<>();
    model.namedParameters().forEach((k, v) -> (headNames.contains(k) ? headParams : codecParams).add(v));
    Map<String, List<Double>> partCurves = new java.util.LinkedHashMap<>();
    Random rnd = new Random(seed);
    List<Double> curve = new ArrayList<>();
    Map<String, Double> tail = new java.util.LinkedHashMap<>();
    int tailFrom = r.steps() - Math.max(1, r.steps() / 10);
    int warm = Math.max(1, r.steps() / 20);
    long t0 = System.nanoTime();
    try (ProgressBar bar = new ProgressBar(label, r.steps(), "s-audio")) {
      for (int step = 0; step < r.steps(); step++) {
        double lr = step < warm ? r.lr() * (step + 1) / warm
            : r.lr() * 0.5 * (1 + Math.cos(Math.PI * (step - warm) / Math.max(1, r.steps() - warm)));
        opt.setLearningRate(lr);
        model.grlLambda = r.grlLambda(step);
        // the probe adversary's classifier is refitted on whole utterances of the current codec, outside the step's graph
        if (model.speakerProbe != null && config.grlSpeaker() && model.speakerProbe.due(step)) model.speakerProbe.refit(model, train, step, seed);
        try (PointerScope scope = new PointerScope()) {
          Facodec.Batch b = Batches.crops(train, r.batch(), r.cropFrames(), rnd, r.timbreElsewhere() && config.factorised());
          float[] keepV = new float[r.batch()];
          for (int i = 0; i < keepV.length; i++) keepV[i] = rnd.nextDouble() < config.detailDropout() ? 0f : 1f;
          Tensor keep = Batches.floats(keepV, r.batch());
          opt.zeroGrad();
          Map<String, Tensor> losses;
          try (Precision.Region cast = precision.autocast()) {
            losses = model.losses(b, keep);
          }
          Tensor confusion = losses.get(Facodec.SPEAKER_CONFUSION);
          org.bytedeco.pytorch.TensorVector confusionGrads = apart && confusion != null
              ? gradients(confusion, codecParams, precision) : null; // before the main pass frees the graph
          NativeExit.backward(losses.get("total"), precision);
          if (apart) {
            GradClip.clipGlobalNorm(codecParams, 1.0);
            GradClip.clipGlobalNorm(headParams, 1.0);
            if (confusionGrads != null) addClipped(codecParams, confusionGrads, model.speakerConfusionWeight());
          } else {
            GradClip.clipGlobalNorm(model.namedParameters().values(), 1.0);
          }
          opt.step();
          double total = losses.get("total").item_float();
          if (!Double.isFinite(total)) {
            StringBuilder parts = new StringBuilder();
            for (Map.Entry<String, Tensor> e : losses.entrySet()) parts.append(' ').append(e.getKey()).append('=').append(e.getValue().item_float());
            throw new IllegalStateException(label + ": loss became " + total + " at step " + step + " (" + parts.toString().trim() + ")");
          }
          curve.add(total);
          for (Map.Entry<String, Tensor> e : losses.entrySet()) {
            partCurves.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add((double) e.getValue().item_float());
          }
          if (step >= tailFrom) {
            for (Map.Entry<String, Tensor> e : losses.entrySet()) {
              tail.merge(e.getKey(), (double) e.getValue().item_float() / (r.steps() - tailFrom), Double::sum);
            }
          }
          bar.update(step + 1, total, (long) r.batch() * r.cropFrames() * SpeechCorpus.HOP / 16000,
              "mel", String.format("%.3f", losses.get("mel_l1").item_float()));
        }
      }
    }
    return new Run(model, curve, partCurves, tail, (System.nanoTime() - t0) / 1e9);
  }

  /** d loss / d params without touching their .grad, keeping the graph for the main backward pass (undefined where unused). */
  static org.bytedeco.pytorch.TensorVector gradients(Tensor loss, List<Tensor> params, Precision precision) {
    try (NativeExit.Step gate = NativeExit.step();
        io.papers4j.core.tensor.Engine.OneDnn k = precision == Precision.BF16 ? io.papers4j.core.tensor.Engine.oneDnn() : null) {
      return torch.grad(new org.bytedeco.pytorch.TensorVector(loss), new org.bytedeco.pytorch.TensorVector(params.toArray(new Tensor[0])),
          new org.bytedeco.pytorch.TensorVector(), new org.bytedeco.pytorch.BoolOptional(true), false, true);
    }
  }

  /**
   * Adds {@code weight} × g to each parameter's gradient, with g clipped on its own to global norm 1:
   * the confusion gradient can then move the codes at most {@code weight} times as far as the codec's
   * own clipped gradient, and cannot starve the other losses under a shared clip (docs probe 11).
   *
   * @return ‖g‖ before clipping
   */
  static double addClipped(List<Tensor> params, org.bytedeco.pytorch.TensorVector grads, double weight) {
    double sq = 0;
    for (long i = 0; i < grads.size(); i++) {
      Tensor g = grads.get(i);
      if (g.defined()) sq += Math.pow(g.norm().item_double(), 2);
    }
    double norm = Math.sqrt(sq), coef = weight * Math.min(1.0, 1.0 / (norm + 1e-6));
    try (org.bytedeco.pytorch.NoGradGuard ng = new org.bytedeco.pytorch.NoGradGuard()) {
      for (int i = 0; i < params.size(); i++) {
        Tensor g = grads.get(i);
        if (!g.defined()) continue;
        Tensor p = params.get(i).mutable_grad();
        if (p.defined()) p.add_(g.mul(new org.bytedeco.pytorch.Scalar(coef)));
        else params.get(i).mutable_grad().put(g.mul(new org.bytedeco.pytorch.Scalar(coef)));
      }
    }
    return norm;
  }

  /** Mean mel L1 over whole utterances, with or without detail codes (no gradient). */
  public static double melL1(Facodec m, List<SpeechCorpus.Utt> utts, boolean withDetail) {
    double s = 0;
    try (org.bytedeco.pytorch.NoGradGuard g = new org.bytedeco.pytorch.NoGradGuard()) {
      for (SpeechCorpus.Utt u : utts) {
        try (PointerScope scope = new PointerScope()) {
          Facodec.Batch b = Batches.whole(u);
          Facodec.Encoded e = m.encode(b.wave());
          Tensor mel = m.config.factorised()
              ? m.decode(e.zp(), e.zc(), withDetail ? e.zd() : null, null, e.timbre())
              : m.decode(null, null, e.zd(), null, null);
          s += torch.l1_loss(mel, b.mel()).item_float();
        }
      }
    }
    return s / utts.size();
  }
}
