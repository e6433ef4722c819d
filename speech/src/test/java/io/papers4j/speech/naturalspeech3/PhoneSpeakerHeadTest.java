package io.papers4j.speech.naturalspeech3;

import static io.papers4j.speech.naturalspeech3.FacodecTest.fakeUtts;
import static io.papers4j.speech.naturalspeech3.FacodecTest.tiny;
import static io.papers4j.speech.naturalspeech3.FacodecTest.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.papers4j.core.nn.Init;
import io.papers4j.core.tensor.Engine;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The phone-conditioned speaker adversary ("phones", docs/naturalspeech3.md probe 13). */
class PhoneSpeakerHeadTest {
  @BeforeAll
  static void engine() {
    Engine.init(1);
  }

  /** Two utterances of 5 frames: utterance 0 says phones 1 1 _ 2 1, utterance 1 says 3 3 3 _ _ (0 = silence); one label more than frames. */
  static Tensor phones() {
    return Batches.longs(new long[] {1, 1, 0, 2, 1, 4, 3, 3, 3, 0, 0, 5}, 2, 6);
  }

  @Test
  void rowsAreEachUtterancesMeanOverEachPhonesFramesWithoutSilence() {
    Engine.seed(1);
    Tensor z = torch.randn(2, 5, 16);
    PhoneSpeakerHead.Rows r = PhoneSpeakerHead.rows(z, phones(), 7);
    assertThat(r.phoneIds()).containsExactly(1, 2, 3);
    assertThat(values(r.utt().to(torch.ScalarType.Float))).containsExactly(0f, 0f, 1f);
    assertThat(values(r.phone().to(torch.ScalarType.Float))).containsExactly(1f, 2f, 3f);
    float[] zv = values(z), x = values(r.x());
    for (int j = 0; j < 16; j++) {
      assertThat(x[j]).isCloseTo((zv[j] + zv[16 + j] + zv[64 + j]) / 3, offset(1e-5f)); // phone 1: frames 0, 1, 4
      assertThat(x[16 + j]).isEqualTo(zv[48 + j]); // phone 2: frame 3
      assertThat(x[32 + j]).isCloseTo((zv[80 + j] + zv[96 + j] + zv[112 + j]) / 3, offset(1e-5f)); // phone 3 of utterance 1
    }
    assertThat(PhoneSpeakerHead.rows(z, torch.zeros(2, 5).to(torch.ScalarType.Long), 7)).as("only silence").isNull();
  }

  /** Each row is read with its own phone's weights and bias: a row of phone 2 does not change when phone 1's weights do. */
  @Test
  void eachPhoneHasItsOwnWeights() {
    PhoneSpeakerHead h = new PhoneSpeakerHead(Init.normal(2, 0.02), 7, 16, 3);
    Tensor x = torch.randn(2, 16);
    Tensor ph = Batches.longs(new long[] {1, 2}, 2);
    float[] before = values(h.forward(x, ph));
    float[] expect = values(x.select(0, 0).unsqueeze(0).matmul(h.weight.select(0, 1)).add(h.bias.select(0, 1)));
    for (int s = 0; s < 3; s++) assertThat(before[s]).isCloseTo(expect[s], offset(1e-5f));
    try (NoGradGuard g = new NoGradGuard()) {
      h.weight.select(0, 1).mul_(new Scalar(-1));
    }
    float[] after = values(h.forward(x, ph));
    for (int s = 0; s < 3; s++) {
      assertThat(after[s]).isCloseTo(-before[s], offset(1e-5f));
      assertThat(after[3 + s]).isEqualTo(before[3 + s]);
    }
  }

