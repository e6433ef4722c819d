package io.papers4j.speech.naturalspeech3;

import io.papers4j.speech.audio.Spectrogram;
import io.papers4j.speech.data.AsteriskPrompts;
import io.papers4j.speech.data.SpeechCorpus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** The measurements of 6(e) (voice conversion, generation, real-speech reconstruction) with the in-project proxies. */
public final class Ns3Eval {
  private Ns3Eval() {}

  static double r4(double v) {
    return Math.round(v * 10000) / 10000.0;
  }

  public static double speakerAccuracy(MelClassifier spk, List<SpeechCorpus.Utt> utts) {
    int ok = 0;
    for (SpeechCorpus.Utt u : utts) if (spk.predictSpeaker(u.logMel()) == u.speaker()) ok++;
    return ok / (double) utts.size();
  }

  public static double meanPer(MelClassifier rec, List<SpeechCorpus.Utt> utts) {
    double s = 0;
    for (SpeechCorpus.Utt u : utts) s += MelClassifier.phoneErrorRate(rec.predictPhones(u.logMel()), u.phones());
    return s / utts.size();
  }

  /** Mean phone error rate of {@code codec}'s own reconstruction (its codes decoded with its own timbre) of each utterance. */
  public static double reconstructionPer(Facodec codec, MelClassifier rec, List<SpeechCorpus.Utt> utts) {
    double s = 0;
    for (SpeechCorpus.Utt u : utts) {
      s += MelClassifier.phoneErrorRate(rec.predictPhones(convert(codec, u.audio(), null, true)), u.phones());
    }
    return s / utts.size();
  }

  /**
   * The generation PERs against what each codec's own reconstruction of the held-out sentences scores: generated speech
   * is decoded by its codec, so it is rarely more intelligible than that codec's reconstruction; the PER generation adds
   * above it separates the diffusion model from its codec (docs/naturalspeech3.md, probe 18).
   */
  public static Map<String, Object> generationAgainstCodecs(Ns3Pipeline.Trained tr, Gen gen) {
    List<SpeechCorpus.Utt> test = tr.corpus().testSentences;
    double fa = reconstructionPer(tr.facodec(), tr.phoneRecognizer(), test);
    double rvq = reconstructionPer(tr.plain(), tr.phoneRecognizer(), test);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("held_out_sentences", test.size());
    m.put("per_ground_truth", r4(meanPer(tr.phoneRecognizer(), test)));
    m.put("per_facodec_reconstruction", r4(fa));
    m.put("per_rvq_reconstruction", r4(rvq));
    m.put("factorised_per_above_its_codec", r4(gen.factorisedPer() - fa));
    m.put("non_factorised_per_above_its_codec", r4(gen.baselinePer() - rvq));
    return m;
  }

