package io.papers4j.speech.naturalspeech3;

import io.papers4j.speech.data.SpeechCorpus;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Tensors from corpus utterances: random fixed-length crops for training, whole utterances for evaluation. */
public final class Batches {
  private Batches() {}

  static Tensor floats(float[] v, long... shape) {
    try (FloatPointer p = new FloatPointer(v)) {
      return torch.from_blob(p, shape, new TensorOptions(ScalarType.Float)).clone();
    }
  }

  static Tensor longs(long[] v, long... shape) {
    try (LongPointer p = new LongPointer(v)) {
      return torch.from_blob(p, shape, new TensorOptions(ScalarType.Long)).clone();
    }
  }

  /** {@code n} crops of {@code frames} frames from utterances drawn with {@code rnd}. */
  public static Facodec.Batch crops(List<SpeechCorpus.Utt> pool, int n, int frames, Random rnd) {
    return crops(pool, n, frames, rnd, false);
  }

  /**
   * As above; with {@code timbreElsewhere} each item also gets a crop for the timbre extractor from
   * another utterance of the same speaker (the same utterance when the speaker has no other), so the
   * timbre vector cannot carry the content of the crop it helps to decode.
   */
  public static Facodec.Batch crops(List<SpeechCorpus.Utt> pool, int n, int frames, Random rnd, boolean timbreElsewhere) {
    List<SpeechCorpus.Utt> ok = new ArrayList<>();
    for (SpeechCorpus.Utt u : pool) if (u.frames() >= frames) ok.add(u);
    if (ok.isEmpty()) throw new IllegalArgumentException("no utterance has " + frames + " frames");
    List<SpeechCorpus.Utt> us = new ArrayList<>();
    int[] starts = new int[n];
    for (int i = 0; i < n; i++) {
      SpeechCorpus.Utt u = ok.get(rnd.nextInt(ok.size()));
      us.add(u);
      starts[i] = rnd.nextInt(u.frames() - frames + 1);
    }
    Facodec.Batch b = batch(us, starts, frames);
    if (!timbreElsewhere) return b;
    float[] other = new float[n * frames * SpeechCorpus.HOP];
    for (int i = 0; i < n; i++) {
      List<SpeechCorpus.Utt> same = new ArrayList<>();
      for (SpeechCorpus.Utt u : ok) if (u.speaker() == us.get(i).speaker() && u != us.get(i)) same.add(u);
      SpeechCorpus.Utt v = same.isEmpty() ? us.get(i) : same.get(rnd.nextInt(same.size()));
      int s = rnd.nextInt(v.frames() - frames + 1);
      System.arraycopy(v.audio(), s * SpeechCorpus.HOP, other, i * frames * SpeechCorpus.HOP, frames * SpeechCorpus.HOP);
    }
    return b.withTimbreWave(floats(other, n, (long) frames * SpeechCorpus.HOP));
  }

  /** The whole utterance as a batch of one. */
  public static Facodec.Batch whole(SpeechCorpus.Utt u) {
    return batch(List.of(u), new int[] {0}, u.frames());
  }

  static Facodec.Batch batch(List<SpeechCorpus.Utt> us, int[] starts, int frames) {
    int n = us.size(), hop = SpeechCorpus.HOP, mels = us.get(0).logMel()[0].length;
    float[] wave = new float[n * frames * hop], mel = new float[n * frames * mels], lf0 = new float[n * frames],
        uv = new float[n * frames];
    long[] phones = new long[n * frames], spk = new long[n];
    for (int i = 0; i < n; i++) {
      SpeechCorpus.Utt u = us.get(i);
      int s = starts[i];
      System.arraycopy(u.audio(), s * hop, wave, i * frames * hop, frames * hop);
      for (int t = 0; t < frames; t++) {
        System.arraycopy(u.logMel()[s + t], 0, mel, (i * frames + t) * mels, mels);
        phones[i * frames + t] = u.phones()[s + t];
        lf0[i * frames + t] = u.lf0()[s + t];
        uv[i * frames + t] = u.uv()[s + t];
      }
      spk[i] = u.speaker();
    }
    return new Facodec.Batch(floats(wave, n, (long) frames * hop), floats(mel, n, frames, mels),
        longs(phones, n, frames), floats(lf0, n, frames), floats(uv, n, frames), longs(spk, n), null);
  }

  /** A (T, C) float tensor back to Java rows. */
  public static float[][] rows(Tensor t) {
    Tensor c = t.contiguous().to(ScalarType.Float);
    int r = (int) c.size(0), k = (int) c.size(1);
    float[] flat = new float[r * k];
    c.data_ptr_float().get(flat);
    float[][] out = new float[r][k];
    for (int i = 0; i < r; i++) System.arraycopy(flat, i * k, out[i], 0, k);
    return out;
  }

  /** Waveform (L) as a (1, L') tensor with L' cut to a whole number of hops. */
  public static Tensor wave(float[] audio, int hop) {
    int n = audio.length / hop * hop;
    return floats(java.util.Arrays.copyOf(audio, n), 1, n);
  }
}
