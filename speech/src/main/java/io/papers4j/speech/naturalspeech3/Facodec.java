package io.papers4j.speech.naturalspeech3;

import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.LayerNorm;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import io.papers4j.speech.naturalspeech3.Layers.Conv;
import io.papers4j.speech.naturalspeech3.Layers.Head;
import io.papers4j.speech.naturalspeech3.Layers.ResUnit;
import io.papers4j.speech.naturalspeech3.Layers.Snake;
import io.papers4j.speech.naturalspeech3.Layers.TransformerLayer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * FACodec (NaturalSpeech 3, §3.2; spec 6(b)), in data-flow order: waveform → convolutional encoder
 * (strides 2·4·5·5 = hop 200) → h; timbre extractor (Transformer, mean over time) → h_t; three FVQ
 * groups on h, instance-normalised per utterance by default (a departure: without it even an
 * untrained quantiser names the speaker from the static spectral envelope, docs probe 8) — prosody
 * (1 codebook) and content (2) in parallel, acoustic detail (3) on h − sg(z_p + z_c); decoder input sg(z_p) + sg(z_c) + z_d (the released gradient routing), with
 * the detail codes zeroed per utterance with probability {@code detailDropout}; LayerNorm without
 * affine then conditional LayerNorm x·γ(h_t) + β(h_t); a convolutional decoder that predicts the
 * 80-band log-mel at the code rate (turned into a waveform by Griffin-Lim, see docs).
 *
 * <p>Departure (documented): the 80-band log-mel of the input, projected linearly, is added to h
 * (FACodec V2 adds mel features for prosody); the tiny waveform encoder alone learned phones and
 * speakers too slowly on 2 cores.
 *
 * <p>Supervision: z_p → z-scored log F0 and voicing; z_c → frame phone; h_t → speaker. Gradient
 * reversal: phone on z_p, F0 on z_c, phone + F0 on z_d, speaker on mean_t(z_p + z_c + z_d) (or, with
 * {@link FacodecConfig#speakerAdversary} "branches", on each group's mean separately; "frames", on
 * every frame of each group; "voicing", on its means over voiced and unvoiced frames; "phones", on its
 * mean over each phone's frames, with weights per phone; "probe", through the criterion's speaker probe refitted during
 * training on whole-utterance means, {@link SpeakerProbeAdversary}). With {@link FacodecConfig#speakerObjective} "confusion" the speaker
 * adversaries are not reversed: each head reads standardised, detached codes and learns its own
 * cross-entropy, and the codes are pushed towards the heads' uniform output by a separate term
 * ({@link #SPEAKER_CONFUSION}) whose gradient {@link CodecTraining} clips apart from the codec's.
 *
 * <p>With {@code factorised = false} it is the baseline codec: one residual group of the same six
 * codebooks on h, a plain (affine) LayerNorm, no timbre, no heads.
 */
public final class Facodec implements Parameterized {
  /** Gradient-reversal coefficient λ: the encoder receives −λ × the adversary's gradient (training sets it per step). */
  public static final double GRL_LAMBDA = 0.1;
  /** Frame-level latents (B, T, D), the timbre vector (B, D) or null, codes (B, T, n), VQ loss. */
  public record Encoded(Tensor h, Tensor zp, Tensor zc, Tensor zd, Tensor timbre, Tensor codes, Tensor vqLoss) {}

  public final FacodecConfig config;
  /** The current gradient-reversal coefficient; {@link CodecTraining} anneals it per step. */
  double grlLambda = GRL_LAMBDA;

  /**
   * Whether the prosody, content and detail quantisers read h normalised per utterance and channel
   * over time ({@link FacodecConfig#quantiserInput} "instance-norm"), so that nothing constant over
   * an utterance (the spectral envelope, the speaker) reaches the codes, or h itself ("h", as released).
   */
  final boolean instanceNormInput;
  // encoder
  final Conv stem;
  final List<List<ResUnit>> encUnits = new ArrayList<>();
  final List<Snake> encActs = new ArrayList<>();
  final List<Conv> encDown = new ArrayList<>();
  final Snake encAct;
  final Conv encOut;
  final Linear melIn; // log-mel features added to h (cf. FACodec V2's mel prosody input)
  // timbre extractor
  final List<TransformerLayer> timbre = new ArrayList<>();
  final LayerNorm timbreNorm;
  // quantisers
  final Fvq prosody, content, detail, plain;
  // decoder
  final Linear gamma, beta; // conditional LN from h_t
  final LayerNorm plainNorm;
  final Conv decIn;
  final List<ResUnit> decUnits = new ArrayList<>();
  final Snake decAct;
  final Conv decOut;
  // supervision and gradient-reversal heads
  final Head f0Head, phoneHead, grlPhoneP, grlF0C, grlPhoneD, grlF0D;
  final Linear speakerHead;
  /** Speaker adversaries: one on the pooled sum ("sum") or one per code group ("branches"; detail may be null). */
  final Linear grlSpeaker, grlSpeakerP, grlSpeakerC, grlSpeakerD;
  /** Frame-level speaker adversaries, one per code group ("frames"; detail may be null). */
  final Head grlSpeakerFrameP, grlSpeakerFrameC, grlSpeakerFrameD;
  /** Speaker adversaries on each group's mean over voiced and over unvoiced frames ("voicing"), by head name. */
  final Map<String, Linear> grlSpeakerVoicing = new LinkedHashMap<>();
  /** Speaker adversaries conditioned on the phone, one per code group ("phones"), by group name. */
  final Map<String, PhoneSpeakerHead> grlSpeakerPhones = new LinkedHashMap<>();
  /** Beside them ("phones+mean"): one head per code group on its phone-centred utterance mean, by group name. */
  final Map<String, Linear> grlSpeakerCentredMean = new LinkedHashMap<>();
  /** The criterion's speaker probe refitted during training ("probe"), or null; no parameters. */
  final SpeakerProbeAdversary speakerProbe;

  public Facodec(FacodecConfig c, long seed) {
    this.config = c;
    this.instanceNormInput = c.quantiserInput().equals("instance-norm");
    this.speakerProbe = c.factorised() && c.speakerAdversary().equals("probe") ? new SpeakerProbeAdversary(c.speakers(), c.speakerProbeL2()) : null;
    Init init = Init.normal(seed, 0.02);
    int d = c.dim();
    stem = new Conv(init, 1, c.ngf(), 7, 1, 1);
    long ch = c.ngf();
    for (int s : c.strides()) {
      List<ResUnit> units = new ArrayList<>();
      for (int k = 0; k < c.resUnits(); k++) units.add(new ResUnit(init, ch, 7, new int[] {1, 3, 9}[k]));
      encUnits.add(units);
      encActs.add(new Snake(init, ch));
      encDown.add(new Conv(init, ch, ch * 2, 2 * s, s, 1));
      ch *= 2;
    }
    encAct = new Snake(init, ch);
    encOut = new Conv(init, ch, d, 3, 1, 1);
    melIn = Layers.linear(init, c.mels(), d);
    if (c.factorised()) {
      for (int i = 0; i < c.timbreLayers(); i++) timbre.add(new TransformerLayer(init, d, 4, 4L * d));
      timbreNorm = new LayerNorm(d, 1e-5, true, init);
      prosody = new Fvq(init, d, c.prosodyCodebooks(), c.codeDim(), c.codebookSize(), c.commitWeight());
      content = new Fvq(init, d, c.contentCodebooks(), c.codeDim(), c.codebookSize(), c.commitWeight());
      detail = c.detailCodebooks() > 0 ? new Fvq(init, d, c.detailCodebooks(), c.codeDim(), c.codebookSize(), c.commitWeight()) : null;
      plain = null;
      gamma = Layers.linear(init, d, d);
      beta = Layers.linear(init, d, d);
      try (NoGradGuard g = new NoGradGuard()) {
        gamma.weight.zero_();
        gamma.bias.fill_(new Scalar(1)); // γ(h_t) starts at 1, β at 0
        beta.weight.zero_();
      }
      plainNorm = null;
      int hid = d / 2;
      f0Head = new Head(init, d, hid, 2);
      phoneHead = new Head(init, d, hid, c.phones());
      grlPhoneP = new Head(init, d, hid, c.phones());
      grlF0C = new Head(init, d, hid, 2);
      grlPhoneD = new Head(init, d, hid, c.phones());
      grlF0D = new Head(init, d, hid, 2);
      speakerHead = Layers.linear(init, d, c.speakers());
      boolean branches = c.speakerAdversary().equals("branches"), frames = c.speakerAdversary().equals("frames");
      grlSpeaker = c.speakerAdversary().equals("sum") ? Layers.linear(init, d, c.speakers()) : null;
      grlSpeakerP = branches ? Layers.linear(init, d, c.speakers()) : null;
      grlSpeakerC = branches ? Layers.linear(init, d, c.speakers()) : null;
      grlSpeakerD = branches && detail != null ? Layers.linear(init, d, c.speakers()) : null;
      grlSpeakerFrameP = frames ? new Head(init, d, hid, c.speakers()) : null;
      grlSpeakerFrameC = frames ? new Head(init, d, hid, c.speakers()) : null;
      grlSpeakerFrameD = frames && detail != null ? new Head(init, d, hid, c.speakers()) : null;
      if (c.speakerAdversary().equals("voicing")) {
        for (String g : detail != null ? new String[] {"z_p", "z_c", "z_d"} : new String[] {"z_p", "z_c"}) {
          for (String v : new String[] {"voiced", "unvoiced"}) grlSpeakerVoicing.put(g + "/" + v, Layers.linear(init, d, c.speakers()));
        }
      }
      if (c.speakerAdversary().startsWith("phones")) {
        for (String g : detail != null ? new String[] {"z_p", "z_c", "z_d"} : new String[] {"z_p", "z_c"}) {
          grlSpeakerPhones.put(g, new PhoneSpeakerHead(init, c.phones(), d, c.speakers()));
          if (c.speakerAdversary().equals("phones+mean")) grlSpeakerCentredMean.put(g, Layers.linear(init, d, c.speakers()));
        }
      }
    } else {
      timbreNorm = null;
      prosody = content = detail = null;
      plain = new Fvq(init, d, c.totalCodebooks(), c.codeDim(), c.codebookSize(), c.commitWeight());
      gamma = beta = null;
      plainNorm = new LayerNorm(d, 1e-5, true, init);
      f0Head = phoneHead = grlPhoneP = grlF0C = grlPhoneD = grlF0D = null;
      speakerHead = grlSpeaker = grlSpeakerP = grlSpeakerC = grlSpeakerD = null;
      grlSpeakerFrameP = grlSpeakerFrameC = grlSpeakerFrameD = null;
    }
    decIn = new Conv(init, d, c.decoderChannels(), 7, 1, 1);
    for (int dil : new int[] {1, 3, 9}) decUnits.add(new ResUnit(init, c.decoderChannels(), 7, dil));
    decAct = new Snake(init, c.decoderChannels());
    decOut = new Conv(init, c.decoderChannels(), c.mels(), 7, 1, 1);
  }

  /** Waveform (B, L) with L a multiple of the hop → h (B, L/hop, D). */
  public Tensor encoder(Tensor wave) {
    if (wave.size(1) % config.hop() != 0) {
      throw new IllegalArgumentException("waveform length " + wave.size(1) + " is not a multiple of the hop " + config.hop());
    }
    Tensor x = stem.forward(wave.unsqueeze(1)); // (B, ngf, L)
    for (int i = 0; i < encDown.size(); i++) {
      for (ResUnit u : encUnits.get(i)) x = u.forward(x);
      x = encDown.get(i).forward(encActs.get(i).forward(x)); // (B, 2C, L/stride)
    }
    Tensor h = encOut.forward(encAct.forward(x)).transpose(1, 2); // (B, T, D)
    return h.add(melIn.forward(logMel(wave))); // + projected log-mel of the input, (B, T, D)
  }

  /**
   * (B, T, D) normalised over T per utterance and channel, no affine. The statistics are taken in
   * float32 whatever the autocast precision (as autocast does for layer_norm): dividing by a small
   * bfloat16 standard deviation would magnify its rounding.
   */
  static Tensor instanceNorm(Tensor in) {
    Tensor x = in.to(torch.ScalarType.Float);
    Tensor mu = x.mean(new long[] {1}, true, new ScalarTypeOptional());
    Tensor c = x.sub(mu);
    Tensor var = c.mul(c).mean(new long[] {1}, true, new ScalarTypeOptional());
    return c.div(var.add(new Scalar(1e-5)).sqrt());
  }

  /** The input's log-mel (B, T, mels), frame t centred on sample t·hop, scaled by (x + 5) / 4. */
  Tensor logMel(Tensor wave) {
    long b = wave.size(0), n = wave.size(1), t = n / config.hop();
    float[] all = new float[(int) (b * n)];
    wave.detach().to(torch.ScalarType.Float).contiguous().data_ptr_float().get(all);
    io.papers4j.speech.audio.Spectrogram spec = io.papers4j.speech.audio.Spectrogram.codec16k();
    float[] out = new float[(int) (b * t * config.mels())];
    for (int i = 0; i < b; i++) {
      float[][] m = spec.logMel(Arrays.copyOfRange(all, (int) (i * n), (int) ((i + 1) * n)));
      for (int f = 0; f < t; f++) {
        for (int k = 0; k < config.mels(); k++) out[(int) ((i * t + f) * config.mels() + k)] = (m[f][k] + 5f) / 4f;
      }
    }
    return Batches.floats(out, b, t, config.mels());
  }

  /** Time lengths after the stem and after each down-sampling block (for the shape test). */
  List<Long> encoderLengths(Tensor wave) {
    List<Long> out = new ArrayList<>();
    Tensor x = stem.forward(wave.unsqueeze(1));
    out.add(x.size(2));
    for (int i = 0; i < encDown.size(); i++) {
      for (ResUnit u : encUnits.get(i)) x = u.forward(x);
      x = encDown.get(i).forward(encActs.get(i).forward(x));
      out.add(x.size(2));
    }
    return out;
  }

  /** Timbre vector h_t (B, D) from h (B, T, D): Transformer layers, LayerNorm, mean over time. */
  public Tensor timbre(Tensor h) {
    Tensor x = h;
    for (TransformerLayer l : timbre) x = l.forward(x, null);
    return timeMean(timbreNorm.forward(x));
  }

  public Encoded encode(Tensor wave) {
    if (!config.factorised()) {
      Tensor h = encoder(wave);
      Fvq.Out q = plain.forward(h);
      return new Encoded(h, null, null, q.z(), null, q.codes(), q.loss());
    }
    Tensor h = encoder(wave), qIn = instanceNormInput ? instanceNorm(h) : h;
    Tensor ht = timbre(h);
    Fvq.Out p = prosody.forward(qIn);
    Fvq.Out c = content.forward(qIn);
    Tensor loss = p.loss().add(c.loss());
    Tensor zd = null, codes = torch.cat(new TensorVector(p.codes(), c.codes()), 2);
    if (detail != null) {
      Fvq.Out r = detail.forward(qIn.sub(p.z().add(c.z()).detach()));
      zd = r.z();
      loss = loss.add(r.loss());
      codes = torch.cat(new TensorVector(codes, r.codes()), 2);
    }
    return new Encoded(h, p.z(), c.z(), zd, ht, codes, loss);
  }

  /**
   * Log-mel (B, T, mels) from the latents; {@code zd} may be null (no detail codes), {@code keep}
   * (B) scales z_d per utterance (detail dropout). Baseline codec: pass z in {@code zd}, rest null.
   */
  public Tensor decode(Tensor zp, Tensor zc, Tensor zd, Tensor keep, Tensor timbre) {
    Tensor x;
    if (config.factorised()) {
      x = zp.detach().add(zc.detach());
      if (zd != null) x = x.add(keep == null ? zd : zd.mul(keep.view(-1, 1, 1)));
      x = torch.layer_norm(x, new long[] {config.dim()}, new TensorOptional(), new TensorOptional(), 1e-5, false);
      x = x.mul(gamma.forward(timbre).unsqueeze(1)).add(beta.forward(timbre).unsqueeze(1)); // conditional LN
    } else {
      x = plainNorm.forward(zd);
    }
    Tensor y = decIn.forward(x.transpose(1, 2)); // (B, C, T)
    for (ResUnit u : decUnits) y = u.forward(y);
    return decOut.forward(decAct.forward(y)).transpose(1, 2); // (B, T, mels)
  }

  /**
   * Frames each side of an output frame that the decoder reads: input and output convs (kernel 7)
   * and the residual units (kernel 7, dilations 1, 3, 9).
   */
  public int decoderReach() {
    int r = decIn.pad + decOut.pad;
    for (ResUnit u : decUnits) r += u.reach();
    return r;
  }

  /** Codes (B, T, n) in the order prosody, content, detail (or the plain group) → log-mel. */
  public Tensor decodeCodes(Tensor codes, Tensor timbre) {
    if (!config.factorised()) return decode(null, null, plain.decode(codes), null, null);
    int np = config.prosodyCodebooks(), nc = config.contentCodebooks(), nd = config.detailCodebooks();
    Tensor zp = prosody.decode(codes.narrow(2, 0, np));
    Tensor zc = content.decode(codes.narrow(2, np, nc));
    Tensor zd = nd > 0 && codes.size(2) == np + nc + nd ? detail.decode(codes.narrow(2, np + nc, nd)) : null;
    return decode(zp, zc, zd, null, timbre);
  }

  /**
   * Training batch: waveform (B, L), log-mel (B, T, M), phones (B, T) int64, lf0/uv (B, T), speaker
   * (B) int64; {@code timbreWave} (B, L'): speech of the same speakers for the timbre extractor, or
   * null to take the timbre from {@code wave} itself.
   */
  public record Batch(Tensor wave, Tensor mel, Tensor phones, Tensor lf0, Tensor uv, Tensor speaker, Tensor timbreWave) {
    public Batch withTimbreWave(Tensor w) {
      return new Batch(wave, mel, phones, lf0, uv, speaker, w);
    }
  }

  /**
   * Every loss of 6(e): mel L1 (reconstruction), VQ (codebook + commitment), and for the FACodec F0
   * (MSE on voiced frames) + voicing (BCE) on z_p, phone CE on z_c, speaker CE on h_t, and the GRL
   * terms (the same losses through reversed gradients). {@code keep}: per-utterance detail mask or
   * null. Returns the total first, then each named part.
   */
  public Map<String, Tensor> losses(Batch b, Tensor keep) {
    Map<String, Tensor> m = new LinkedHashMap<>();
    SpeakerAdversary adversary = null;
    Encoded e = encode(b.wave());
    Tensor ht = b.timbreWave() != null && config.factorised() ? timbre(encoder(b.timbreWave())) : e.timbre();
    Tensor mel = decode(e.zp(), e.zc(), e.zd(), keep, ht);
    m.put("mel_l1", torch.l1_loss(mel, b.mel()));
    m.put("vq", e.vqLoss());
    if (config.factorised()) {
      Tensor f0 = f0Loss(f0Head.forward(e.zp()), b);
      Tensor ph = phoneLoss(phoneHead.forward(e.zc()), b);
      Tensor spk = torch.cross_entropy_loss(speakerHead.forward(ht), b.speaker());
      m.put("f0_uv", f0);
      m.put("phone", ph);
      m.put("speaker", spk);
      Tensor grl = null;
      if (config.grlProsodyPhone()) grl = sum(grl, phoneLoss(grlPhoneP.forward(Layers.reverseGradient(e.zp(), grlLambda)), b));
      if (config.grlContentF0()) grl = sum(grl, f0Loss(grlF0C.forward(Layers.reverseGradient(e.zc(), grlLambda)), b));
      if (config.grlDetail() && e.zd() != null) {
        Tensor rd = Layers.reverseGradient(e.zd(), grlLambda);
        grl = sum(grl, phoneLoss(grlPhoneD.forward(rd), b).add(f0Loss(grlF0D.forward(rd), b)));
      }
      if (config.grlSpeaker()) {
        adversary = speakerAdversary(e, b.speaker(), b.uv(), b.phones(), true);
        if (adversary.loss() != null) grl = sum(grl, adversary.loss()); // null: the probe adversary before its first fit
      }
      if (grl != null) m.put("grl", grl);
    }
    Tensor total = null;
    for (Tensor t : m.values()) total = sum(total, t);
    Map<String, Tensor> out = new LinkedHashMap<>();
    out.put("total", total);
    out.putAll(m);
    if (adversary != null) {
      adversary.headCe().forEach((k, v) -> out.put(HEAD_CE + k, v.detach())); // diagnostics, not in the total
      if (adversary.confusion() != null) out.put(SPEAKER_CONFUSION, adversary.confusion());
    }
    return out;
  }

  /** Key of the speaker-confusion term in {@link #losses}: not in the total, {@link CodecTraining} clips its gradient apart. */
  public static final String SPEAKER_CONFUSION = "speaker_confusion";
  /** Prefix of each speaker adversary head's own cross-entropy in {@link #losses} (a diagnostic, not in the total). */
  public static final String HEAD_CE = "speaker_head_ce_";

  /**
   * The speaker adversaries' terms: {@code loss} goes into the total (reversal: the reversed
   * cross-entropy; confusion: the heads' own cross-entropy on detached codes, which trains the heads
   * only), {@code confusion} (confusion objective only, else null) is the cross-entropy of each head's
   * output against the uniform distribution, to be minimised by the codes alone, and {@code headCe} is
   * each head's own cross-entropy by head name.
   */
  record SpeakerAdversary(Tensor loss, Tensor confusion, Map<String, Tensor> headCe) {}

  /**
   * {@link SpeakerAdversary}; {@code uv} (B, T) the frames' voicing (read by the "voicing" adversary only, else may be null);
   * {@code training}: whether this batch updates the confusion heads' running input statistics.
   */
  SpeakerAdversary speakerAdversary(Encoded e, Tensor speaker, Tensor uv, boolean training) {
    return speakerAdversary(e, speaker, uv, null, training);
  }

  /** As above, with the frames' phones (B, T), which the "phones" adversary reads (else may be null). */
  SpeakerAdversary speakerAdversary(Encoded e, Tensor speaker, Tensor uv, Tensor phones, boolean training) {
    if (!grlSpeakerPhones.isEmpty()) return phoneSpeakerAdversary(e, speaker, phones, training);
    if (speakerProbe != null) return probeSpeakerAdversary(e, speaker);
    Map<String, Tensor> ce = new LinkedHashMap<>();
    if (!config.speakerObjective().equals("confusion")) {
      Tensor loss = null;
      for (Map.Entry<String, Tensor> h : speakerAdversaryLogits(e, uv).entrySet()) {
        Tensor l = speakerCe(h.getValue(), speaker);
        ce.put(h.getKey(), l);
        loss = sum(loss, l);
      }
      return new SpeakerAdversary(loss, null, ce);
    }
    Tensor loss = null, confusion = null;
    for (Map.Entry<String, Tensor> in : speakerAdversaryInputs(e, uv).entrySet()) {
      Tensor x = standardise(in.getKey(), in.getValue(), training);
      Tensor own = speakerCe(speakerAdversaryHead(in.getKey()).apply(x.detach()), speaker); // the head's best response
      ce.put(in.getKey(), own);
      loss = sum(loss, own);
      confusion = sum(confusion, uniformCe(speakerAdversaryHead(in.getKey()).apply(x))); // the codes' side
    }
    return new SpeakerAdversary(loss, confusion, ce);
  }

  /**
   * The "phones" adversary: per code group, a {@link PhoneSpeakerHead} on the group's mean over each
   * phone's frames in each utterance (silence left out), every row labelled with its utterance's
   * speaker. Reversal: the rows reach the head through a gradient reversal of {@code speakerGrlScale}
   * × λ. Confusion: the head reads the rows standardised per phone, detached for its own loss, and the
   * codes minimise the cross-entropy of its output against the uniform distribution, as for the other forms.
   * "phones+mean" adds per group a linear head (named "z_c/mean" etc.) on the utterance's mean over its speech
   * frames, each frame minus its phone's running mean: the shift shared by all phones, which a head reading
   * one phone at a time cannot see and which the composition of phones no longer hides (docs probe 13);
   * the same objective, its input standardised per feature by running statistics under confusion.
   */
  SpeakerAdversary phoneSpeakerAdversary(Encoded e, Tensor speaker, Tensor phones, boolean training) {
    if (phones == null) throw new IllegalArgumentException("the phones speaker adversary needs the frames' phones");
    boolean confusionObjective = config.speakerObjective().equals("confusion");
    double lambda = grlLambda * config.speakerGrlScale();
    Map<String, Tensor> ce = new LinkedHashMap<>();
    Tensor loss = null, confusion = null;
    Tensor[] z = {e.zp(), e.zc(), e.zd()};
    String[] g = {"z_p", "z_c", "z_d"};
    PhoneSpeakerHead.Rows[] rows = new PhoneSpeakerHead.Rows[3];
    for (int k = 0; k < 3; k++) {
      PhoneSpeakerHead head = grlSpeakerPhones.get(g[k]);
      if (z[k] == null || head == null) continue;
      PhoneSpeakerHead.Rows r = PhoneSpeakerHead.rows(z[k], phones, config.phones());
      rows[k] = r;
      if (r == null) continue; // no speech frame in the batch
      Tensor y = speaker.index_select(0, r.utt());
      if (!confusionObjective) {
        Tensor l = speakerCe(head.forward(Layers.reverseGradient(r.x(), lambda), r.phone()), y);
        ce.put(g[k], l);
        loss = sum(loss, l);
        continue;
      }
      Tensor x = head.standardise(r.x(), r.phoneIds(), training);
      Tensor own = speakerCe(head.forward(x.detach(), r.phone()), y); // the head's best response
      ce.put(g[k], own);
      loss = sum(loss, own);
      confusion = sum(confusion, uniformCe(head.forward(x, r.phone())));
    }
    for (int k = 0; k < 3; k++) {
      Linear meanHead = grlSpeakerCentredMean.get(g[k]);
      PhoneSpeakerHead.Rows r = rows[k];
      if (meanHead == null || r == null) continue;
      // centred after the phone head has taken this batch into its statistics (above)
      Tensor m = PhoneSpeakerHead.utteranceMean(grlSpeakerPhones.get(g[k]).centre(r.x(), r.phoneIds()), r, (int) z[k].size(0));
      String name = g[k] + "/mean";
      if (!confusionObjective) {
        Tensor l = speakerCe(meanHead.forward(Layers.reverseGradient(m, lambda)), speaker);
        ce.put(name, l);
        loss = sum(loss, l);
        continue;
      }
      Tensor x = standardise(name, m, training);
      Tensor own = speakerCe(meanHead.forward(x.detach()), speaker);
      ce.put(name, own);
      loss = sum(loss, own);
      confusion = sum(confusion, uniformCe(meanHead.forward(x)));
    }
    return new SpeakerAdversary(loss, confusion, ce);
  }

  /**
   * The "probe" adversary ({@link SpeakerProbeAdversary}): each code group's crop mean through the classifier
   * last refitted on whole-utterance means. Reversal: its cross-entropy through a gradient reversal of
   * {@code speakerGrlScale} × λ, into the total. Confusion: no loss into the total (the classifier is fit
   * apart, not by gradient), and the codes minimise the cross-entropy of its output against the uniform
   * distribution. Before the first refit: no term. {@code headCe}: the classifier's cross-entropy on the
   * batch with the true speakers, detached (how well it reads the current crops).
   */
  SpeakerAdversary probeSpeakerAdversary(Encoded e, Tensor speaker) {
    boolean confusionObjective = config.speakerObjective().equals("confusion");
    double lambda = grlLambda * config.speakerGrlScale();
    Encoded in = confusionObjective ? e
        : new Encoded(e.h(), Layers.reverseGradient(e.zp(), lambda), Layers.reverseGradient(e.zc(), lambda),
            e.zd() == null ? null : Layers.reverseGradient(e.zd(), lambda), e.timbre(), e.codes(), e.vqLoss());
    Map<String, Tensor> ce = new LinkedHashMap<>();
    Tensor loss = null, confusion = null;
    for (Map.Entry<String, Tensor> l : speakerProbe.logits(in).entrySet()) {
      Tensor own = speakerCe(l.getValue(), speaker);
      ce.put(l.getKey(), own.detach());
      if (confusionObjective) confusion = sum(confusion, uniformCe(l.getValue()));
      else loss = sum(loss, own);
    }
    return new SpeakerAdversary(loss, confusion, ce);
  }

  /**
   * The confusion objective's term: the cross-entropy of the logits' softmax against the uniform distribution over
   * the S speakers, averaged over rows; minimal (ln S) when the head cannot tell the speakers apart.
   */
  private static Tensor uniformCe(Tensor logits) {
    return logits.log_softmax(-1).mean().neg();
  }

  /** Cross-entropy of (B, S) logits, or of (B, T, S) logits with every frame labelled with its utterance's speaker. */
  private static Tensor speakerCe(Tensor logits, Tensor speaker) {
    return logits.dim() == 3
        ? torch.cross_entropy_loss(logits.reshape(-1, logits.size(2)), speaker.view(-1, 1).expand(logits.size(0), logits.size(1)).reshape(-1))
        : torch.cross_entropy_loss(logits, speaker);
  }

  /**
   * Running per-feature mean and variance of each confusion head's input (float arrays, so that they
   * outlive each training step's native scope): set from the first batch, then updated with momentum
   * {@link #STATS_MOMENTUM}. Not saved with the model: only training reads them.
   */
  private final Map<String, float[][]> adversaryStats = new LinkedHashMap<>();
  static final double STATS_MOMENTUM = 0.05;

  /**
   * x (B, D) or (B, T, D) shifted and scaled per feature by the running statistics of the head's
   * inputs, which are constants to autograd: the codes cannot shrink out of the head's sight, as they
   * did with a raw input (docs probe 11), because the statistics follow them.
   */
  Tensor standardise(String head, Tensor x, boolean update) {
    int d = (int) x.size(-1);
    if (update) {
      float[][] rows = Batches.rows(x.detach().to(torch.ScalarType.Float).reshape(-1, d));
      float[] mu = new float[d], var = new float[d];
      for (float[] r : rows) for (int j = 0; j < d; j++) mu[j] += r[j] / rows.length;
      for (float[] r : rows) for (int j = 0; j < d; j++) var[j] += (r[j] - mu[j]) * (r[j] - mu[j]) / rows.length;
      float[][] st = adversaryStats.get(head);
      if (st == null) {
        adversaryStats.put(head, new float[][] {mu, var});
      } else {
        for (int j = 0; j < d; j++) {
          st[0][j] += (float) (STATS_MOMENTUM * (mu[j] - st[0][j]));
          st[1][j] += (float) (STATS_MOMENTUM * (var[j] - st[1][j]));
        }
      }
    }
    float[][] st = adversaryStats.get(head);
    if (st == null) return x; // never trained: no statistics yet
    float[] sd = new float[d];
    for (int j = 0; j < d; j++) sd[j] = (float) Math.sqrt(st[1][j] + 1e-5);
    return x.sub(Batches.floats(st[0], d)).div(Batches.floats(sd, d));
  }

  /** Parameters of the speaker adversary heads (trained on their own loss only; clipped apart under "confusion"). */
  public Set<String> speakerAdversaryParameterNames() {
    Set<String> out = new LinkedHashSet<>();
    for (String k : namedParameters().keySet()) if (k.startsWith("grl.speaker")) out.add(k);
    return out;
  }

  /** Weight of the speaker-confusion gradient after it has been clipped to norm 1: λ × {@code speakerGrlScale}. */
  public double speakerConfusionWeight() {
    return grlLambda * config.speakerGrlScale();
  }

  /**
   * The speaker-GRL term: cross-entropy of the speaker from the codes, through a gradient reversal
   * of {@code speakerGrlScale} × λ, summed over the adversaries of {@link #speakerAdversaryLogits}.
   * A frame head's cross-entropy is taken over every frame, each labelled with its utterance's speaker.
   */
  Tensor speakerAdversaryLoss(Encoded e, Tensor speaker) {
    Tensor loss = null;
    for (Tensor logits : speakerAdversaryLogits(e).values()) loss = sum(loss, speakerCe(logits, speaker));
    return loss;
  }

  /**
   * The speaker adversaries' logits by head name, each read through a gradient reversal of
   * {@code speakerGrlScale} × λ (the identity forward). "sum": one linear head on
   * mean_t(z_p + z_c + z_d), (B, S) (the released design; the groups can carry the speaker in parts
   * that cancel in the sum); "branches": a linear head on each group's utterance mean, (B, S) each;
   * "frames": a convolutional head (the phone/F0 adversaries' form) on every frame of each group,
   * (B, T, S) each — the speaker that is left varies within the utterance (formants per phone), which
   * a head on the utterance mean sees only on average. Under the "confusion" objective the heads read
   * their standardised input (no reversal; the statistics are not updated here).
   */
  Map<String, Tensor> speakerAdversaryLogits(Encoded e) {
    return speakerAdversaryLogits(e, null);
  }

  /** As {@link #speakerAdversaryLogits(Encoded)}, with the frames' voicing (B, T) for the "voicing" adversary. */
  Map<String, Tensor> speakerAdversaryLogits(Encoded e, Tensor uv) {
    double lambda = grlLambda * config.speakerGrlScale();
    boolean confusion = config.speakerObjective().equals("confusion");
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> in : speakerAdversaryInputs(e, uv).entrySet()) {
      Tensor x = confusion ? standardise(in.getKey(), in.getValue(), false) : Layers.reverseGradient(in.getValue(), lambda);
      out.put(in.getKey(), speakerAdversaryHead(in.getKey()).apply(x));
    }
    return out;
  }

  /**
   * What each speaker adversary reads, by head name: utterance means (B, D), frames (B, T, D), or
   * ("voicing") each group's mean over its voiced and over its unvoiced frames (B, D), which needs
   * {@code uv} (B, T). The last because the speaker left in the codes is read from such means far
   * better than from the utterance mean (docs probe 12): the quantisers' instance norm removes the
   * utterance mean from their input, not the contrast between kinds of frame.
   */
  Map<String, Tensor> speakerAdversaryInputs(Encoded e, Tensor uv) {
    if (!grlSpeakerPhones.isEmpty()) throw new IllegalArgumentException("the phones speaker adversary reads per-phone rows: see phoneSpeakerAdversary");
    if (speakerProbe != null) throw new IllegalArgumentException("the probe speaker adversary has no heads of its own: see probeSpeakerAdversary");
    Map<String, Tensor> out = new LinkedHashMap<>();
    if (!grlSpeakerVoicing.isEmpty()) {
      if (uv == null) throw new IllegalArgumentException("the voicing speaker adversary needs the frames' voicing");
      Tensor on = uv.to(torch.ScalarType.Float).unsqueeze(2), off = on.neg().add(new Scalar(1)); // (B, T, 1)
      Tensor[] z = {e.zp(), e.zc(), e.zd()};
      String[] g = {"z_p", "z_c", "z_d"};
      for (int k = 0; k < 3; k++) {
        if (z[k] == null || !grlSpeakerVoicing.containsKey(g[k] + "/voiced")) continue;
        out.put(g[k] + "/voiced", maskedMean(z[k], on));
        out.put(g[k] + "/unvoiced", maskedMean(z[k], off));
      }
    } else if (grlSpeaker != null) {
      Tensor z = e.zp().add(e.zc());
      if (e.zd() != null) z = z.add(e.zd());
      out.put("sum", timeMean(z));
    } else if (grlSpeakerP != null) {
      out.put("z_p", timeMean(e.zp()));
      out.put("z_c", timeMean(e.zc()));
      if (grlSpeakerD != null && e.zd() != null) out.put("z_d", timeMean(e.zd()));
    } else {
      out.put("z_p", e.zp());
      out.put("z_c", e.zc());
      if (grlSpeakerFrameD != null && e.zd() != null) out.put("z_d", e.zd());
    }
    return out;
  }

  /** Mean over the frames where {@code mask} (B, T, 1) is 1: (B, T, D) → (B, D); zeros for an utterance without such frames. */
  private static Tensor maskedMean(Tensor z, Tensor mask) {
    Tensor n = mask.sum(new long[] {1}, false, new ScalarTypeOptional()).clamp_min(new Scalar(1));
    return z.mul(mask).sum(new long[] {1}, false, new ScalarTypeOptional()).div(n);
  }

  /** The speaker adversary head named as in {@link #speakerAdversaryInputs}. */
  UnaryOperator<Tensor> speakerAdversaryHead(String name) {
    if (!grlSpeakerVoicing.isEmpty()) return grlSpeakerVoicing.get(name)::forward;
    if (grlSpeaker != null) return grlSpeaker::forward;
    if (grlSpeakerP != null) {
      Linear l = name.equals("z_p") ? grlSpeakerP : name.equals("z_c") ? grlSpeakerC : grlSpeakerD;
      return l::forward;
    }
    Head h = name.equals("z_p") ? grlSpeakerFrameP : name.equals("z_c") ? grlSpeakerFrameC : grlSpeakerFrameD;
    return h::forward;
  }

  private static Tensor timeMean(Tensor z) { // (B, T, D) -> (B, D)
    return z.mean(new long[] {1}, false, new ScalarTypeOptional());
  }

  private static Tensor sum(Tensor a, Tensor b) {
    return a == null ? b : a.add(b);
  }

  /** MSE of z-scored log F0 on voiced frames + BCE of the voicing logit; pred (B, T, 2). */
  static Tensor f0Loss(Tensor pred, Batch b) {
    Tensor diff = pred.select(2, 0).sub(b.lf0());
    Tensor mse = diff.mul(diff).mul(b.uv()).sum().div(b.uv().sum().clamp_min(new Scalar(1)));
    return mse.add(torch.binary_cross_entropy_with_logits(pred.select(2, 1), b.uv()));
  }

  static Tensor phoneLoss(Tensor logits, Batch b) { // logits (B, T, P)
    return torch.cross_entropy_loss(logits.reshape(-1, logits.size(2)), b.phones().reshape(-1));
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Params p = new Params().add("encoder.stem", stem);
    for (int i = 0; i < encDown.size(); i++) {
      for (int j = 0; j < config.resUnits(); j++) p.add("encoder.blocks." + i + ".res." + j, encUnits.get(i).get(j));
      p.add("encoder.blocks." + i + ".act", encActs.get(i)).add("encoder.blocks." + i + ".down", encDown.get(i));
    }
    p.add("encoder.act", encAct).add("encoder.out", encOut).add("encoder.mel_in", melIn);
    if (config.factorised()) {
      for (int i = 0; i < timbre.size(); i++) p.add("timbre.layers." + i, timbre.get(i));
      p.add("timbre.norm", timbreNorm);
      p.add("fvq.prosody", prosody).add("fvq.content", content);
      if (detail != null) p.add("fvq.detail", detail);
      p.add("decoder.cond_gamma", gamma).add("decoder.cond_beta", beta);
      p.add("heads.f0", f0Head).add("heads.phone", phoneHead).add("heads.speaker", speakerHead);
      p.add("grl.prosody_phone", grlPhoneP).add("grl.content_f0", grlF0C).add("grl.detail_phone", grlPhoneD)
          .add("grl.detail_f0", grlF0D);
      if (grlSpeaker != null) p.add("grl.speaker", grlSpeaker);
      if (grlSpeakerP != null) p.add("grl.speaker_prosody", grlSpeakerP).add("grl.speaker_content", grlSpeakerC);
      if (grlSpeakerD != null) p.add("grl.speaker_detail", grlSpeakerD);
      if (grlSpeakerFrameP != null) p.add("grl.speaker_frames_prosody", grlSpeakerFrameP).add("grl.speaker_frames_content", grlSpeakerFrameC);
      if (grlSpeakerFrameD != null) p.add("grl.speaker_frames_detail", grlSpeakerFrameD);
      grlSpeakerVoicing.forEach((k, v) -> p.add("grl.speaker_voicing." + groupName(k).replace('/', '_'), v));
      grlSpeakerPhones.forEach((k, v) -> p.add("grl.speaker_phones." + groupName(k), v));
      grlSpeakerCentredMean.forEach((k, v) -> p.add("grl.speaker_centred_mean." + groupName(k), v));
    } else {
      p.add("fvq.residual", plain).add("decoder.norm", plainNorm);
    }
    p.add("decoder.in", decIn);
    for (int i = 0; i < decUnits.size(); i++) p.add("decoder.res." + i, decUnits.get(i));
    return p.add("decoder.act", decAct).add("decoder.out", decOut).map();
  }

  /** A head key's code groups ("z_p", "z_c", "z_d") spelled as in checkpoint names ("prosody", "content", "detail"). */
  private static String groupName(String key) {
    return key.replace("z_p", "prosody").replace("z_c", "content").replace("z_d", "detail");
  }
}