  /** Decoded log-mel (T, M) of {@code source} with the timbre of {@code voice} (null = its own). */
  public static float[][] convert(Facodec m, float[] source, float[] voice, boolean withDetail) {
    try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
      Facodec.Encoded a = m.encode(Batches.wave(source, SpeechCorpus.HOP));
      Tensor ht = voice == null ? a.timbre() : m.timbre(m.encoder(Batches.wave(voice, SpeechCorpus.HOP)));
      Tensor mel = m.config.factorised() ? m.decode(a.zp(), a.zc(), withDetail ? a.zd() : null, null, ht)
          : m.decode(null, null, a.zd(), null, null);
      return Batches.rows(mel.select(0, 0));
    }
  }

  /**
   * Voice-conversion results: target-speaker rate, cosine similarities, PERs, and how much the
   * timbre swap changes the decoder's output at all: log-mel L1 between the source decoded with the
   * target's timbre vector and with its own ({@code melChangeFromTimbre}), next to the L1 of that
   * reconstruction against the source's ground truth ({@code melL1Reconstructed}).
   */
  public record Vc(int pairs, double targetRate, double sourceRate, double simTarget, double simSource, double perConverted,
      double perReconstructed, double melChangeFromTimbre, double melL1Reconstructed) {
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("pairs", pairs);
      m.put("classified_as_target_speaker", r4(targetRate));
      m.put("classified_as_source_speaker", r4(sourceRate));
      m.put("embedding_cosine_to_target", r4(simTarget));
      m.put("embedding_cosine_to_source", r4(simSource));
      m.put("per_converted", r4(perConverted));
      m.put("per_reconstructed", r4(perReconstructed));
      m.put("mel_l1_converted_vs_reconstructed", r4(melChangeFromTimbre));
      m.put("mel_l1_reconstructed_vs_source", r4(melL1Reconstructed));
      return m;
    }
  }

  /** Pairs (source, voice) of held-out sentences from two different training speakers. */
  static List<int[]> pairs(List<SpeechCorpus.Utt> utts, int n, long seed) {
    Random r = new Random(seed);
    List<int[]> out = new ArrayList<>();
    for (int guard = 0; out.size() < n && guard < 100 * n; guard++) {
      int a = r.nextInt(utts.size()), b = r.nextInt(utts.size());
      if (utts.get(a).speaker() != utts.get(b).speaker()) out.add(new int[] {a, b});
    }
    return out;
  }

  public static Vc voiceConversion(Facodec m, MelClassifier spk, MelClassifier rec, SpeechCorpus c, int n, long seed) {
    List<SpeechCorpus.Utt> test = c.testSentences;
    double tgt = 0, src = 0, simT = 0, simS = 0, perC = 0, perR = 0, change = 0, recL1 = 0;
    List<int[]> ps = pairs(test, n, seed);
    for (int[] p : ps) {
      SpeechCorpus.Utt a = test.get(p[0]), b = test.get(p[1]);
      float[][] conv = convert(m, a.audio(), b.audio(), true);
      float[][] recon = convert(m, a.audio(), null, true);
      int who = spk.predictSpeaker(conv);
      if (who == b.speaker()) tgt++;
      if (who == a.speaker()) src++;
      float[] e = spk.embed(conv);
      simT += MelClassifier.cosine(e, spk.embed(b.logMel()));
      simS += MelClassifier.cosine(e, spk.embed(a.logMel()));
      perC += MelClassifier.phoneErrorRate(rec.predictPhones(conv), a.phones());
      perR += MelClassifier.phoneErrorRate(rec.predictPhones(recon), a.phones());
      change += l1(conv, recon);
      recL1 += l1(recon, a.logMel());
    }
    int k = ps.size();
    return new Vc(k, tgt / k, src / k, simT / k, simS / k, perC / k, perR / k, change / k, recL1 / k);
  }

  /**
   * Voice conversion scored against a parallel target: the source sentence re-synthesised with the
   * target speaker's voice and the source's own pitch, range and speed, so it differs from the source
   * in voice only. Distances are log-mel L1 between utterance-mean spectra (the static spectral
   * envelope, free of time alignment) and frame by frame over the shorter length. If the converted
   * speech is nearer the parallel target than the source's reconstruction is, the codec moved the
   * voice and a low proxy score is the proxy's; if not, the codec keeps the source voice.
   */
  public record Parallel(int pairs, double proxyTargetRateOnParallel, double simConvertedToParallel,
      double envConvertedToParallel, double envReconstructedToParallel, double envConvertedToSource, double envSourceToParallel,
      double envParallelReconstructed, double frameConvertedToParallel, double frameReconstructedToParallel,
      double frameSourceToParallel, double lengthRatio, double envResynthesisFloor, double frameResynthesisFloor) {
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("pairs", pairs);
      m.put("proxy_classifies_parallel_target_as_target", r4(proxyTargetRateOnParallel));
      m.put("embedding_cosine_converted_to_parallel_target", r4(simConvertedToParallel));
      m.put("mean_spectrum_l1_converted_vs_parallel_target", r4(envConvertedToParallel));
      m.put("mean_spectrum_l1_reconstructed_vs_parallel_target", r4(envReconstructedToParallel));
      m.put("mean_spectrum_l1_converted_vs_source", r4(envConvertedToSource));
      m.put("mean_spectrum_l1_source_vs_parallel_target", r4(envSourceToParallel));
      m.put("mean_spectrum_l1_parallel_target_reconstructed", r4(envParallelReconstructed));
      m.put("mel_l1_converted_vs_parallel_target", r4(frameConvertedToParallel));
      m.put("mel_l1_reconstructed_vs_parallel_target", r4(frameReconstructedToParallel));
      m.put("mel_l1_source_vs_parallel_target", r4(frameSourceToParallel));
      m.put("frames_parallel_target_over_source", r4(lengthRatio));
      // espeak-ng does not repeat itself exactly: the source re-synthesised in its own voice vs the source
      m.put("mean_spectrum_l1_resynthesis_floor", r4(envResynthesisFloor));
      m.put("mel_l1_resynthesis_floor", r4(frameResynthesisFloor));
      return m;
    }
  }

  /**
   * For each voice-conversion pair of {@link #voiceConversion} (the same pairs for the same n and
   * seed): the parallel target, then the source re-synthesised in its own voice (the floor).
   */
  public static List<SpeechCorpus.Utt> parallelTargets(SpeechCorpus c, int n, long seed) {
    List<SpeechCorpus.Utt> out = new ArrayList<>();
    for (int[] p : pairs(c.testSentences, n, seed)) {
      SpeechCorpus.Utt a = c.testSentences.get(p[0]);
      out.add(c.parallel(a, c.testSentences.get(p[1]).speaker()));
      out.add(c.parallel(a, a.speaker()));
    }
    return out;
  }

  public static Parallel parallelTarget(Facodec m, MelClassifier spk, SpeechCorpus c, List<SpeechCorpus.Utt> targets, int n, long seed) {
    List<SpeechCorpus.Utt> test = c.testSentences;
    List<int[]> ps = pairs(test, n, seed);
    double rate = 0, sim = 0, eCT = 0, eRT = 0, eCS = 0, eST = 0, eTT = 0, fCT = 0, fRT = 0, fST = 0, len = 0, eF = 0, fF = 0;
    for (int i = 0; i < ps.size(); i++) {
      SpeechCorpus.Utt a = test.get(ps.get(i)[0]), b = test.get(ps.get(i)[1]), t = targets.get(2 * i), again = targets.get(2 * i + 1);
      eF += l1(meanSpectrum(again.logMel()), meanSpectrum(a.logMel()));
      fF += l1(again.logMel(), a.logMel());
      float[][] conv = convert(m, a.audio(), b.audio(), true);
      float[][] recon = convert(m, a.audio(), null, true);
      float[][] tRecon = convert(m, t.audio(), null, true);
      if (spk.predictSpeaker(t.logMel()) == b.speaker()) rate++;
      sim += MelClassifier.cosine(spk.embed(conv), spk.embed(t.logMel()));
      float[] mc = meanSpectrum(conv), mr = meanSpectrum(recon), mt = meanSpectrum(t.logMel()), ms = meanSpectrum(a.logMel());
      eCT += l1(mc, mt);
      eRT += l1(mr, mt);
      eCS += l1(mc, ms);
      eST += l1(ms, mt);
      eTT += l1(meanSpectrum(tRecon), mt);
      fCT += l1(conv, t.logMel());
      fRT += l1(recon, t.logMel());
      fST += l1(a.logMel(), t.logMel());
      len += t.frames() / (double) a.frames();
    }
    int k = ps.size();
    return new Parallel(k, rate / k, sim / k, eCT / k, eRT / k, eCS / k, eST / k, eTT / k, fCT / k, fRT / k, fST / k, len / k,
        eF / k, fF / k);
  }

  static float[] meanSpectrum(float[][] mel) {
    float[] m = new float[mel[0].length];
    for (float[] r : mel) for (int j = 0; j < m.length; j++) m[j] += r[j] / mel.length;
    return m;
  }

  static double l1(float[] a, float[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) s += Math.abs(a[j] - b[j]);
    return s / a.length;
  }

  /** Generation results averaged over seeds. */
  public record Gen(int pairs, int seeds, double factorisedSpeakerAcc, double baselineSpeakerAcc, double factorisedSim,
      double baselineSim, double factorisedPer, double baselinePer, double factorisedNoCfgSpeakerAcc, double factorisedNoCfgPer) {
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("pairs_per_seed", pairs);
      m.put("seeds", seeds);
      m.put("factorised_prompt_speaker_accuracy", r4(factorisedSpeakerAcc));
      m.put("non_factorised_prompt_speaker_accuracy", r4(baselineSpeakerAcc));
      m.put("factorised_embedding_cosine_to_prompt", r4(factorisedSim));
      m.put("non_factorised_embedding_cosine_to_prompt", r4(baselineSim));
      m.put("factorised_per", r4(factorisedPer));
      m.put("non_factorised_per", r4(baselinePer));
      m.put("factorised_without_cfg_prompt_speaker_accuracy", r4(factorisedNoCfgSpeakerAcc));
      m.put("factorised_without_cfg_per", r4(factorisedNoCfgPer));
      return m;
    }
  }

  /** Guidance scale used at inference (paper: CFG with std rescaling; the scale is ours). */
  public static final double CFG = 1.0;

  /** Generated log-mels (T, M): [factorised, baseline, factorised without CFG]. */
  static float[][][] synthesize(Ns3Pipeline.Trained tr, int promptIdx, int targetIdx, int steps, boolean noCfg, long seed) {
    FactorisedTts.CodedUtt pf = tr.facodecTest().get(promptIdx), pb = tr.plainTest().get(promptIdx);
    SpeechCorpus.Utt promptUtt = tr.corpus().testSentences.get(promptIdx);
    int[][] targetRuns = FactorisedTts.runs(tr.facodecTest().get(targetIdx).phones());
    int[] targetPhones = new int[targetRuns.length];
    for (int i = 0; i < targetPhones.length; i++) targetPhones[i] = targetRuns[i][0];
    Random rnd = new Random(seed);
    int[][] runs = tr.tts().durations(FactorisedTts.runs(pf.phones()), targetPhones, steps, CFG, rnd);
    int[] frames = FactorisedTts.expand(runs);
    float[][][] out = new float[3][][];
    try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
      Tensor ht = tr.facodec().timbre(tr.facodec().encoder(Batches.wave(promptUtt.audio(), SpeechCorpus.HOP)));
      int[][] fc = tr.tts().generateFactorised(pf, frames, steps, CFG, rnd);
      out[0] = Batches.rows(tr.facodec().decodeCodes(FactorisedTts.codesTensor(fc), ht).select(0, 0));
      int[][] bc = tr.tts().generateBaseline(pb, frames, 3 * steps, CFG, rnd);
      out[1] = Batches.rows(tr.plain().decodeCodes(FactorisedTts.codesTensor(bc), null).select(0, 0));
      if (noCfg) {
        int[][] nc = tr.tts().generateFactorised(pf, frames, steps, 0, rnd);
        out[2] = Batches.rows(tr.facodec().decodeCodes(FactorisedTts.codesTensor(nc), ht).select(0, 0));
      }
    }
    return out;
  }

  public static Gen generation(Ns3Pipeline.Trained tr, Ns3Preset p, long seed) {
    List<SpeechCorpus.Utt> test = tr.corpus().testSentences;
    double fa = 0, ba = 0, fs = 0, bs = 0, fp = 0, bp = 0, na = 0, np = 0;
    int count = 0;
    for (int s = 0; s < p.seeds(); s++) {
      for (int[] pair : pairs(test, p.evalPairs(), seed + 100 + s)) {
        SpeechCorpus.Utt prompt = test.get(pair[0]);
        SpeechCorpus.Utt target = test.get(pair[1]);
        float[][][] mels = synthesize(tr, pair[0], pair[1], p.genSteps(), true, seed + 1000L * s + count);
        float[] ref = tr.speakerClassifier().embed(prompt.logMel());
        if (tr.speakerClassifier().predictSpeaker(mels[0]) == prompt.speaker()) fa++;
        if (tr.speakerClassifier().predictSpeaker(mels[1]) == prompt.speaker()) ba++;
        if (tr.speakerClassifier().predictSpeaker(mels[2]) == prompt.speaker()) na++;
        fs += MelClassifier.cosine(tr.speakerClassifier().embed(mels[0]), ref);
        bs += MelClassifier.cosine(tr.speakerClassifier().embed(mels[1]), ref);
        fp += MelClassifier.phoneErrorRate(tr.phoneRecognizer().predictPhones(mels[0]), target.phones());
        bp += MelClassifier.phoneErrorRate(tr.phoneRecognizer().predictPhones(mels[1]), target.phones());
        np += MelClassifier.phoneErrorRate(tr.phoneRecognizer().predictPhones(mels[2]), target.phones());
        count++;
      }
    }
    return new Gen(count / p.seeds(), p.seeds(), fa / count, ba / count, fs / count, bs / count, fp / count, bp / count,
        na / count, np / count);
  }

  /** Mel L1 of the three codecs on real recordings (never trained on). */
  public static Map<String, Object> realSpeech(Ns3Pipeline.Trained tr, List<AsteriskPrompts.Prompt> prompts) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("prompts", prompts.size());
    if (prompts.isEmpty()) {
      m.put("note", "asterisk-core-sounds-en-wav not installed");
      return m;
    }
    Spectrogram spec = Spectrogram.codec16k();
    double fd = 0, fn = 0, pl = 0, sec = 0;
    for (AsteriskPrompts.Prompt p : prompts) {
      float[][] target = java.util.Arrays.copyOf(spec.logMel(p.audio16k()), p.audio16k().length / SpeechCorpus.HOP);
      fd += l1(convert(tr.facodec(), p.audio16k(), null, true), target);
      fn += l1(convert(tr.facodec(), p.audio16k(), null, false), target);
      pl += l1(convert(tr.plain(), p.audio16k(), null, true), target);
      sec += p.audio16k().length / 16000.0;
    }
    int n = prompts.size();
    m.put("seconds", r4(sec));
    m.put("facodec_mel_l1", r4(fd / n));
    m.put("facodec_without_detail_mel_l1", r4(fn / n));
    m.put("rvq_baseline_mel_l1", r4(pl / n));
    return m;
  }

  static double l1(float[][] a, float[][] b) {
    double s = 0;
    int n = Math.min(a.length, b.length);
    for (int t = 0; t < n; t++) for (int k = 0; k < a[t].length; k++) s += Math.abs(a[t][k] - b[t][k]);
    return s / (n * (double) a[0].length);
  }
}
