package io.papers4j.speech.naturalspeech3;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.tensor.Engine;
import io.papers4j.speech.audio.Pitch;
import io.papers4j.speech.data.SpeechCorpus;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ProbesTest {
  @BeforeAll
  static void engine() {
    Engine.init(1);
  }

  /**
   * Utterances whose F0 level differs far more between utterances (std 0.3 in log F0) than it moves
   * within one (±0.05), as between espeak-ng speakers; the target is the per-utterance z-score.
   * Feature 0 of every frame is an affine function of the absolute log F0, the rest is noise.
   */
  static List<SpeechCorpus.Utt> utterances(int n, Random r, List<float[][]> carrier, List<float[][]> noise) {
    List<SpeechCorpus.Utt> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int frames = 60;
      double level = Math.log(150) + 0.3 * r.nextGaussian(), phase = 6 * r.nextDouble();
      double[] hz = new double[frames];
      float[][] x = new float[frames][4], z = new float[frames][4];
      for (int t = 0; t < frames; t++) {
        boolean voiced = (t / 7) % 3 != 2; // two voiced stretches of 7 frames, one unvoiced
        double lf0 = level + 0.05 * Math.sin(t / 4.0 + phase);
        hz[t] = voiced ? Math.exp(lf0) : 0;
        x[t][0] = (float) (2 * lf0 + 3);
        for (int j = 1; j < 4; j++) x[t][j] = (float) r.nextGaussian();
        for (int j = 0; j < 4; j++) z[t][j] = (float) r.nextGaussian();
      }
      float[][] target = Pitch.normalisedLogF0(hz);
      out.add(new SpeechCorpus.Utt(0, "", new float[0], null, new int[frames], target[0], target[1]));
      carrier.add(x);
      noise.add(z);
    }
    return out;
  }

  @Test
  void f0ProbeReadsAFeatureThatCarriesLogF0AndNotNoise() {
    Random r = new Random(3);
    List<float[][]> ctr = new ArrayList<>(), ntr = new ArrayList<>(), cte = new ArrayList<>(), nte = new ArrayList<>();
    List<SpeechCorpus.Utt> train = utterances(24, r, ctr, ntr), test = utterances(8, r, cte, nte);
    // standardising the features over all utterances instead scores the carrier R² ≈ 0.03 here (a
    // numpy check of that probe): a frame-wise linear map cannot remove each utterance's level
    assertThat(Probes.f0R2(ctr, train, cte, test)).isGreaterThan(0.99);
    assertThat(Probes.f0R2(ntr, train, nte, test)).isBetween(-0.2, 0.1);
  }
}
