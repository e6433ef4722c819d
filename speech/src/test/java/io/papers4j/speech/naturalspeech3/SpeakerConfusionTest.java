package io.papers4j.speech.naturalspeech3;

import static io.papers4j.speech.naturalspeech3.FacodecTest.fakeUtts;
import static io.papers4j.speech.naturalspeech3.FacodecTest.tiny;
import static io.papers4j.speech.naturalspeech3.FacodecTest.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.papers4j.core.tensor.Engine;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The "confusion" speaker objective (docs/naturalspeech3.md, probe 12). */
class SpeakerConfusionTest {
  @BeforeAll
  static void engine() {
    Engine.init(1);
  }

  static FacodecConfig confusion(double scale) {
    return tiny(true).withSpeakerAdversary("branches", scale).withSpeakerObjective("confusion");
  }

  static Tensor[] codes() {
    return new Tensor[] {torch.randn(2, 5, 16).set_requires_grad(true), torch.randn(2, 5, 16).set_requires_grad(true),
        torch.randn(2, 5, 16).set_requires_grad(true)};
  }

  /**
   * The heads learn their own cross-entropy on detached codes (a best response, sending nothing into
   * the codes); the codes receive only the confusion term, the cross-entropy of each head's output
   * against the uniform distribution, which is ln S per head when the head outputs uniform and
   * above it otherwise.
   */
  @Test
  void headsLearnOnDetachedCodesAndTheCodesOnlyFromTheUniformTarget() {
    Engine.seed(3);
    Facodec m = new Facodec(confusion(1), 3);
    Tensor[] z = codes();
    Tensor spk = Batches.longs(new long[] {0, 2}, 2);
    Facodec.SpeakerAdversary a = m.speakerAdversary(new Facodec.Encoded(null, z[0], z[1], z[2], null, null, null), spk, null, true);
    assertThat(a.headCe()).containsOnlyKeys("z_p", "z_c", "z_d");
    a.loss().backward();
    for (Tensor t : z) assertThat(t.grad().defined()).as("the heads' own loss reaches no code").isFalse();
    io.papers4j.core.nn.Linear[] heads = {m.grlSpeakerP, m.grlSpeakerC, m.grlSpeakerD};
    for (io.papers4j.core.nn.Linear h : heads) assertThat(values(h.weight.grad().abs().sum())[0]).isGreaterThan(0f);

    // the confusion term: each head's log-probabilities averaged over speakers, negated; > ln 3 per head unless uniform
    double conf = a.confusion().item_double();
    assertThat(conf).isGreaterThan(3 * Math.log(3));
    TensorVector g = torch.grad(new TensorVector(a.confusion()), new TensorVector(z));
    for (int k = 0; k < 3; k++) assertThat(values(g.get(k).abs().sum())[0]).as("group %d is pushed", k).isGreaterThan(0f);
    // a small step of the codes along −gradient makes the heads less sure (first order: by 1e-3; the step is
    // scaled by 1/‖g‖² because the standardisation divides by the small spread of two utterances' means)
    try (NoGradGuard ng = new NoGradGuard()) {
      double g2 = 0;
      for (int k = 0; k < 3; k++) g2 += g.get(k).pow(new Scalar(2)).sum().item_double();
      Tensor[] moved = new Tensor[3];
      for (int k = 0; k < 3; k++) moved[k] = z[k].sub(g.get(k).mul(new Scalar(1e-3 / g2)));
      double after = m.speakerAdversary(new Facodec.Encoded(null, moved[0], moved[1], moved[2], null, null, null), spk, null, false)
          .confusion().item_double();
      assertThat(after).isLessThan(conf).isGreaterThan(conf - 2e-3);
    }
    // heads with zero weights output uniform: exactly ln 3 per head, no gradient into the codes
    try (NoGradGuard ng = new NoGradGuard()) {
      for (io.papers4j.core.nn.Linear h : heads) {
        h.weight.zero_();
        h.bias.zero_();
      }
    }
    Facodec.SpeakerAdversary u = m.speakerAdversary(new Facodec.Encoded(null, z[0], z[1], z[2], null, null, null), spk, null, false);
    assertThat(u.confusion().item_double()).isCloseTo(3 * Math.log(3), offset(1e-5));
  }

