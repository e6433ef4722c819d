package io.papers4j.multimodal.movie;

import io.papers4j.core.tensor.NativeExit;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.tensor.Precision;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Data, training and greedy answering for {@link VideoQa}, as a script. A video is its frames
 * (n, 3, S, S) in [−1, 1]; an example is one question about one video. The text of a sequence is
 *
 * <pre>[&lt;pad&gt; … question] &lt;sep&gt; answer &lt;eos&gt; &lt;pad&gt; …   (Q + 1 + A words)</pre>
 *
 * with the loss on the answer and {@code <eos>} only. AdamW, weight decay 0.1, cosine decay.
 */
public final class VideoQaTraining {
  /** A video's frames (n, 3, S, S) in [−1, 1] and one question about it. */
  public record Example(Tensor frames, Plot.Qa qa) {}

  /** Called after every step. */
  public interface Progress {
    void step(int step, double loss);
  }

  private VideoQaTraining() {}

  /** Every QA of {@code qa} about the video {@code frames}, as examples sharing one frame tensor. */
  public static List<Example> examples(List<BufferedImage> frames, List<Plot.Qa> qa) {
    Tensor t = KeyframeTraining.toSigned(frames); // (n, 3, S, S)
    List<Example> out = new ArrayList<>();
    for (Plot.Qa q : qa) out.add(new Example(t, q));
    return out;
  }

  /** Batch tensors: frames (B, N, 3, S, S), valid (B, N), question (B, Q), ids (B, T), targets (B, T). */
  record Batch(Tensor frames, Tensor valid, Tensor question, Tensor ids, Tensor targets) {}

  static Batch batch(VideoQa model, QaVocab vocab, List<Example> xs) {
    VideoQaConfig c = model.config();
    int b = xs.size(), nMax = c.maxFrames(), q = c.maxQuestion(), a = c.maxAnswer(), t = q + 1 + a;
    int s = c.frameSize();
    Tensor frames = torch.zeros(b, nMax, 3, s, s);
    float[] valid = new float[b * nMax];
    long[] question = new long[b * q], ids = new long[b * t], targets = new long[b * t];
    java.util.Arrays.fill(targets, -100);
    for (int i = 0; i < b; i++) {
      Example x = xs.get(i);
      long n = x.frames().size(0);
      if (n > nMax) throw new IllegalArgumentException("a video has " + n + " frames; the model takes at most " + nMax);
      if (x.frames().size(2) != s) throw new IllegalArgumentException("frames are " + x.frames().size(2) + " px; the model takes " + s);
      frames.select(0, i).narrow(0, 0, n).copy_(x.frames());
      for (int f = 0; f < n; f++) valid[i * nMax + f] = 1;
      long[] qw = vocab.encode(x.qa().question()), aw = vocab.encode(x.qa().answer());
      if (qw.length > q) qw = java.util.Arrays.copyOfRange(qw, qw.length - q, qw.length);
      if (aw.length > a - 1) aw = java.util.Arrays.copyOf(aw, a - 1);
      for (int j = 0; j < qw.length; j++) question[i * q + q - qw.length + j] = qw[j];
      System.arraycopy(question, i * q, ids, i * t, q);
      ids[i * t + q] = QaVocab.SEP;
      for (int j = 0; j < aw.length; j++) ids[i * t + q + 1 + j] = aw[j];
      ids[i * t + q + 1 + aw.length] = QaVocab.EOS;
      for (int j = 0; j <= aw.length; j++) targets[i * t + q + j] = ids[i * t + q + 1 + j]; // position q+j predicts the next word
    }
    return new Batch(frames, Tensor.create(valid).view(b, nMax), Tensor.create(question).view(b, q), Tensor.create(ids).view(b, t),
        Tensor.create(targets).view(b, t));
  }

  /** Trains in place for {@code steps} batches drawn uniformly from {@code data}; returns the losses. */
  public static double[] train(VideoQa model, QaVocab vocab, List<Example> data, int steps, int batch, double lr, long seed, Progress progress) {
    return train(model, vocab, data, steps, batch, lr, seed, progress, Precision.F32);
  }

  /** As above with the forward passes in {@code precision} (weights and optimizer state stay float32). */
  public static double[] train(VideoQa model, QaVocab vocab, List<Example> data, int steps, int batch, double lr, long seed, Progress progress,
      Precision precision) {
    if (data.isEmpty()) throw new IllegalArgumentException("no training examples");
    SplittableRandom rng = new SplittableRandom(seed);
    AdamW opt = new AdamW(model.namedParameters(), new AdamConfig(lr, 0.9, 0.95, 1e-8, 0.1));
    double[] losses = new double[steps];
    int warm = Math.max(1, steps / 20);
    for (int step = 0; step < steps; step++) {
      opt.setLearningRate(step < warm ? lr * (step + 1) / warm : lr * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * (step - warm) / Math.max(1, steps - warm)))));
      try (PointerScope scope = new PointerScope()) {
        List<Example> xs = new ArrayList<>();
        for (int i = 0; i < batch; i++) xs.add(data.get(rng.nextInt(data.size())));
        Batch bt = batch(model, vocab, xs);
        Tensor loss;
        try (Precision.Region cast = precision.autocast()) {
          Tensor logits = model.textLogits(bt.frames(), bt.valid(), bt.question(), bt.ids()).to(torch.ScalarType.Float); // (B, T, V)
          loss = torch.cross_entropy(logits.reshape(-1, logits.size(-1)), bt.targets().reshape(-1));
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

  /** Greedy answers (at most maxAnswer − 1 words) to every example. */
  public static List<String> answer(VideoQa model, QaVocab vocab, List<Example> xs) {
    List<String> out = new ArrayList<>();
    VideoQaConfig c = model.config();
    int q = c.maxQuestion();
    try (NoGradGuard g = new NoGradGuard()) {
      for (int start = 0; start < xs.size(); start += 32) {
        try (PointerScope scope = new PointerScope()) {
          List<Example> part = xs.subList(start, Math.min(xs.size(), start + 32));
          Batch bt = batch(model, vocab, part);
          Tensor ids = bt.ids().narrow(1, 0, q + 1); // question + <sep>
          long[][] words = new long[part.size()][c.maxAnswer() - 1];
          for (int k = 0; k < c.maxAnswer() - 1; k++) {
            Tensor logits = model.textLogits(bt.frames(), bt.valid(), bt.question(), ids); // (B, T', V)
            Tensor next = logits.select(1, ids.size(1) - 1).argmax(new LongOptional(-1), false); // (B)
            for (int i = 0; i < part.size(); i++) words[i][k] = next.select(0, i).item_long();
            ids = torch.cat(new TensorVector(ids, next.unsqueeze(1)), 1);
          }
          for (long[] w : words) out.add(vocab.decode(w));
        }
      }
    }
    return out;
  }

  /** (type, predicted, reference) for every example, for {@link QaGrader#byType}. */
  public static List<String[]> grade(VideoQa model, QaVocab vocab, List<Example> xs) {
    List<String> pred = answer(model, vocab, xs);
    List<String[]> out = new ArrayList<>();
    for (int i = 0; i < xs.size(); i++) out.add(new String[] {xs.get(i).qa().type(), pred.get(i), xs.get(i).qa().answer()});
    return out;
  }
}
