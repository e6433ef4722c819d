package io.papers4j.speech.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WavTest {
  @TempDir Path dir;

  @Test
  void roundTripIsBitExact() throws Exception {
    Random r = new Random(3);
    int[][] rates = {{8000, 8, 1}, {16000, 16, 1}, {44100, 16, 2}, {22050, 8, 2}, {11025, 16, 3}};
    for (int[] c : rates) {
      int[][] s = new int[c[2]][1001];
      for (int[] ch : s) {
        for (int i = 0; i < ch.length; i++) ch[i] = c[1] == 16 ? r.nextInt(65536) - 32768 : r.nextInt(256);
        ch[0] = c[1] == 16 ? -32768 : 0;
        ch[1] = c[1] == 16 ? 32767 : 255;
      }
      Path f = dir.resolve("a" + c[0] + ".wav");
      Wav.write(f, new Wav.Pcm(c[0], c[1], s));
      byte[] bytes = Files.readAllBytes(f);
      Wav.Pcm back = Wav.read(f);
      assertThat(back.sampleRate()).isEqualTo(c[0]);
      assertThat(back.bitsPerSample()).isEqualTo(c[1]);
      assertThat(back.samples()).isDeepEqualTo(s);
      Wav.write(f, back);
      assertThat(Files.readAllBytes(f)).isEqualTo(bytes);
    }
  }

  @Test
  void floatAudioQuantisesToNearest16BitValue() {
    Wav.Pcm p = Wav.toPcm16(new Wav.Audio(16000, new float[] {0f, 0.5f, -1f, 1f, 1.5f, 100f / 32768f}));
    assertThat(p.samples()[0]).containsExactly(0, 16384, -32768, 32767, 32767, 100);
    assertThat(p.mono()[1]).isEqualTo(0.5f);
  }

  @Test
  void skipsUnknownChunks() {
    byte[] plain = Wav.encode(new Wav.Pcm(8000, 16, new int[][] {{1, -2, 3}}));
    byte[] list = {'L', 'I', 'S', 'T', 3, 0, 0, 0, 'a', 'b', 'c', 0};
    byte[] withList = new byte[plain.length + list.length];
    System.arraycopy(plain, 0, withList, 0, 12);
    System.arraycopy(list, 0, withList, 12, list.length);
    System.arraycopy(plain, 12, withList, 12 + list.length, plain.length - 12);
    assertThat(Wav.parse(withList).samples()[0]).containsExactly(1, -2, 3);
  }

  @Test
  void badFilesGiveOneMessage() throws Exception {
    Path text = dir.resolve("x.wav");
    Files.writeString(text, "hello, not audio");
    assertThatThrownBy(() -> Wav.read(text)).isInstanceOf(AudioException.class).hasMessageContaining("not a RIFF/WAVE");
    assertThatThrownBy(() -> Wav.read(dir.resolve("missing.wav"))).hasMessageContaining("no such file");
    byte[] b = Wav.encode(new Wav.Pcm(8000, 16, new int[][] {{1, 2}}));
    b[20] = 3; // IEEE float
    assertThatThrownBy(() -> Wav.parse(b)).hasMessageContaining("IEEE float");
    byte[] truncated = Arrays.copyOf(Wav.encode(new Wav.Pcm(8000, 16, new int[][] {{1, 2}})), 30);
    assertThatThrownBy(() -> Wav.parse(truncated)).isInstanceOf(AudioException.class);
  }
}
