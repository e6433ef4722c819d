package io.papers4j.lm.reasoning;

import io.papers4j.core.tensor.Precision;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.optim.WeightDecay;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * Supervised fine-tuning on (prompt, completion) pairs: next-token cross entropy on the completion
 * only (prompt and padding are ignored, target -100). Used for SFT on gold solutions, for the
 * refits of expert iteration and for RCRL (prompts that end in a return token).
 */
public final class Sft {
  private Sft() {}

  /** A training pair: prompt ids and completion ids (the completion ends with EOS). */
  public record Example(long[] prompt, long[] completion) {}

  /**
   * Fit settings: steps, batch size, peak learning rate, the forward passes' precision (f32; bf16 =
   * CPU autocast with float32 weights and AdamW state), and an optional decay. The learning rate
   * warms up linearly over the first 5% of the steps, stays at its peak, and when {@code decaySteps
   * > 0} falls linearly from step {@code decayFrom} over {@code decaySteps} steps to {@link
   * #DECAY_FLOOR} of the peak, where it stays: training goes on at the floor, so a run continued past
   * the decay keeps fitting its training set (the over-trained SFT arm).
   */
  public record Fit(int steps, int batch, double lr, long seed, Precision precision, int decayFrom, int decaySteps) {
    /** Fraction of the peak learning rate left after the decay. */
    public static final double DECAY_FLOOR = 0.1;

    public Fit {
      if (steps < 0 || batch < 1 || !(lr > 0)) throw new IllegalArgumentException("bad fit settings: " + steps + " steps, batch " + batch + ", lr " + lr);
      if (decayFrom < 0 || decaySteps < 0) throw new IllegalArgumentException("bad learning-rate decay: from step " + decayFrom + " over " + decaySteps + " steps");
      if (precision == null) precision = Precision.F32;
    }

    /** Constant learning rate after the warm-up. */
    public Fit(int steps, int batch, double lr, long seed, Precision precision) {
      this(steps, batch, lr, seed, precision, 0, 0);
    }

    /** float32 settings, constant learning rate after the warm-up. */
    public Fit(int steps, int batch, double lr, long seed) {
      this(steps, batch, lr, seed, Precision.F32);
    }

    /** The same settings with a linear decay from step {@code from} over {@code over} steps (0 = none). */
    public Fit withDecay(int from, int over) {
      return new Fit(steps, batch, lr, seed, precision, from, over);
    }

    /** Learning rate of step {@code step} (0-based). */
    public double learningRate(int step) {
      int warm = Math.max(1, steps / 20);
      double rate = lr * Math.min(1.0, (step + 1.0) / warm);
      if (decaySteps > 0 && step >= decayFrom) rate *= 1.0 - (1.0 - DECAY_FLOOR) * Math.min(1.0, (step - decayFrom + 1.0) / decaySteps);
      return rate;
    }
  }

  /** The tiny reasoning LLaMA: 2 layers, C = 128, 4 heads, F = 352, character vocabulary, 512 positions. */
  public static LlamaConfig tinyConfig() {
    return LlamaConfig.llama(CharTokenizer.VOCAB, 128, 352, 2, 4, 4, 512, 1e-5, 10000.0, true);
  }

  /** Prompt ids of a question: the question, a newline, and for RCRL a return token. */
  public static long[] prompt(String question, Integer returnToken) {
    long[] q = CharTokenizer.encode(question + "\n");
    if (returnToken == null) return q;
    long[] p = java.util.Arrays.copyOf(q, q.length + 1);
    p[q.length] = returnToken;
    return p;
  }

  /** Completion ids of a solution text: the text then EOS. */
  public static long[] completion(String solution) {
    long[] s = CharTokenizer.encode(solution);
    long[] c = java.util.Arrays.copyOf(s, s.length + 1);
    c[s.length] = CharTokenizer.EOS;
    return c;
  }

  /** Gold examples of problems. */
  public static List<Example> gold(List<Problem> problems) {
    List<Example> out = new ArrayList<>();
    for (Problem p : problems) out.add(new Example(prompt(p.question(), null), completion(p.solution())));
    return out;
  }

  /** Called after every step (1-based count); returning true ends the fit there. */
  public interface StepListener {
    boolean afterStep(int steps, double loss);
  }

  /** Trains {@code model} in place; returns the mean loss of the last 10% of steps. */
  public static double fit(LlamaModel model, List<Example> data, Fit fit, ProgressBar bar) {
    return fit(model, data, fit, bar, null);
  }

  /**
   * As above, calling {@code listener} after every step (it may evaluate the model and stop the
   * fit early); the tail loss is then the mean of the last 10% of the steps planned.
   */
  public static double fit(LlamaModel model, List<Example> data, Fit fit, ProgressBar bar, StepListener listener) {
    if (data.isEmpty()) throw new IllegalArgumentException("no training examples");
    AdamW opt = new AdamW(model.namedParameters(), AdamConfig.llama(fit.lr()).withWeightDecay(0.0), WeightDecay.EXCLUDE_NORMS_BIASES_EMBEDDINGS);
    SplittableRandom rng = new SplittableRandom(fit.seed());
    double tail = 0;
    int tailN = 0;
    for (int step = 0; step < fit.steps(); step++) {
      opt.setLearningRate(fit.learningRate(step));
      List<Example> batch = new ArrayList<>(fit.batch());
      for (int i = 0; i < fit.batch(); i++) batch.add(data.get(rng.nextInt(data.size())));
      double loss;
      try (PointerScope scope = new PointerScope()) {
        Tensor[] xy = batchTensors(batch);
        opt.zeroGrad();
        Tensor l;
        try (Precision.Region cast = fit.precision().autocast()) {
          l = model.loss(xy[0], xy[1]); // float32 loss
        }
        fit.precision().backward(l);
        opt.step();
        loss = l.item_double();
      }
      if (step >= fit.steps() - Math.max(1, fit.steps() / 10)) {
        tail += loss;
        tailN++;
      }
      if (bar != null) bar.update(step + 1, loss, fit.batch());
      if (listener != null && listener.afterStep(step + 1, loss)) break;
    }
    return tailN == 0 ? Double.NaN : tail / tailN;
  }

  /**
   * Inputs (B, L) and targets (B, L) of a batch: row = prompt ++ completion, right-padded; the
   * target of position t is token t+1 when that token belongs to the completion, else -100.
   */
  static Tensor[] batchTensors(List<Example> batch) {
    int l = 0;
    for (Example e : batch) l = Math.max(l, e.prompt().length + e.completion().length - 1);
    long[] x = new long[batch.size() * l];
    long[] y = new long[batch.size() * l];
    java.util.Arrays.fill(y, -100);
    for (int r = 0; r < batch.size(); r++) {
      Example e = batch.get(r);
      int p = e.prompt().length;
      int n = p + e.completion().length;
      for (int t = 0; t < n - 1; t++) {
        x[r * l + t] = t < p ? e.prompt()[t] : e.completion()[t - p];
        if (t + 1 >= p) y[r * l + t] = e.completion()[t + 1 - p];
      }
    }
    return new Tensor[] {Tensor.create(x).view(batch.size(), l), Tensor.create(y).view(batch.size(), l)};
  }

  /** Copies every parameter of {@code src} into {@code dst} (same config). */
  public static void copyWeights(LlamaModel src, LlamaModel dst) {
    Map<String, Tensor> s = src.namedParameters();
    try (NoGradGuard g = new NoGradGuard()) {
      dst.namedParameters().forEach((k, v) -> v.copy_(s.get(k)));
    }
  }
}
