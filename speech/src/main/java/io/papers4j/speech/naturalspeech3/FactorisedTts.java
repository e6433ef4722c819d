package io.papers4j.speech.naturalspeech3;

import io.papers4j.core.tensor.NativeExit;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.optim.GradClip;
import io.papers4j.core.tensor.Precision;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.speech.data.SpeechCorpus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * Zero-shot TTS with the factorised diffusion model (duration → prosody → content → detail, each a
 * {@link MaskPredict} module with the prompt's attribute tokens as prefix; timbre from the prompt
 * through the codec's timbre extractor) and the non-factorised baseline (the same duration module,
 * then one mask-predict module over the six codes of the plain residual-VQ codec, with as many
 * layers as the three factorised code modules together, as many training steps and sampling steps).
 */
public final class FactorisedTts {
  public static final int DURATION_CLASSES = 48; // durations 1..48 frames (0.6 s), longer runs clipped

  /** Phone runs of a frame label sequence: {phone, frames}. */
  public static int[][] runs(int[] framePhones) {
    List<int[]> r = new ArrayList<>();
    for (int t = 0; t < framePhones.length; t++) {
      if (t > 0 && framePhones[t] == framePhones[t - 1] && r.get(r.size() - 1)[1] < DURATION_CLASSES) {
        r.get(r.size() - 1)[1]++;
      } else {
        r.add(new int[] {framePhones[t], 1});
      }
    }
    return r.toArray(new int[0][]);
  }

  /** Frame phones from runs (the length regulator). */
  public static int[] expand(int[][] runs) {
    int n = 0;
    for (int[] r : runs) n += r[1];
    int[] out = new int[n];
    int t = 0;
    for (int[] r : runs) for (int k = 0; k < r[1]; k++) out[t++] = r[0];
    return out;
  }

  /** An utterance as the generator sees it: frame phones and the six codes per frame. */
  public record CodedUtt(int speaker, int[] phones, int[][] codes) {}

  public final MaskPredict duration, prosody, content, detail, baseline;
  public final int phones, codebookSize;

  public FactorisedTts(int phones, int codebookSize, int dim, int layers, long seed) {
    this.phones = phones;
    this.codebookSize = codebookSize;
    int k = codebookSize, max = 1024;
    duration = new MaskPredict(new MaskPredict.Spec(new int[] {phones}, 1, DURATION_CLASSES, dim, layers, max), seed);
    prosody = new MaskPredict(new MaskPredict.Spec(new int[] {phones}, 1, k, dim, layers, max), seed + 1);
    content = new MaskPredict(new MaskPredict.Spec(new int[] {phones, k}, 2, k, dim, layers, max), seed + 2);
    detail = new MaskPredict(new MaskPredict.Spec(new int[] {phones, k, k, k}, 3, k, dim, layers, max), seed + 3);
    baseline = new MaskPredict(new MaskPredict.Spec(new int[] {phones}, 6, k, dim, 3 * layers, max), seed + 4);
  }

  // ---- sequences: the prompt is the first part of an utterance in training

  static MaskPredict.Seq durationSeq(int[][] promptRuns, int[][] targetRuns) {
    int n = promptRuns.length + targetRuns.length;
    int[][] c = new int[n][1], t = new int[n][1];
    for (int i = 0; i < n; i++) {
      int[] r = i < promptRuns.length ? promptRuns[i] : targetRuns[i - promptRuns.length];
      c[i][0] = r[0];
      t[i][0] = Math.min(r[1], DURATION_CLASSES) - 1;
    }
    return new MaskPredict.Seq(c, t, promptRuns.length);
  }

  /** cond = phone + codes[condFrom, condTo), tokens = codes[from, to). */
  static MaskPredict.Seq codeSeq(int[] phones, int[][] codes, int condTo, int from, int to, int promptLen) {
    int n = phones.length;
    int[][] c = new int[n][1 + condTo], t = new int[n][to - from];
    for (int i = 0; i < n; i++) {
      c[i][0] = phones[i];
      for (int k = 0; k < condTo; k++) c[i][1 + k] = codes[i][k];
      for (int k = from; k < to; k++) t[i][k - from] = codes[i][k];
    }
    return new MaskPredict.Seq(c, t, promptLen);
  }

