package io.papers4j.speech.naturalspeech3;

import io.papers4j.core.tensor.NativeExit;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.speech.data.SpeechCorpus;
import io.papers4j.speech.naturalspeech3.Layers.Conv;
import io.papers4j.speech.naturalspeech3.Layers.ResUnit;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The in-project evaluation proxies (named as such in every report; the paper uses WavLM-TDNN
 * speaker similarity and a HuBERT/Whisper ASR): a log-mel classifier that is either a speaker
 * classifier (conv stack, mean over time, linear → speaker; its pooled hidden vector is the
 * speaker embedding for cosine similarity) or a frame-level phone recogniser (conv stack → phone
 * per frame). Both are trained here on the ground-truth log-mels of the training speech.
 */
public final class MelClassifier implements Parameterized {
  final boolean utteranceLevel;
  final Conv in;
  final List<ResUnit> units;
  final Linear out;

  public MelClassifier(boolean utteranceLevel, int mels, int hidden, int classes, long seed) {
    this.utteranceLevel = utteranceLevel;
    Init init = Init.normal(seed, 0.02);
    in = new Conv(init, mels, hidden, 5, 1, 1);
    units = List.of(new ResUnit(init, hidden, 5, 1), new ResUnit(init, hidden, 5, 2), new ResUnit(init, hidden, 5, 4));
    out = Layers.linear(init, hidden, classes);
  }

  /** Hidden features: utterance level (B, H) or frame level (B, T, H), from log-mel (B, T, M). */
  public Tensor features(Tensor mel) {
    Tensor x = in.forward(mel.add(new Scalar(5)).div(new Scalar(4)).transpose(1, 2)); // (B, H, T)
    for (ResUnit u : units) x = u.forward(x);
    x = x.transpose(1, 2); // (B, T, H)
    return utteranceLevel ? x.mean(new long[] {1}, false, new org.bytedeco.pytorch.ScalarTypeOptional()) : x;
  }

  public Tensor logits(Tensor mel) {
    return out.forward(features(mel));
  }

  /** Trains on random crops of ground-truth log-mels; speakers or phones as targets. */
  public static MelClassifier train(List<SpeechCorpus.Utt> data, boolean speaker, int classes, int steps, long seed,
      String label) {
    Engine.seed(seed);
    MelClassifier m = new MelClassifier(speaker, 80, 96, classes, seed);
    AdamW opt = new AdamW(m.namedParameters(), new AdamConfig(2e-3, 0.9, 0.99, 1e-8, 0.0));
    Random rnd = new Random(seed);
    try (ProgressBar bar = new ProgressBar(label, steps, "crop")) {
      for (int s = 0; s < steps; s++) {
        opt.setLearningRate(2e-3 * (1 - s / (double) steps));
        try (PointerScope scope = new PointerScope()) {
          Facodec.Batch b = Batches.crops(data, 16, 48, rnd);
          opt.zeroGrad();
          Tensor lg = m.logits(b.mel());
          Tensor loss = speaker ? torch.cross_entropy_loss(lg, b.speaker())
              : torch.cross_entropy_loss(lg.reshape(-1, classes), b.phones().reshape(-1));
          NativeExit.backward(loss);
          opt.step();
          bar.update(s + 1, loss.item_float(), 16);
        }
      }
    }
    return m;
  }

  /** Predicted class of a whole utterance's log-mel (T, M) (speaker classifier). */
  public int predictSpeaker(float[][] mel) {
    try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
      return (int) logits(melTensor(mel)).argmax().item_long();
    }
  }

  /** Speaker embedding (hidden vector) of a log-mel (T, M). */
  public float[] embed(float[][] mel) {
    try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
      return Batches.rows(features(melTensor(mel)))[0];
    }
  }

  /** Phone per frame of a log-mel (T, M) (phone recogniser). */
  public int[] predictPhones(float[][] mel) {
    try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
      Tensor a = logits(melTensor(mel)).argmax(new org.bytedeco.pytorch.LongOptional(-1), false).reshape(-1);
      long[] v = new long[(int) a.size(0)];
      a.contiguous().data_ptr_long().get(v);
      int[] out = new int[v.length];
      for (int i = 0; i < v.length; i++) out[i] = (int) v[i];
      return out;
    }
  }

  static Tensor melTensor(float[][] mel) {
    int t = mel.length, k = mel[0].length;
    float[] flat = new float[t * k];
    for (int i = 0; i < t; i++) System.arraycopy(mel[i], 0, flat, i * k, k);
    return Batches.floats(flat, 1, t, k);
  }

  public static double cosine(float[] a, float[] b) {
    double d = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      d += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return d / Math.sqrt(Math.max(na * nb, 1e-20));
  }

  /**
   * Phone error rate: Levenshtein distance between the collapsed recognised and reference phone
   * sequences ({@link #collapse}), divided by the reference length.
   *
   * <p>Both arguments are FRAME labels (one phone id per 12.5 ms mel frame, 0 for silence, as
   * {@link #predictPhones} and {@code SpeechCorpus.Utt.phones()} give them), not phone sequences:
   * the collapse drops one-frame runs as flicker, so a plain sequence of phones (each a run of one)
   * would collapse to nothing.
   *
   * @param hyp recognised frame labels
   * @param ref reference frame labels
   */
  public static double phoneErrorRate(int[] hyp, int[] ref) {
    int[] h = collapse(hyp), r = collapse(ref);
    int[][] d = new int[h.length + 1][r.length + 1];
    for (int i = 0; i <= h.length; i++) d[i][0] = i;
    for (int j = 0; j <= r.length; j++) d[0][j] = j;
    for (int i = 1; i <= h.length; i++) {
      for (int j = 1; j <= r.length; j++) {
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + (h[i - 1] == r[j - 1] ? 0 : 1));
      }
    }
    return d[h.length][r.length] / (double) Math.max(1, r.length);
  }

  /**
   * Run-length collapse without silence; runs of a single frame (12.5 ms, shorter than any espeak-ng
   * phone at these speeds) are dropped first, so frame-level flicker is not counted as insertions.
   */
  static int[] collapse(int[] s) {
    java.util.List<Integer> out = new java.util.ArrayList<>();
    int i = 0;
    while (i < s.length) {
      int j = i;
      while (j < s.length && s[j] == s[i]) j++;
      if (s[i] != 0 && j - i >= 2 && (out.isEmpty() || out.get(out.size() - 1) != s[i])) out.add(s[i]);
      i = j;
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Params p = new Params().add("in", in);
    for (int i = 0; i < units.size(); i++) p.add("units." + i, units.get(i));
    return p.add("out", out).map();
  }
}