  /**
   * Under the confusion objective the head reads how an utterance says a phone: each row minus its
   * phone's running mean, over the pooled spread of such deviations. Phones far apart (±5) with a small
   * spread (0.5) come out centred with unit variance; a phone whose realisation moves is followed.
   */
  @Test
  void standardisationRemovesEachPhonesMeanAndFollowsIt() {
    Engine.seed(3);
    PhoneSpeakerHead h = new PhoneSpeakerHead(Init.normal(3, 0.02), 7, 16, 3);
    int n = 200;
    int[] ids = new int[n];
    for (int k = 0; k < n; k++) ids[k] = k % 2 == 0 ? 1 : 2;
    float[] off = new float[n];
    for (int k = 0; k < n; k++) off[k] = k % 2 == 0 ? 5 : -5;
    Tensor x = torch.randn(n, 16).mul(new Scalar(0.5)).add(Batches.floats(off, n, 1));
    assertThat(values(h.standardise(x, ids, false))).as("no statistics yet: unchanged").containsExactly(values(x));
    float[] s = values(h.standardise(x, ids, true));
    double[] mean = new double[3];
    double var = 0;
    for (int k = 0; k < n; k++) {
      for (int j = 0; j < 16; j++) {
        mean[ids[k]] += s[k * 16 + j] / (n / 2.0 * 16);
        var += s[k * 16 + j] * s[k * 16 + j] / (n * 16.0);
      }
    }
    assertThat(mean[1]).isCloseTo(0, offset(1e-4));
    assertThat(mean[2]).isCloseTo(0, offset(1e-4));
    assertThat(var).isCloseTo(1, offset(0.01));
    // phone 1 is now said 2 higher in every feature: before the statistics follow, its rows read +4 sd; after, 0
    float[] shift = new float[n];
    for (int k = 0; k < n; k += 2) shift[k] = 2;
    Tensor moved = x.add(Batches.floats(shift, n, 1));
    assertThat(meanOfPhone1Rows(h.standardise(moved, ids, false))).isCloseTo(4, offset(0.3));
    for (int i = 0; i < 300; i++) h.standardise(moved, ids, true);
    assertThat(meanOfPhone1Rows(h.standardise(moved, ids, false))).isCloseTo(0, offset(0.3));
  }

  private static double meanOfPhone1Rows(Tensor s) {
    float[] v = values(s);
    double m = 0;
    for (int k = 0; k < v.length / 16; k += 2) for (int j = 0; j < 16; j++) m += v[k * 16 + j] / (v.length / 32.0 * 16);
    return m;
  }

  /**
   * In a FACodec: one head per group, named grl.speaker_phones.*; under "confusion" the heads' own loss
   * reaches no code and the uniform-target term reaches every group; under "reversal" the codes get the
   * head's gradient reversed. The adversary needs the frames' phones.
   */
  @Test
  void phonesAdversaryInTheCodec() {
    Engine.seed(4);
    Facodec m = new Facodec(tiny(true).withSpeakerAdversary("phones", 1).withSpeakerObjective("confusion"), 4);
    assertThat(m.namedParameters()).containsKeys("grl.speaker_phones.prosody.weight", "grl.speaker_phones.content.bias",
        "grl.speaker_phones.detail.weight");
    assertThat(m.speakerAdversaryParameterNames()).hasSize(6);
    Tensor[] z = {torch.randn(2, 5, 16).set_requires_grad(true), torch.randn(2, 5, 16).set_requires_grad(true),
        torch.randn(2, 5, 16).set_requires_grad(true)};
    Facodec.Encoded e = new Facodec.Encoded(null, z[0], z[1], z[2], null, null, null);
    Tensor spk = Batches.longs(new long[] {0, 2}, 2);
    Facodec.SpeakerAdversary a = m.speakerAdversary(e, spk, null, phones(), true);
    assertThat(a.headCe()).containsOnlyKeys("z_p", "z_c", "z_d");
    a.loss().backward();
    for (Tensor t : z) assertThat(t.grad().defined()).as("the heads' own loss reaches no code").isFalse();
    assertThat(values(m.grlSpeakerPhones.get("z_c").weight.grad().abs().sum())[0]).isGreaterThan(0f);
    TensorVector g = torch.grad(new TensorVector(a.confusion()), new TensorVector(z));
    for (int k = 0; k < 3; k++) assertThat(values(g.get(k).abs().sum())[0]).as("group %d is pushed", k).isGreaterThan(0f);
    // silent frames are read by no head: their gradient is zero
    float[] gc = values(g.get(1));
    for (int j = 0; j < 16; j++) assertThat(gc[2 * 16 + j]).isEqualTo(0f);
    assertThatThrownBy(() -> m.speakerAdversary(e, spk, null, null, true)).hasMessageContaining("phones");

    Facodec r = new Facodec(tiny(true).withSpeakerAdversary("phones", 1), 4);
    Tensor zc = z[1].detach().clone().set_requires_grad(true);
    r.speakerAdversary(new Facodec.Encoded(null, z[0].detach(), zc, z[2].detach(), null, null, null), spk, null, phones(), true)
        .loss().backward();
    assertThat(values(zc.grad().abs().sum())[0]).as("reversal reaches the codes").isGreaterThan(0f);
  }

