package io.papers4j.speech.naturalspeech3;

import static io.papers4j.speech.naturalspeech3.FacodecTest.fakeUtts;
import static io.papers4j.speech.naturalspeech3.FacodecTest.tiny;
import static io.papers4j.speech.naturalspeech3.FacodecTest.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.papers4j.core.tensor.Engine;
import io.papers4j.speech.data.SpeechCorpus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The "probe" speaker adversary: the criterion's logistic probe refitted on accumulated utterance means (docs probe 15). */
class SpeakerProbeAdversaryTest {
  @BeforeAll
  static void engine() {
    Engine.init(1);
  }

  /** n means per speaker of dimension d around the speaker's centre ({@code centres[s]}), noise 0.3. */
  static void draw(float[][] centres, int n, Random r, List<float[]> x, List<Integer> y) {
    for (int i = 0; i < n; i++) {
      for (int s = 0; s < centres.length; s++) {
        float[] v = new float[centres[s].length];
        for (int j = 0; j < v.length; j++) v[j] = centres[s][j] + (float) (0.3 * r.nextGaussian());
        x.add(v);
        y.add(s);
      }
    }
  }

  static Map<String, List<float[]>> group(String g, List<float[]> x) {
    Map<String, List<float[]>> m = new LinkedHashMap<>();
    m.put(g, x);
    return m;
  }

