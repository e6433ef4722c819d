package io.papers4j.speech.naturalspeech3;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.speech.audio.AudioException;
import io.papers4j.speech.audio.Wav;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to the speech commands gives one readable message. */
class SpeechApiTest {
  @TempDir Path dir;

  @Test
  void silenceShortClipsCorruptFilesAndAbsurdRatesAreRefused() throws Exception {
    Path silent = dir.resolve("silent.wav");
    Wav.write(silent, new Wav.Pcm(16000, 16, new int[][] {new int[16000]}));
    assertThatThrownBy(() -> SpeechApi.load(silent)).isInstanceOf(AudioException.class).hasMessageContaining("silent");
    Path shortClip = dir.resolve("short.wav");
    int[] s = new int[400];
    for (int i = 0; i < s.length; i++) s[i] = (int) (8000 * Math.sin(i * 0.1));
    Wav.write(shortClip, new Wav.Pcm(16000, 16, new int[][] {s}));
    assertThatThrownBy(() -> SpeechApi.load(shortClip)).hasMessageContaining("too short");
    Path corrupt = dir.resolve("corrupt.wav");
    Files.write(corrupt, new byte[] {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'A', 'V', 'E'});
    assertThatThrownBy(() -> SpeechApi.load(corrupt)).hasMessageContaining("no fmt chunk");
    Path slow = dir.resolve("slow.wav");
    Wav.write(slow, new Wav.Pcm(200, 16, new int[][] {s}));
    assertThatThrownBy(() -> SpeechApi.load(slow)).hasMessageContaining("outside 1000..384000 Hz");
  }

  @Test
  void eightKilohertzStereoIsResampledNotRefused() throws Exception {
    Path f = dir.resolve("tel.wav");
    int[][] st = new int[2][8000];
    for (int i = 0; i < 8000; i++) st[0][i] = st[1][i] = (int) (8000 * Math.sin(i * 0.2));
    Wav.write(f, new Wav.Pcm(8000, 16, st));
    float[] x = SpeechApi.load(f);
    org.assertj.core.api.Assertions.assertThat(x.length).isEqualTo(16000);
  }

  @Test
  void vocodedAudioHasOneHopPerMelFrame() {
    float[][] mel = new float[30][80];
    for (float[] r : mel) java.util.Arrays.fill(r, -3f);
    org.assertj.core.api.Assertions.assertThat(SpeechApi.vocode(mel).samples()).hasSize(30 * 200);
  }

  @Test
  void missingModelFolderIsOneMessage() {
    assertThatThrownBy(() -> SpeechBundle.load(dir.resolve("nope"))).hasMessageContaining("holds no speech model");
  }
}
