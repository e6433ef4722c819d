package io.papers4j.speech.naturalspeech3;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A FACodec (or, with {@code factorised = false}, the plain residual-VQ baseline codec of equal
 * bitrate) at the small scale of 6(e). Defaults are {@link #small}.
 *
 * @param factorised true: prosody/content/detail groups + timbre + heads + GRLs; false: one group of
 *     {@code prosodyCodebooks + contentCodebooks + detailCodebooks} residual codebooks, no timbre
 * @param ngf encoder base channels (32 official; 8 here), doubled after each of the strides
 * @param resUnits residual units per encoder block (3 official, dilations 1, 3, 9; 1 here for
 *     speed on 2 cores: the first blocks run at 16 and 8 kHz)
 * @param strides encoder down-sampling (2, 4, 5, 5): hop 200 = 12.5 ms at 16 kHz
 * @param dim latent width D (256 official; 64 here)
 * @param codeDim FVQ projection dim, the bottleneck (8 official; D = "no bottleneck" ablation)
 * @param codebookSize entries per codebook (1024 official; 256 here)
 * @param prosodyCodebooks 1, @param contentCodebooks 2, @param detailCodebooks 3 (official)
 * @param timbreLayers Transformer layers of the timbre extractor (4 official; 2 here), 4 heads
 * @param decoderChannels decoder conv width (the decoder predicts an 80-band log-mel at 80 Hz)
 * @param mels log-mel bands predicted
 * @param phones phone classes, @param speakers training speakers (head sizes)
 * @param detailDropout probability that an utterance's detail codes are zeroed in training (0.75)
 * @param commitWeight VQ commitment weight (0.005 official)
 * @param grlProsodyPhone paper's phone-GRL on z_p, @param grlContentF0 F0-GRL on z_c,
 * @param grlDetail phone+F0 GRLs on z_d, @param grlSpeaker the speaker GRL (on z_p+z_c+z_d, or per group)
 * @param quantiserInput what the prosody/content/detail quantisers read: {@code "h"} (the encoder
 *     output, as released) or {@code "instance-norm"} (h normalised per utterance and channel over
 *     time: nothing constant over an utterance, such as the spectral envelope, reaches the codes);
 *     see docs/naturalspeech3.md, probe 8
 * @param speakerAdversary {@code "sum"}: one speaker adversary on mean_t(z_p + z_c + z_d) (as
 *     released); {@code "branches"}: one on each group's utterance mean (docs/naturalspeech3.md, probe 9);
 *     {@code "frames"}: one convolutional head per group on every frame (probe 10); {@code "voicing"}: two
 *     per group, on its mean over the voiced and over the unvoiced frames (probe 12); {@code "phones"}: one per
 *     group on its mean over the frames of each phone in each utterance, with weights per phone (probe 13);
 *     {@code "phones+mean"}: those, and beside them one per group on its phone-centred utterance mean (probe 14);
 *     {@code "probe"}: the criterion's speaker probe refitted every few steps on whole-utterance means of the
 *     current codec, read on each group's crop means ({@link SpeakerProbeAdversary}, probe 15)
 * @param speakerGrlScale the speaker adversary's gradient-reversal coefficient in units of the
 *     other GRLs' λ (1: the same λ)
 * @param speakerObjective {@code "reversal"}: the speaker adversaries' cross-entropy reversed into the
 *     codes (the paper); {@code "confusion"}: heads on standardised, detached input, codes pushed to
 *     the heads' uniform output with a gradient clipped apart (docs/naturalspeech3.md, probe 12)
 * @param speakerProbeL2 under the {@code "probe"} adversary, the L2 penalty (× the sum of the squared weights) of
 *     each refit of its classifiers; 0 fits exactly as the criterion's probe does (docs/naturalspeech3.md, probe 15)
 */
public record FacodecConfig(
    boolean factorised, int ngf, int resUnits, int[] strides, int dim, int codeDim, int codebookSize,
    int prosodyCodebooks, int contentCodebooks, int detailCodebooks, int timbreLayers, int decoderChannels,
    int mels, int phones, int speakers, double detailDropout, double commitWeight,
    boolean grlProsodyPhone, boolean grlContentF0, boolean grlDetail, boolean grlSpeaker, String quantiserInput,
    String speakerAdversary, double speakerGrlScale, String speakerObjective, double speakerProbeL2) {

  public static final java.util.List<String> QUANTISER_INPUTS = java.util.List.of("h", "instance-norm");
  public static final java.util.List<String> SPEAKER_ADVERSARIES = java.util.List.of("sum", "branches", "frames", "voicing", "phones", "phones+mean", "probe");
  public static final java.util.List<String> SPEAKER_OBJECTIVES = java.util.List.of("reversal", "confusion");

  public FacodecConfig {
    if (resUnits < 1 || resUnits > 3 || ngf < 1 || dim < 4 || dim % 4 != 0) throw new IllegalArgumentException("FACodec: ngf >= 1 and dim a multiple of 4 required");
    if (strides.length == 0) throw new IllegalArgumentException("FACodec: at least one stride");
    if (codeDim < 1 || codeDim > dim) throw new IllegalArgumentException("FACodec: codeDim must be in 1.." + dim + ", got " + codeDim);
    if (codebookSize < 2) throw new IllegalArgumentException("FACodec: codebook size must be >= 2");
    if (prosodyCodebooks < 1 || contentCodebooks < 1 || detailCodebooks < 0) throw new IllegalArgumentException("FACodec: codebook counts");
    if (phones < 2 || speakers < 2) throw new IllegalArgumentException("FACodec: needs >= 2 phones and speakers");
    if (!(detailDropout >= 0 && detailDropout <= 1)) throw new IllegalArgumentException("FACodec: detail dropout in [0, 1]");
    if (!QUANTISER_INPUTS.contains(quantiserInput)) {
      throw new IllegalArgumentException("FACodec: quantiser input must be one of " + QUANTISER_INPUTS + ", got '" + quantiserInput + "'");
    }
    if (!SPEAKER_ADVERSARIES.contains(speakerAdversary)) {
      throw new IllegalArgumentException("FACodec: speaker adversary must be one of " + SPEAKER_ADVERSARIES + ", got '" + speakerAdversary + "'");
    }
    if (!(speakerGrlScale >= 0) || Double.isInfinite(speakerGrlScale)) {
      throw new IllegalArgumentException("FACodec: speaker GRL scale must be a finite number >= 0, got " + speakerGrlScale);
    }
    if (!SPEAKER_OBJECTIVES.contains(speakerObjective)) {
      throw new IllegalArgumentException("FACodec: speaker objective must be one of " + SPEAKER_OBJECTIVES + ", got '" + speakerObjective + "'");
    }
    if (!(speakerProbeL2 >= 0) || Double.isInfinite(speakerProbeL2)) {
      throw new IllegalArgumentException("FACodec: speaker probe L2 must be a finite number >= 0, got " + speakerProbeL2);
    }
  }

  /** The 6(e) scale with the paper's four GRLs on. */
  public static FacodecConfig small(int phones, int speakers) {
    return new FacodecConfig(true, 8, 1, new int[] {2, 4, 5, 5}, 64, 8, 256, 1, 2, 3, 2, 96, 80, phones, speakers,
        0.75, 0.005, true, true, true, true, DEFAULT_QUANTISER_INPUT, "sum", 1.0, DEFAULT_SPEAKER_OBJECTIVE, 0.0);
  }

  /** The preset's quantiser input; docs/naturalspeech3.md (probe 8) has the measurement that chose it. */
  public static final String DEFAULT_QUANTISER_INPUT = "instance-norm";

  /** The preset's speaker-adversary objective; docs/naturalspeech3.md (probe 12) has the measurement behind it. */
  public static final String DEFAULT_SPEAKER_OBJECTIVE = "reversal";

  /**
   * How the speaker adversaries act on the codes: {@code "reversal"} (the paper's gradient reversal of
   * the adversary's cross-entropy) or {@code "confusion"} (each head reads its input standardised by
   * running batch statistics and learns on detached codes; the codes are pushed towards the head's
   * uniform output, a gradient that {@link CodecTraining} clips on its own; docs probe 12).
   */
  public FacodecConfig withSpeakerObjective(String o) {
    return new FacodecConfig(factorised, ngf, resUnits, strides, dim, codeDim, codebookSize, prosodyCodebooks, contentCodebooks,
        detailCodebooks, timbreLayers, decoderChannels, mels, phones, speakers, detailDropout, commitWeight,
        grlProsodyPhone, grlContentF0, grlDetail, grlSpeaker, quantiserInput, speakerAdversary, speakerGrlScale, o, speakerProbeL2);
  }

  public FacodecConfig withQuantiserInput(String q) {
    return new FacodecConfig(factorised, ngf, resUnits, strides, dim, codeDim, codebookSize, prosodyCodebooks, contentCodebooks,
        detailCodebooks, timbreLayers, decoderChannels, mels, phones, speakers, detailDropout, commitWeight,
        grlProsodyPhone, grlContentF0, grlDetail, grlSpeaker, q, speakerAdversary, speakerGrlScale, speakerObjective, speakerProbeL2);
  }

  /**
   * The speaker adversary's form: {@code "sum"} (one head on mean_t(z_p + z_c + z_d), as released),
   * {@code "branches"} (one head per code group, each on its own utterance mean, so the groups
   * cannot hide the speaker by cancelling in the sum), {@code "frames"} (one convolutional head per
   * group on every frame, for the speaker cues that vary within the utterance), {@code "voicing"} (two per
   * group, on its means over voiced and unvoiced frames) or {@code "phones"} (one per group on its mean over
   * each phone's frames, weights per phone) or {@code "phones+mean"} (those and one per group on its utterance
   * mean of speech frames, each frame minus its phone's running mean) or {@code "probe"} (the criterion's logistic
   * probe refitted on whole-utterance means during training, {@link SpeakerProbeAdversary}), with its gradient-reversal coefficient
   * {@code scale} × the other GRLs' λ.
   */
  public FacodecConfig withSpeakerAdversary(String mode, double scale) {
    return new FacodecConfig(factorised, ngf, resUnits, strides, dim, codeDim, codebookSize, prosodyCodebooks, contentCodebooks,
        detailCodebooks, timbreLayers, decoderChannels, mels, phones, speakers, detailDropout, commitWeight,
        grlProsodyPhone, grlContentF0, grlDetail, grlSpeaker, quantiserInput, mode, scale, speakerObjective, speakerProbeL2);
  }

  /** The L2 penalty of the {@code "probe"} speaker adversary's refits (0, the default: the criterion's own fit). */
  public FacodecConfig withSpeakerProbeL2(double l2) {
    return new FacodecConfig(factorised, ngf, resUnits, strides, dim, codeDim, codebookSize, prosodyCodebooks, contentCodebooks,
        detailCodebooks, timbreLayers, decoderChannels, mels, phones, speakers, detailDropout, commitWeight,
        grlProsodyPhone, grlContentF0, grlDetail, grlSpeaker, quantiserInput, speakerAdversary, speakerGrlScale, speakerObjective, l2);
  }

  public int hop() {
    int h = 1;
    for (int s : strides) h *= s;
    return h;
  }

  public int totalCodebooks() {
    return prosodyCodebooks + contentCodebooks + detailCodebooks;
  }

  /** Bits per second at 16 kHz. */
  public double bitrate() {
    return totalCodebooks() * (Math.log(codebookSize) / Math.log(2)) * 16000.0 / hop();
  }

  public FacodecConfig withFactorised(boolean f) {
    return new FacodecConfig(f, ngf, resUnits, strides, dim, codeDim, codebookSize, prosodyCodebooks, contentCodebooks,
        detailCodebooks, timbreLayers, decoderChannels, mels, phones, speakers, detailDropout, commitWeight,
        grlProsodyPhone, grlContentF0, grlDetail, grlSpeaker, quantiserInput, speakerAdversary, speakerGrlScale, speakerObjective, speakerProbeL2);
  }

  public FacodecConfig withCodeDim(int d) {
    return new FacodecConfig(factorised, ngf, resUnits, strides, dim, d, codebookSize, prosodyCodebooks, contentCodebooks,
        detailCodebooks, timbreLayers, decoderChannels, mels, phones, speakers, detailDropout, commitWeight,
        grlProsodyPhone, grlContentF0, grlDetail, grlSpeaker, quantiserInput, speakerAdversary, speakerGrlScale, speakerObjective, speakerProbeL2);
  }

  public FacodecConfig withWidth(int ngf, int dim, int decoderChannels) {
    return new FacodecConfig(factorised, ngf, resUnits, strides, dim, Math.min(codeDim, dim), codebookSize, prosodyCodebooks,
        contentCodebooks, detailCodebooks, timbreLayers, decoderChannels, mels, phones, speakers, detailDropout,
        commitWeight, grlProsodyPhone, grlContentF0, grlDetail, grlSpeaker, quantiserInput, speakerAdversary, speakerGrlScale, speakerObjective, speakerProbeL2);
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("factorised", factorised);
    m.put("ngf", ngf);
    m.put("res_units", resUnits);
    m.put("strides", strides);
    m.put("dim", dim);
    m.put("code_dim", codeDim);
    m.put("codebook_size", codebookSize);
    m.put("prosody_codebooks", prosodyCodebooks);
    m.put("content_codebooks", contentCodebooks);
    m.put("detail_codebooks", detailCodebooks);
    m.put("timbre_layers", timbreLayers);
    m.put("decoder_channels", decoderChannels);
    m.put("mels", mels);
    m.put("phones", phones);
    m.put("speakers", speakers);
    m.put("detail_dropout", detailDropout);
    m.put("commit_weight", commitWeight);
    m.put("grl_prosody_phone", grlProsodyPhone);
    m.put("grl_content_f0", grlContentF0);
    m.put("grl_detail", grlDetail);
    m.put("grl_speaker", grlSpeaker);
    m.put("quantiser_input", quantiserInput);
    m.put("speaker_adversary", speakerAdversary);
    m.put("speaker_grl_scale", speakerGrlScale);
    m.put("speaker_objective", speakerObjective);
    m.put("speaker_probe_l2", speakerProbeL2);
    return m;
  }

  @SuppressWarnings("unchecked")
  public static FacodecConfig fromMap(Map<String, Object> m) {
    try {
      java.util.List<Number> s = (java.util.List<Number>) m.get("strides");
      int[] strides = s.stream().mapToInt(Number::intValue).toArray();
      return new FacodecConfig((Boolean) m.get("factorised"), num(m, "ngf"), num(m, "res_units"), strides, num(m, "dim"), num(m, "code_dim"),
          num(m, "codebook_size"), num(m, "prosody_codebooks"), num(m, "content_codebooks"), num(m, "detail_codebooks"),
          num(m, "timbre_layers"), num(m, "decoder_channels"), num(m, "mels"), num(m, "phones"), num(m, "speakers"),
          ((Number) m.get("detail_dropout")).doubleValue(), ((Number) m.get("commit_weight")).doubleValue(),
          (Boolean) m.get("grl_prosody_phone"), (Boolean) m.get("grl_content_f0"), (Boolean) m.get("grl_detail"),
          (Boolean) m.get("grl_speaker"), m.get("quantiser_input") instanceof String q ? q : "h", // models saved before the option read h
          m.get("speaker_adversary") instanceof String a ? a : "sum", // and had the released pooled adversary
          m.get("speaker_grl_scale") instanceof Number n ? n.doubleValue() : 1.0,
          m.get("speaker_objective") instanceof String o ? o : "reversal", // models saved before the option reversed
          m.get("speaker_probe_l2") instanceof Number l2 ? l2.doubleValue() : 0.0); // and fit the probe without L2
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("config.json is not a FACodec config: " + e.getMessage());
    }
  }

  private static int num(Map<String, Object> m, String k) {
    Object v = m.get(k);
    if (!(v instanceof Number n)) throw new IllegalArgumentException("missing or non-numeric key " + k);
    return n.intValue();
  }
}