  /** Trains one module on sequences built by {@code make} from random utterances. */
  static List<Double> train(MaskPredict m, List<CodedUtt> data, int steps, int batch, long seed, String label,
      Precision precision, java.util.function.BiFunction<CodedUtt, Random, MaskPredict.Seq> make) {
    AdamW opt = new AdamW(m.namedParameters(), new AdamConfig(1e-3, 0.9, 0.98, 1e-8, 0.01));
    Random rnd = new Random(seed);
    List<Double> curve = new ArrayList<>();
    int warm = Math.max(1, steps / 20);
    try (ProgressBar bar = new ProgressBar(label, steps, "seq")) {
      for (int s = 0; s < steps; s++) {
        opt.setLearningRate(s < warm ? 1e-3 * (s + 1) / warm : 1e-3 * 0.5 * (1 + Math.cos(Math.PI * (s - warm) / Math.max(1, steps - warm))));
        try (PointerScope scope = new PointerScope()) {
          List<MaskPredict.Seq> b = new ArrayList<>();
          for (int i = 0; i < batch; i++) b.add(make.apply(window(data.get(rnd.nextInt(data.size())), rnd), rnd));
          opt.zeroGrad();
          Tensor loss;
          try (Precision.Region cast = precision.autocast()) {
            loss = m.loss(b, rnd);
          }
          NativeExit.backward(loss, precision);
          GradClip.clipGlobalNorm(m.namedParameters().values(), 1.0);
          opt.step();
          curve.add((double) loss.item_float());
          bar.update(s + 1, loss.item_float(), batch);
        }
      }
    }
    return curve;
  }

  /** Longest training sequence in frames (2.5 s): attention cost grows with its square. */
  static final int TRAIN_FRAMES = 200;

  /** A random window of at most {@link #TRAIN_FRAMES} frames of an utterance. */
  static CodedUtt window(CodedUtt u, Random r) {
    int n = u.phones().length;
    if (n <= TRAIN_FRAMES) return u;
    int s = r.nextInt(n - TRAIN_FRAMES + 1);
    return new CodedUtt(u.speaker(), java.util.Arrays.copyOfRange(u.phones(), s, s + TRAIN_FRAMES),
        java.util.Arrays.copyOfRange(u.codes(), s, s + TRAIN_FRAMES));
  }

  static int promptCut(int n, Random r) {
    return (int) Math.round(n * (0.2 + 0.3 * r.nextDouble()));
  }

  /** Trains the four factorised modules for {@code steps} each and the baseline for 3 × steps. */
  public Map<String, List<Double>> trainAll(List<CodedUtt> facodec, List<CodedUtt> plain, int steps, int batch, long seed) {
    return trainAll(facodec, plain, steps, batch, seed, Precision.F32);
  }

  /** As above with the forward passes in {@code precision} (weights and optimizer state stay float32). */
  public Map<String, List<Double>> trainAll(List<CodedUtt> facodec, List<CodedUtt> plain, int steps, int batch, long seed, Precision precision) {
    Map<String, List<Double>> curves = new LinkedHashMap<>();
    curves.put("duration", train(duration, facodec, steps, batch, seed, "tts-duration", precision, (u, r) -> {
      int[][] runs = runs(u.phones());
      int cut = promptCut(runs.length, r);
      return durationSeq(java.util.Arrays.copyOf(runs, cut), java.util.Arrays.copyOfRange(runs, cut, runs.length));
    }));
    curves.put("prosody", train(prosody, facodec, steps, batch, seed + 1, "tts-prosody", precision,
        (u, r) -> codeSeq(u.phones(), u.codes(), 0, 0, 1, promptCut(u.phones().length, r))));
    curves.put("content", train(content, facodec, steps, batch, seed + 2, "tts-content", precision,
        (u, r) -> codeSeq(u.phones(), u.codes(), 1, 1, 3, promptCut(u.phones().length, r))));
    curves.put("detail", train(detail, facodec, steps, batch, seed + 3, "tts-detail", precision,
        (u, r) -> codeSeq(u.phones(), u.codes(), 3, 3, 6, promptCut(u.phones().length, r))));
    curves.put("baseline", train(baseline, plain, 3 * steps, batch, seed + 4, "tts-baseline", precision,
        (u, r) -> codeSeq(u.phones(), u.codes(), 0, 0, 6, promptCut(u.phones().length, r))));
    return curves;
  }