  /** Training with the phones adversary under the confusion objective runs and logs each head's own cross-entropy. */
  @Test
  void trainingWithThePhonesAdversaryLogsItsHeads() {
    List<io.papers4j.speech.data.SpeechCorpus.Utt> data = fakeUtts(6, 12, 0);
    CodecTraining.Run run = CodecTraining.train(tiny(true).withSpeakerAdversary("phones", 10).withSpeakerObjective("confusion"), data,
        new CodecTraining.Recipe(3, 2, 8, 1e-3), 5, "t");
    assertThat(run.lossCurve()).hasSize(3).allMatch(Double::isFinite);
    assertThat(run.partCurves()).containsKeys(Facodec.HEAD_CE + "z_p", Facodec.HEAD_CE + "z_c", Facodec.HEAD_CE + "z_d",
        Facodec.SPEAKER_CONFUSION);
    Map<String, Object> saved = new java.util.LinkedHashMap<>(run.model().config.toMap());
    saved.put("strides", List.of(2, 4, 5, 5));
    assertThat(FacodecConfig.fromMap(saved).speakerAdversary()).isEqualTo("phones");
  }

  /**
   * The "phones+mean" head's input: each utterance's mean over its speech frames of z minus each frame's
   * phone running mean, i.e. the rows centred by {@link PhoneSpeakerHead#centre} and weighted by their frames.
   */
  @Test
  void centredUtteranceMeanIsTheSpeechMeanOfFramesMinusTheirPhoneMeans() {
    Engine.seed(6);
    PhoneSpeakerHead h = new PhoneSpeakerHead(Init.normal(6, 0.02), 7, 16, 3);
    int n = 40;
    int[] ids = new int[n];
    for (int k = 0; k < n; k++) ids[k] = 1 + k % 4;
    float[] off = new float[n];
    for (int k = 0; k < n; k++) off[k] = 3 * ids[k];
    Tensor train = torch.randn(n, 16).add(Batches.floats(off, n, 1));
    Tensor z = torch.randn(2, 5, 16);
    PhoneSpeakerHead.Rows r = PhoneSpeakerHead.rows(z, phones(), 7);
    assertThat(r.frames()).containsExactly(3, 1, 3);
    assertThat(r.uttIds()).containsExactly(0, 0, 1);
    float[] zv = values(z);
    float[] plain = values(PhoneSpeakerHead.utteranceMean(h.centre(r.x(), r.phoneIds()), r, 2));
    for (int j = 0; j < 16; j++) {
      assertThat(plain[j]).as("no statistics yet: the plain speech mean")
          .isCloseTo((zv[j] + zv[16 + j] + zv[48 + j] + zv[64 + j]) / 4, offset(1e-5f));
    }
    h.standardise(train, ids, true);
    float[][] mu = new float[4][];
    for (int p = 1; p <= 3; p++) mu[p] = values(h.centre(torch.zeros(1, 16), new int[] {p}).neg());
    assertThat(mu[3][0]).as("phone 3's running mean").isCloseTo(9, offset(1.0f));
    float[] m = values(PhoneSpeakerHead.utteranceMean(h.centre(r.x(), r.phoneIds()), r, 2));
    int[][] frames = {{0, 0, 1}, {1, 0, 1}, {3, 0, 2}, {4, 0, 1}, {0, 1, 3}, {1, 1, 3}, {2, 1, 3}}; // t, utterance, phone
    for (int j = 0; j < 16; j++) {
      double[] expect = new double[2];
      for (int[] f : frames) expect[f[1]] += (zv[(f[1] * 5 + f[0]) * 16 + j] - mu[f[2]][j]) / (f[1] == 0 ? 4 : 3);
      assertThat(m[j]).isCloseTo((float) expect[0], offset(1e-4f));
      assertThat(m[16 + j]).isCloseTo((float) expect[1], offset(1e-4f));
    }
  }