  /**
   * The classifier is fit on the bank of means accumulated over refits (the last {@code bankSize}: 24 here, two refits of 12), reads
   * speakers it has not seen the means of, logs the held classifier's accuracy on each new batch before
   * refitting, and follows the codes when they move (the bank drops the oldest means).
   */
  @Test
  void theAccumulatedClassifierReadsTheSpeakersAndFollowsTheCodes() {
    Random r = new Random(1);
    float[][] centres = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}};
    SpeakerProbeAdversary a = new SpeakerProbeAdversary(3, 25, 12, 24);
    List<float[]> x1 = new ArrayList<>(), x2 = new ArrayList<>(), test = new ArrayList<>();
    List<Integer> y1 = new ArrayList<>(), y2 = new ArrayList<>(), ytest = new ArrayList<>();
    draw(centres, 4, r, x1, y1);
    draw(centres, 4, r, x2, y2);
    draw(centres, 20, r, test, ytest);
    a.add(group("z_c", x1), y1, 0);
    a.add(group("z_c", x2), y2, 25);
    assertThat(a.refits()).hasSize(2);
    assertThat(a.refits().get(0).heldAccuracy()).isEmpty(); // nothing held before the first fit
    assertThat(a.refits().get(1).heldAccuracy().get("z_c")).isGreaterThan(0.8);
    assertThat(a.refits().get(1).bankAccuracy().get("z_c")).isEqualTo(1.0);
    assertThat(a.classifier("z_c").accuracy(test, ytest)).isGreaterThan(0.9);
    assertThat(a.classifier("z_p")).isNull();

    // the codes move: speaker s now sits where speaker s + 1 sat; after two refits the bank holds only the new means
    float[][] moved = {centres[1], centres[2], centres[0]};
    List<float[]> x3 = new ArrayList<>(), x4 = new ArrayList<>(), test2 = new ArrayList<>();
    List<Integer> y3 = new ArrayList<>(), y4 = new ArrayList<>(), ytest2 = new ArrayList<>();
    draw(moved, 4, r, x3, y3);
    draw(moved, 4, r, x4, y4);
    draw(moved, 20, r, test2, ytest2);
    a.add(group("z_c", x3), y3, 50);
    assertThat(a.refits().get(2).heldAccuracy().get("z_c")).as("the held classifier is evaded by the move").isLessThan(0.2);
    a.add(group("z_c", x4), y4, 75);
    assertThat(a.classifier("z_c").accuracy(test2, ytest2)).isGreaterThan(0.9);

    assertThatThrownBy(() -> a.add(group("z_c", x1.subList(0, 3)), y1, 100)).hasMessageContaining("means for");
    assertThatThrownBy(() -> a.add(group("z_c", List.of(new float[4])), List.of(3), 100)).hasMessageContaining("outside 0..2");
  }

  /** The fit's L2 penalty shrinks the weights and keeps a separable problem read; 0 is the criterion's probe, unchanged. */
  @Test
  void theL2PenaltyShrinksTheClassifier() {
    Random r = new Random(2);
    float[][] centres = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}};
    List<float[]> x = new ArrayList<>(), test = new ArrayList<>();
    List<Integer> y = new ArrayList<>(), ytest = new ArrayList<>();
    draw(centres, 8, r, x, y);
    draw(centres, 20, r, test, ytest);
    Probes.Logistic plain = Probes.fitLogistic(x, y, 3), same = Probes.fitLogistic(x, y, 3, 0), shrunk = Probes.fitLogistic(x, y, 3, 0.01);
    assertThat(same.w()).containsExactly(plain.w());
    double n0 = 0, n1 = 0;
    for (float v : plain.w()) n0 += v * v;
    for (float v : shrunk.w()) n1 += v * v;
    assertThat(n1).isLessThan(0.5 * n0);
    assertThat(shrunk.accuracy(test, ytest)).isGreaterThan(0.9);
    assertThat(Probes.classify(x, y, test, ytest, 3)).isEqualTo(plain.accuracy(test, ytest));
  }

  @Test
  void theL2PenaltyIsSavedWithTheConfigAndReachesTheAdversary() {
    FacodecConfig c = tiny(true).withSpeakerAdversary("probe", 3).withSpeakerProbeL2(0.01);
    assertThat(new Facodec(c, 3).speakerProbe.l2).isEqualTo(0.01);
    assertThat(new Facodec(tiny(true).withSpeakerAdversary("probe", 3), 3).speakerProbe.l2).isZero();
    Map<String, Object> saved = new LinkedHashMap<>(c.toMap());
    saved.put("strides", List.of(2, 4, 5, 5)); // as read back from config.json
    assertThat(FacodecConfig.fromMap(saved).speakerProbeL2()).isEqualTo(0.01);
    saved.remove("speaker_probe_l2"); // a model saved before the option
    assertThat(FacodecConfig.fromMap(saved).speakerProbeL2()).isZero();
    assertThatThrownBy(() -> c.withSpeakerProbeL2(-1)).hasMessageContaining("speaker probe L2 must be a finite number >= 0");
    assertThatThrownBy(() -> c.withSpeakerProbeL2(Double.NaN)).hasMessageContaining("speaker probe L2");
    assertThatThrownBy(() -> new SpeakerProbeAdversary(3, 25, 12, 24, -0.5)).hasMessageContaining("L2 >= 0");
  }

  static Tensor[] codes(long seed) {
    Engine.seed(seed);
    return new Tensor[] {torch.randn(4, 5, 16).set_requires_grad(true), torch.randn(4, 5, 16).set_requires_grad(true),
        torch.randn(4, 5, 16).set_requires_grad(true)};
  }

  /** A classifier fit on random utterance means of each group (3 speakers), held by {@code m}'s probe adversary. */
  static void fitRandom(Facodec m, long seed) {
    Random r = new Random(seed);
    Map<String, List<float[]>> means = new LinkedHashMap<>();
    List<Integer> y = new ArrayList<>();
    for (int i = 0; i < 12; i++) y.add(i % 3);
    for (String g : SpeakerProbeAdversary.GROUPS) {
      List<float[]> x = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        float[] v = new float[16];
        for (int j = 0; j < 16; j++) v[j] = (float) r.nextGaussian() + (j == y.get(i) ? 2f : 0f);
        x.add(v);
      }
      means.put(g, x);
    }
    m.speakerProbe.add(means, y, 0);
  }

  /**
   * Shapes and signs: the held classifier reads each group's crop mean (B, S); before any refit there is
   * no term; under "confusion" the codes' term is the cross-entropy against the uniform distribution and a
   * small step along its −gradient lowers it; under "reversal" the codes receive −λ_spk × the cross-entropy's
   * gradient; the classifier is a constant (no parameters, nothing saved).
   */
  @Test
  void theCodesArePushedAgainstTheHeldClassifier() {
    Facodec m = new Facodec(tiny(true).withSpeakerAdversary("probe", 3).withSpeakerObjective("confusion"), 3);
    assertThat(m.speakerAdversaryParameterNames()).isEmpty();
    Tensor[] z = codes(3);
    Tensor spk = Batches.longs(new long[] {0, 1, 2, 0}, 4);
    Facodec.Encoded e = new Facodec.Encoded(null, z[0], z[1], z[2], null, null, null);
    Facodec.SpeakerAdversary none = m.speakerAdversary(e, spk, null, null, true);
    assertThat(none.loss()).isNull();
    assertThat(none.confusion()).isNull();

    fitRandom(m, 5);
    Map<String, Tensor> logits = m.speakerProbe.logits(e);
    assertThat(logits).containsOnlyKeys("z_p", "z_c", "z_d");
    for (Tensor l : logits.values()) assertThat(l.shape()).containsExactly(4, 3);
    Facodec.SpeakerAdversary a = m.speakerAdversary(e, spk, null, null, true);
    assertThat(a.loss()).isNull(); // nothing to train: the classifier is fit apart
    assertThat(a.headCe()).containsOnlyKeys("z_p", "z_c", "z_d");
    double conf = a.confusion().item_double();
    assertThat(conf).isGreaterThan(3 * Math.log(3));
    TensorVector g = torch.grad(new TensorVector(a.confusion()), new TensorVector(z));
    try (NoGradGuard ng = new NoGradGuard()) {
      double g2 = 0;
      for (int k = 0; k < 3; k++) g2 += g.get(k).pow(new Scalar(2)).sum().item_double();
      assertThat(g2).isGreaterThan(0);
      Tensor[] step = new Tensor[3];
      for (int k = 0; k < 3; k++) step[k] = z[k].sub(g.get(k).mul(new Scalar(1e-3 / g2)));
      double after = m.speakerAdversary(new Facodec.Encoded(null, step[0], step[1], step[2], null, null, null), spk, null, null, false)
          .confusion().item_double();
      assertThat(after).isLessThan(conf).isGreaterThan(conf - 2e-3);
    }

    // reversal: the same classifier, the codes get −λ_spk × d CE / d z (λ_spk = speakerGrlScale × λ = 3 × 0.1)
    Facodec rev = new Facodec(tiny(true).withSpeakerAdversary("probe", 3), 3);
    fitRandom(rev, 5);
    Tensor[] w = codes(3);
    Facodec.SpeakerAdversary ra = rev.speakerAdversary(new Facodec.Encoded(null, w[0], w[1], w[2], null, null, null), spk, null, null, true);
    assertThat(ra.confusion()).isNull();
    TensorVector gr = torch.grad(new TensorVector(ra.loss()), new TensorVector(w));
    Tensor[] v = codes(3);
    Tensor plain = null;
    for (Tensor l : rev.speakerProbe.logits(new Facodec.Encoded(null, v[0], v[1], v[2], null, null, null)).values()) {
      Tensor ce = torch.cross_entropy_loss(l, spk);
      plain = plain == null ? ce : plain.add(ce);
    }
    assertThat(ra.loss().item_double()).isCloseTo(plain.item_double(), offset(1e-5));
    TensorVector gp = torch.grad(new TensorVector(plain), new TensorVector(v));
    for (int k = 0; k < 3; k++) {
      float[] a1 = values(gr.get(k)), a0 = values(gp.get(k));
      for (int i = 0; i < a1.length; i++) assertThat(a1[i]).isCloseTo(-0.3f * a0[i], offset(1e-6f));
    }
  }

  /**
   * In training the classifier is refitted on whole utterances every {@code REFIT_EVERY} steps (step 0
   * first), the run logs the classifier's cross-entropy per group and the confusion term, and the refits
   * and the codec are the same for the same seed.
   */
  @Test
  void trainingRefitsTheProbeAndIsDeterministicBySeed() {
    List<SpeechCorpus.Utt> data = fakeUtts(6, 12, 0);
    CodecTraining.Recipe r = new CodecTraining.Recipe(3, 2, 8, 1e-3);
    FacodecConfig c = tiny(true).withSpeakerAdversary("probe", 10).withSpeakerObjective("confusion");
    CodecTraining.Run a = CodecTraining.train(c, data, r, 5, "t"), b = CodecTraining.train(c, data, r, 5, "t");
    assertThat(a.model().speakerProbe.refits()).hasSize(1);
    assertThat(a.model().speakerProbe.refits().get(0).step()).isZero();
    assertThat(a.lossCurve()).hasSize(3).allMatch(Double::isFinite).isEqualTo(b.lossCurve());
    assertThat(a.partCurves()).containsKeys(Facodec.HEAD_CE + "z_p", Facodec.HEAD_CE + "z_c", Facodec.HEAD_CE + "z_d",
        Facodec.SPEAKER_CONFUSION);
    for (String g : SpeakerProbeAdversary.GROUPS) {
      Probes.Logistic x = a.model().speakerProbe.classifier(g), y = b.model().speakerProbe.classifier(g);
      assertThat(x.w()).containsExactly(y.w());
      assertThat(x.b()).containsExactly(y.b());
      assertThat(x.mu()).containsExactly(y.mu());
    }
    for (Map.Entry<String, Tensor> e : a.model().namedParameters().entrySet()) {
      assertThat(values(e.getValue())).as(e.getKey()).containsExactly(values(b.model().namedParameters().get(e.getKey())));
    }
    Map<String, Object> saved = new LinkedHashMap<>(c.toMap());
    saved.put("strides", List.of(2, 4, 5, 5)); // as read back from config.json
    assertThat(FacodecConfig.fromMap(saved).speakerAdversary()).isEqualTo("probe");
  }
}