  /** Target durations for {@code targetPhones} (a phone per run) after the prompt's runs. */
  public int[][] durations(int[][] promptRuns, int[] targetPhones, int steps, double cfg, Random rnd) {
    int[][] pc = new int[promptRuns.length][1], pt = new int[promptRuns.length][1], tc = new int[targetPhones.length][1];
    for (int i = 0; i < promptRuns.length; i++) {
      pc[i][0] = promptRuns[i][0];
      pt[i][0] = Math.min(promptRuns[i][1], DURATION_CLASSES) - 1;
    }
    for (int i = 0; i < targetPhones.length; i++) tc[i][0] = targetPhones[i];
    int[][] d = duration.generate(pc, pt, tc, steps, cfg, 1.0, rnd);
    int[][] runs = new int[targetPhones.length][];
    for (int i = 0; i < runs.length; i++) runs[i] = new int[] {targetPhones[i], d[i][0] + 1};
    return runs;
  }

  /** Factorised generation of the six FACodec codes (T, 6) for frame phones after the prompt. */
  public int[][] generateFactorised(CodedUtt prompt, int[] framePhones, int stepsPerModule, double cfg, Random rnd) {
    int n = framePhones.length;
    int[][] codes = new int[n][6];
    int[][] pros = module(prosody, prompt, framePhones, codes, 0, 0, 1, stepsPerModule, cfg, rnd);
    for (int i = 0; i < n; i++) codes[i][0] = pros[i][0];
    int[][] cont = module(content, prompt, framePhones, codes, 1, 1, 3, stepsPerModule, cfg, rnd);
    for (int i = 0; i < n; i++) System.arraycopy(cont[i], 0, codes[i], 1, 2);
    int[][] det = module(detail, prompt, framePhones, codes, 3, 3, 6, stepsPerModule, cfg, rnd);
    for (int i = 0; i < n; i++) System.arraycopy(det[i], 0, codes[i], 3, 3);
    return codes;
  }

  /** Non-factorised generation of the baseline codec's six codes. */
  public int[][] generateBaseline(CodedUtt prompt, int[] framePhones, int steps, double cfg, Random rnd) {
    return module(baseline, prompt, framePhones, new int[framePhones.length][6], 0, 0, 6, steps, cfg, rnd);
  }

  private static int[][] module(MaskPredict m, CodedUtt prompt, int[] phones, int[][] codes, int condTo, int from,
      int to, int steps, double cfg, Random rnd) {
    MaskPredict.Seq p = codeSeq(prompt.phones(), prompt.codes(), condTo, from, to, prompt.phones().length);
    MaskPredict.Seq t = codeSeq(phones, codes, condTo, from, to, 0);
    try (NoGradGuard g = new NoGradGuard()) {
      return m.generate(p.cond(), p.tokens(), t.cond(), steps, cfg, 1.0, rnd);
    }
  }

  /** Encodes whole utterances to codes (no gradient). */
  public static List<CodedUtt> encodeAll(Facodec codec, List<SpeechCorpus.Utt> utts) {
    List<CodedUtt> out = new ArrayList<>();
    try (NoGradGuard g = new NoGradGuard()) {
      for (SpeechCorpus.Utt u : utts) {
        try (PointerScope scope = new PointerScope()) {
          Tensor codes = codec.encode(Batches.wave(u.audio(), SpeechCorpus.HOP)).codes().select(0, 0); // (T, 6)
          int t = (int) codes.size(0), k = (int) codes.size(1);
          long[] v = new long[t * k];
          codes.contiguous().data_ptr_long().get(v);
          int[][] c = new int[t][k];
          for (int i = 0; i < t; i++) for (int j = 0; j < k; j++) c[i][j] = (int) v[i * k + j];
          out.add(new CodedUtt(u.speaker(), u.phones(), c));
        }
      }
    }
    return out;
  }

  /** Codes (T, 6) to a (1, T, 6) tensor. */
  public static Tensor codesTensor(int[][] codes) {
    long[] v = new long[codes.length * 6];
    for (int i = 0; i < codes.length; i++) for (int j = 0; j < 6; j++) v[i * 6 + j] = codes[i][j];
    return Batches.longs(v, 1, codes.length, 6);
  }
}