  /**
   * The heads' input is standardised by running statistics that follow the codes: codes shrunk to a
   * tenth read, once the statistics have caught up, as the original codes did (they cannot leave the
   * head's sight by scale, as the raw-input codes of probe 11 did); and the statistics are constants
   * to autograd (d standardised / d x = 1 / sd per feature).
   */
  @Test
  void standardisedInputFollowsTheCodesScale() {
    Engine.seed(4);
    Facodec m = new Facodec(confusion(1), 4);
    Tensor x = torch.randn(64, 16).mul(new Scalar(0.5)).add(new Scalar(3));
    Tensor first = m.standardise("z_c", x, true); // the first batch sets the statistics
    float[] mean = values(first.mean(new long[] {0}, false, new ScalarTypeOptional()));
    float[] var = values(first.var(new long[] {0}, false, false));
    for (int j = 0; j < 16; j++) {
      assertThat(mean[j]).isCloseTo(0f, offset(1e-4f));
      assertThat(var[j]).isCloseTo(1f, offset(1e-2f));
    }
    Tensor small = x.mul(new Scalar(0.1));
    float[] before = values(m.standardise("z_c", small, false));
    for (int i = 0; i < 300; i++) m.standardise("z_c", small, true); // momentum 0.05: 0.95^300 ≈ 2e-7 of the old statistics left
    float[] after = values(m.standardise("z_c", small, false)), ref = values(first);
    double far = 0;
    for (int i = 0; i < ref.length; i++) {
      assertThat(after[i]).isCloseTo(ref[i], offset(0.02f)); // the 1e-5 added to the variance weighs more at a tenth of the scale
      far += Math.abs(before[i] - ref[i]) / ref.length;
    }
    assertThat(far).as("before the statistics caught up, the shrunk codes read differently").isGreaterThan(0.5);
    Tensor xg = small.clone().set_requires_grad(true);
    m.standardise("z_c", xg, false).sum().backward();
    float[] grad = values(xg.grad());
    float[] sd = values(small.var(new long[] {0}, false, false).add(new Scalar(1e-5)).sqrt());
    for (int j = 0; j < 16; j++) assertThat(grad[j]).isCloseTo(1f / sd[j], offset(0.02f / sd[j]));
    // a head that never trained has no statistics: its input passes unchanged
    assertThat(values(m.standardise("z_p", x, false))).containsExactly(values(x));
  }

  /** The confusion gradient is clipped to norm 1 on its own, then weighted, and added; a small one is not scaled up. */
  @Test
  void confusionGradientIsClippedApartAndWeighted() {
    Tensor p = torch.zeros(3).set_requires_grad(true), q = torch.zeros(2).set_requires_grad(true);
    p.sum().mul(new Scalar(2)).backward(); // codec gradient 2 everywhere on p; q has none
    TensorVector g = new TensorVector(Batches.floats(new float[] {3, 0, 0}, 3), Batches.floats(new float[] {0, 4}, 2)); // norm 5
    double norm = CodecTraining.addClipped(List.of(p, q), g, 0.1);
    assertThat(norm).isCloseTo(5, offset(1e-6));
    assertThat(values(p.grad())).containsExactly(new float[] {2.06f, 2f, 2f}, offset(1e-6f));
    assertThat(values(q.grad())).containsExactly(new float[] {0f, 0.08f}, offset(1e-6f));
    Tensor r = torch.zeros(1).set_requires_grad(true);
    r.sum().backward();
    CodecTraining.addClipped(List.of(r), new TensorVector(Batches.floats(new float[] {0.5f}, 1)), 0.1);
    assertThat(values(r.grad())[0]).isCloseTo(1.05f, offset(1e-6f));
  }

