package io.papers4j.speech.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EspeakTest {
  static boolean available() {
    return Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libespeak-ng.so.1"));
  }

  @Test
  void phonemeEventsAreOrderedAndCoverTheSpeech() {
    assumeTrue(available(), "libespeak-ng not installed");
    Espeak.Utterance u = Espeak.synth("the quick brown fox", "en-us+f3", 160, 50, 50);
    assertThat(u.sampleRate()).isEqualTo(22050);
    List<Espeak.Phone> p = u.phones();
    // espeak-ng's own phoneme mnemonics for "the quick brown fox" (espeak-ng -x: D@2 kwIk br'aUn f'0ks)
    String seq = p.stream().map(Espeak.Phone::symbol).filter(s -> !s.startsWith("_")).collect(Collectors.joining(" "));
    assertThat(seq).isEqualTo("D @2 k w I k b r aU n f 0 k s");
    for (int i = 1; i < p.size(); i++) assertThat(p.get(i).start()).isEqualTo(p.get(i - 1).end());
    assertThat(p.get(p.size() - 1).end()).isLessThanOrEqualTo(u.samples().length);
    assertThat(p.get(0).start()).isLessThan(u.sampleRate() / 10);
    // slower speech is longer, and each phone's segment holds sound
    Espeak.Utterance slow = Espeak.synth("the quick brown fox", "en-us+f3", 100, 50, 50);
    assertThat(slow.samples().length).isGreaterThan(u.samples().length * 5 / 4);
  }
}
