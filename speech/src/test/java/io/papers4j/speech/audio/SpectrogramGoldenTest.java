package io.papers4j.speech.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** STFT power, Slaney mel filterbank and mel power against tools/reference/speech_mel_golden.py. */
class SpectrogramGoldenTest {
  static JsonNode golden() throws Exception {
    try (InputStream in = SpectrogramGoldenTest.class.getResourceAsStream("/speech/mel_golden.json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  static double relErr(double got, double want, double floor) {
    return Math.abs(got - want) / Math.max(Math.abs(want), floor);
  }

  @Test
  void matchesNumpyReference() throws Exception {
    for (JsonNode c : golden().get("cases")) {
      Spectrogram s =
          new Spectrogram(c.get("sample_rate").asInt(), c.get("n_fft").asInt(), c.get("hop").asInt(),
              c.get("win_length").asInt(), c.get("n_mels").asInt(), c.get("f_min").asDouble(),
              c.get("f_max").asDouble(), c.get("reflect").asBoolean());
      JsonNode sig = c.get("signal");
      float[] x = new float[sig.size()];
      for (int i = 0; i < x.length; i++) x[i] = (float) sig.get(i).asDouble();

      double[][] p = s.power(x);
      assertThat(p.length).isEqualTo(c.get("mel_power").size());
      double peak = 0;
      for (double[] r : p) for (double v : r) peak = Math.max(peak, v);
      for (int k = 0; k < c.get("power_frames").size(); k++) {
        int t = c.get("power_frames").get(k).asInt();
        JsonNode want = c.get("power").get(k);
        for (int b = 0; b < want.size(); b++) {
          assertThat(relErr(p[t][b], want.get(b).asDouble(), 1e-9 * peak)).as(c.get("name") + " power t=" + t + " bin=" + b)
              .isLessThan(1e-6);
        }
      }
      double[][] fb = s.melFilters();
      for (int k = 0; k < c.get("filter_rows").size(); k++) {
        int r = c.get("filter_rows").get(k).asInt();
        JsonNode want = c.get("filters").get(k);
        for (int b = 0; b < want.size(); b++) {
          assertThat(fb[r][b]).as("filter " + r + " bin " + b).isCloseTo(want.get(b).asDouble(),
              org.assertj.core.data.Offset.offset(1e-12));
        }
      }
      double[][] mel = s.melPower(x);
      float[][] logMel = s.logMel(x);
      for (int t = 0; t < mel.length; t++) {
        for (int m = 0; m < mel[t].length; m++) {
          double want = c.get("mel_power").get(t).get(m).asDouble();
          assertThat(relErr(mel[t][m], want, 1e-9 * peak)).as("mel t=" + t + " m=" + m).isLessThan(1e-6);
          assertThat((double) logMel[t][m]).isCloseTo(c.get("log_mel").get(t).get(m).asDouble(),
              org.assertj.core.data.Offset.offset(1e-4));
        }
      }
    }
  }

  @Test
  void slaneyScaleKnownPoints() {
    // librosa docs: hz_to_mel(60) = 0.9, hz_to_mel(1000) = 15 (the linear/log break)
    assertThat(Spectrogram.hzToMel(60)).isCloseTo(0.9, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(Spectrogram.hzToMel(1000)).isCloseTo(15, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(Spectrogram.melToHz(Spectrogram.hzToMel(4321))).isCloseTo(4321, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void tooShortAudioIsOneMessage() {
    assertThatThrownBy(() -> Spectrogram.codec16k().power(new float[100]))
        .isInstanceOf(AudioException.class).hasMessageContaining("shorter than half an analysis frame");
  }
}