  /**
   * Training under the confusion objective logs each head's own cross-entropy and the confusion
   * term per step; one step from the same seed with the confusion weight 0 and 1 leaves the heads
   * identical (they learn from their own loss only) and the encoder different (the confusion
   * gradient reaches it).
   */
  @Test
  void confusionTrainingReachesTheEncoderOnlyAndLogsTheHeads() {
    List<io.papers4j.speech.data.SpeechCorpus.Utt> data = fakeUtts(6, 12, 0);
    CodecTraining.Recipe r = new CodecTraining.Recipe(3, 2, 8, 1e-3);
    CodecTraining.Run run = CodecTraining.train(confusion(10), data, r, 5, "t");
    assertThat(run.lossCurve()).hasSize(3).allMatch(Double::isFinite);
    assertThat(run.partCurves()).containsKeys(Facodec.HEAD_CE + "z_p", Facodec.HEAD_CE + "z_c", Facodec.HEAD_CE + "z_d",
        Facodec.SPEAKER_CONFUSION);
    assertThat(run.partCurves().get(Facodec.HEAD_CE + "z_c")).hasSize(3).allMatch(v -> v > 0);

    CodecTraining.Recipe one = new CodecTraining.Recipe(1, 2, 8, 1e-3);
    Map<String, Tensor> off = CodecTraining.train(confusion(0), data, one, 6, "t").model().namedParameters();
    Map<String, Tensor> on = CodecTraining.train(confusion(10), data, one, 6, "t").model().namedParameters();
    for (String k : List.of("grl.speaker_prosody.weight", "grl.speaker_content.weight", "grl.speaker_detail.weight")) {
      assertThat(values(on.get(k))).as(k).containsExactly(values(off.get(k)));
    }
    assertThat(values(on.get("encoder.out.weight"))).isNotEqualTo(values(off.get("encoder.out.weight")));
  }

  /**
   * The "voicing" adversary: two heads per group, one on the mean over the utterance's voiced frames,
   * one on the mean over its unvoiced frames (an utterance without such frames gives zeros).
   */
  @Test
  void voicingAdversaryReadsTheMeansOverVoicedAndUnvoicedFrames() {
    Engine.seed(7);
    Facodec m = new Facodec(tiny(true).withSpeakerAdversary("voicing", 1), 7);
    Tensor[] z = codes();
    Tensor uv = Batches.floats(new float[] {1, 1, 0, 0, 0, 1, 1, 1, 1, 1}, 2, 5); // utterance 2 has no unvoiced frame
    Map<String, Tensor> in = m.speakerAdversaryInputs(new Facodec.Encoded(null, z[0], z[1], z[2], null, null, null), uv);
    assertThat(in).containsOnlyKeys("z_p/voiced", "z_p/unvoiced", "z_c/voiced", "z_c/unvoiced", "z_d/voiced", "z_d/unvoiced");
    float[] zc = values(z[1].detach()), voiced = values(in.get("z_c/voiced").detach()), unvoiced = values(in.get("z_c/unvoiced").detach());
    for (int j = 0; j < 16; j++) {
      assertThat(voiced[j]).isCloseTo((zc[j] + zc[16 + j]) / 2, offset(1e-5f));
      assertThat(unvoiced[j]).isCloseTo((zc[32 + j] + zc[48 + j] + zc[64 + j]) / 3, offset(1e-5f));
      float all = 0;
      for (int t = 0; t < 5; t++) all += zc[80 + t * 16 + j] / 5;
      assertThat(voiced[16 + j]).isCloseTo(all, offset(1e-5f));
      assertThat(unvoiced[16 + j]).isEqualTo(0f);
    }
    assertThat(m.namedParameters()).containsKeys("grl.speaker_voicing.content_voiced.weight", "grl.speaker_voicing.detail_unvoiced.weight");
    assertThat(m.speakerAdversaryParameterNames()).hasSize(12); // six linear heads, weight and bias
    assertThatThrownBy(() -> m.speakerAdversaryLogits(new Facodec.Encoded(null, z[0], z[1], z[2], null, null, null)))
        .hasMessageContaining("voicing");
    // the reversed loss sends each group's voiced frames their head's gradient
    m.speakerAdversary(new Facodec.Encoded(null, z[0], z[1], z[2], null, null, null), Batches.longs(new long[] {0, 2}, 2), uv, true)
        .loss().backward();
    assertThat(values(z[1].grad().abs().sum())[0]).isGreaterThan(0f);
  }

  @Test
  void objectiveIsSavedWithTheConfigAndOldModelsReverse() {
    Map<String, Object> saved = new java.util.LinkedHashMap<>(confusion(10).toMap());
    saved.put("strides", List.of(2, 4, 5, 5)); // as read back from config.json
    assertThat(FacodecConfig.fromMap(saved).speakerObjective()).isEqualTo("confusion");
    saved.remove("speaker_objective");
    assertThat(FacodecConfig.fromMap(saved).speakerObjective()).isEqualTo("reversal");
    assertThatThrownBy(() -> tiny(true).withSpeakerObjective("uniform")).hasMessageContaining("speaker objective must be one of");
  }
}
