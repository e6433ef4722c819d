package io.papers4j.speech.naturalspeech3;

import io.papers4j.core.tensor.Precision;
import io.papers4j.speech.audio.AudioInput;
import io.papers4j.speech.audio.Spectrogram;
import io.papers4j.speech.audio.Wav;
import io.papers4j.speech.data.Espeak;
import io.papers4j.speech.data.SpeechCorpus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** The Java API behind {@code papers4j speech}: encode, decode, convert a voice, synthesise from text with a prompt. */
public final class SpeechApi {
  /** Shortest input accepted: 0.1 s (8 codec frames, more than half an STFT window). */
  public static final int MIN_SAMPLES = 1600;

  private SpeechApi() {}

  /** Mono 16 kHz audio cut to whole frames; any PCM WAV is resampled (documented), bad input is one message. */
  public static float[] load(Path wav) {
    float[] x = AudioInput.load(wav, SpeechCorpus.RATE, MIN_SAMPLES).samples();
    return java.util.Arrays.copyOf(x, x.length / SpeechCorpus.HOP * SpeechCorpus.HOP);
  }

  /** Codes (T, 6) and the timbre vector of a recording. */
  public record Codes(int[][] codes, float[] timbre) {}

  public static Codes encode(Facodec codec, float[] audio) {
    try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
      Facodec.Encoded e = codec.encode(Batches.wave(audio, SpeechCorpus.HOP));
      Tensor c = e.codes().select(0, 0);
      int t = (int) c.size(0), k = (int) c.size(1);
      long[] v = new long[t * k];
      c.contiguous().data_ptr_long().get(v);
      int[][] codes = new int[t][k];
      for (int i = 0; i < t; i++) for (int j = 0; j < k; j++) codes[i][j] = (int) v[i * k + j];
      return new Codes(codes, e.timbre() == null ? null : Batches.rows(e.timbre())[0]);
    }
  }

  /** Log-mel (T, 80) from codes and a timbre vector; {@code withDetail = false} drops the detail codes. */
  public static float[][] decode(Facodec codec, Codes c, boolean withDetail) {
    FacodecConfig cfg = codec.config;
    if (c.codes().length == 0 || c.codes()[0].length != cfg.totalCodebooks()) {
      throw new IllegalArgumentException("codes must have " + cfg.totalCodebooks() + " codebooks per frame");
    }
    if (cfg.factorised() && (c.timbre() == null || c.timbre().length != cfg.dim())) {
      throw new IllegalArgumentException("the timbre vector must have " + cfg.dim() + " values");
    }
    int t = c.codes().length, k = cfg.totalCodebooks();
    long[] v = new long[t * k];
    for (int i = 0; i < t; i++) {
      for (int j = 0; j < k; j++) {
        int x = c.codes()[i][j];
        if (x < 0 || x >= cfg.codebookSize()) throw new IllegalArgumentException("code " + x + " at frame " + i + " is outside 0.." + (cfg.codebookSize() - 1));
        v[i * k + j] = x;
      }
    }
    try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
      Tensor codes = Batches.longs(v, 1, t, k);
      if (!withDetail && cfg.factorised()) codes = codes.narrow(2, 0, cfg.prosodyCodebooks() + cfg.contentCodebooks());
      Tensor ht = cfg.factorised() ? Batches.floats(c.timbre(), 1, cfg.dim()) : null;
      return Batches.rows(codec.decodeCodes(codes, ht).select(0, 0));
    }
  }

  /** Voice conversion: prosody + content (+ detail) codes of {@code source}, timbre of {@code voice}. */
  public static float[][] convert(Facodec codec, float[] source, float[] voice, boolean withDetail) {
    if (!codec.config.factorised()) throw new IllegalArgumentException("voice conversion needs a factorised codec (FACodec)");
    return Ns3Eval.convert(codec, source, voice, withDetail);
  }

  /** espeak-ng's phones of {@code text} mapped to the model's phone ids (symbols it never saw are dropped). */
  public static int[] textPhones(String text, List<String> phoneSet) {
    if (text == null || text.isBlank()) throw new IllegalArgumentException("--text is empty");
    List<Integer> ids = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    for (Espeak.Phone p : Espeak.synth(text, "en-us", 170, 50, 50).phones()) {
      if (p.symbol().startsWith("_")) continue;
      int id = phoneSet.indexOf(p.symbol());
      if (id > 0) ids.add(id);
      else unknown.add(p.symbol());
    }
    if (!unknown.isEmpty()) System.err.println("papers4j speech tts: note: phones unknown to the model were skipped: " + unknown);
    if (ids.isEmpty()) throw new IllegalArgumentException("the text gives no phones the model knows");
    List<Integer> withPauses = new ArrayList<>();
    withPauses.add(0);
    withPauses.addAll(ids);
    withPauses.add(0);
    return withPauses.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Zero-shot TTS: phones of {@code text}, the prompt's codes as prefix and its frame phones from
   * the phone recogniser, durations → prosody → content → detail, decoded with the prompt's timbre.
   */
  public static float[][] tts(SpeechBundle b, String text, float[] prompt, int steps, double cfg, long seed) {
    if (b.tts() == null || b.recognizer() == null) {
      throw new IllegalArgumentException("this model folder has no tts/ and phone_recognizer/ (train with `papers4j speech train`)");
    }
    int[] phones = textPhones(text, b.phoneSet());
    int maxPrompt = 400; // 5 s of prompt is plenty and keeps prompt + target within the model's 1024 positions
    float[] pr = prompt.length > maxPrompt * SpeechCorpus.HOP ? java.util.Arrays.copyOf(prompt, maxPrompt * SpeechCorpus.HOP) : prompt;
    Codes pc = encode(b.codec(), pr);
    float[][] mel = java.util.Arrays.copyOf(Spectrogram.codec16k().logMel(pr), pc.codes().length);
    int[] promptPhones = b.recognizer().predictPhones(mel);
    FactorisedTts.CodedUtt p = new FactorisedTts.CodedUtt(-1, promptPhones, pc.codes());
    Random rnd = new Random(seed);
    torch.manual_seed(seed);
    int[][] runs = b.tts().durations(FactorisedTts.runs(promptPhones), phones, steps, cfg, rnd);
    int[] frames = FactorisedTts.expand(runs);
    if (frames.length + promptPhones.length > 1024) throw new IllegalArgumentException("the text is too long for one utterance (split it)");
    int[][] codes = b.tts().generateFactorised(p, frames, steps, cfg, rnd);
    return decode(b.codec(), new Codes(codes, pc.timbre()), true);
  }

  /** Griffin-Lim waveform of a log-mel, peak 0.9. */
  public static Wav.Audio vocode(float[][] mel) {
    return Ns3Report.vocode(mel);
  }

  /** Mean log-mel L1 of reconstructions of {@code audio} (with and without detail). */
  public static Map<String, Double> reconstructionL1(Facodec codec, float[] audio) {
    return reconstructionL1(codec, audio, Precision.F32);
  }

  /**
   * As above with the codec's forward passes in {@code precision} (bf16 = CPU autocast); the target
   * log-mel and the L1 stay float32 (the reconstruction is read back as float32 rows).
   */
  public static Map<String, Double> reconstructionL1(Facodec codec, float[] audio, Precision precision) {
    float[][] target = java.util.Arrays.copyOf(Spectrogram.codec16k().logMel(audio), audio.length / SpeechCorpus.HOP);
    float[][] with, without = null;
    try (Precision.Region cast = precision.autocast()) {
      with = Ns3Eval.convert(codec, audio, null, true);
      if (codec.config.factorised()) without = Ns3Eval.convert(codec, audio, null, false);
    }
    if (without == null) return Map.of("mel_l1", Ns3Eval.l1(with, target));
    return Map.of("mel_l1", Ns3Eval.l1(with, target), "mel_l1_without_detail", Ns3Eval.l1(without, target));
  }
}