  /**
   * "phones+mean" joins the per-phone heads and a head per group on the phone-centred utterance mean:
   * both kinds learn on their own loss (which reaches no code), and each pushes the codes; the mean head's
   * push is the same on every speech frame of an utterance (it reads their mean) and nothing on silence.
   * The default and the plain "phones" form have no mean heads.
   */
  @Test
  void phonesAndCentredMeanHeadsTogether() {
    assertThat(FacodecConfig.small(7, 3).speakerAdversary()).isEqualTo("sum");
    assertThat(new Facodec(tiny(true).withSpeakerAdversary("phones", 1), 4).namedParameters().keySet())
        .noneMatch(k -> k.startsWith("grl.speaker_centred_mean"));
    Engine.seed(4);
    Facodec m = new Facodec(tiny(true).withSpeakerAdversary("phones+mean", 1).withSpeakerObjective("confusion"), 4);
    assertThat(m.namedParameters()).containsKeys("grl.speaker_phones.content.weight", "grl.speaker_centred_mean.content.weight",
        "grl.speaker_centred_mean.detail.bias");
    assertThat(m.speakerAdversaryParameterNames()).hasSize(12);
    Tensor[] z = {torch.randn(2, 5, 16).set_requires_grad(true), torch.randn(2, 5, 16).set_requires_grad(true),
        torch.randn(2, 5, 16).set_requires_grad(true)};
    Facodec.Encoded e = new Facodec.Encoded(null, z[0], z[1], z[2], null, null, null);
    Tensor spk = Batches.longs(new long[] {0, 2}, 2);
    Facodec.SpeakerAdversary a = m.speakerAdversary(e, spk, null, phones(), true);
    assertThat(a.headCe()).containsOnlyKeys("z_p", "z_c", "z_d", "z_p/mean", "z_c/mean", "z_d/mean");
    a.loss().backward();
    for (Tensor t : z) assertThat(t.grad().defined()).as("the heads' own loss reaches no code").isFalse();
    assertThat(values(m.grlSpeakerPhones.get("z_c").weight.grad().abs().sum())[0]).isGreaterThan(0f);
    assertThat(values(m.grlSpeakerCentredMean.get("z_c").weight.grad().abs().sum())[0]).isGreaterThan(0f);
    TensorVector both = torch.grad(new TensorVector(a.confusion()), new TensorVector(z[1]));
    // the per-phone heads silenced (constant logits): what still reaches the codes comes from the mean heads
    try (NoGradGuard g = new NoGradGuard()) {
      for (PhoneSpeakerHead h : m.grlSpeakerPhones.values()) {
        h.weight.zero_();
        h.bias.zero_();
      }
    }
    Tensor meanOnly = torch.grad(new TensorVector(m.speakerAdversary(e, spk, null, phones(), false).confusion()), new TensorVector(z[1])).get(0);
    float[] g = values(meanOnly), gb = values(both.get(0));
    assertThat(values(meanOnly.abs().sum())[0]).as("the mean head pushes z_c").isGreaterThan(0f);
    for (int j = 0; j < 16; j++) {
      for (int t : new int[] {1, 3, 4}) assertThat(g[t * 16 + j]).isCloseTo(g[j], offset(1e-6f)); // utterance 0's speech frames
      for (int t : new int[] {1, 2}) assertThat(g[(5 + t) * 16 + j]).isCloseTo(g[5 * 16 + j], offset(1e-6f)); // utterance 1's
      for (int t : new int[] {2, 8, 9}) assertThat(g[t * 16 + j]).as("silence").isEqualTo(0f);
    }
    boolean phoneHeadsPushed = false;
    for (int k = 0; k < g.length; k++) phoneHeadsPushed |= Math.abs(gb[k] - g[k]) > 1e-6f;
    assertThat(phoneHeadsPushed).as("with their weights the per-phone heads add their own push").isTrue();
  }
}
