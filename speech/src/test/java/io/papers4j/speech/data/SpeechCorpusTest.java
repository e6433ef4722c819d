package io.papers4j.speech.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SpeechCorpusTest {
  @Test
  void prosodyNamesTheSpeakerOnlyWhenTheSpeakerSetsIt() {
    assumeTrue(EspeakTest.available(), "libespeak-ng not installed");
    SpeechCorpus.Config c = new SpeechCorpus.Config(8, 0, 8, 4, 0);
    SpeechCorpus byConfig = SpeechCorpus.generate(c), byTimbre = SpeechCorpus.generate(c.withTimbreOnly(true));
    double chance = 1.0 / 8;
    // default corpus: a speaker is voice × pitch × range × speed, so prosody names it
    assertThat(ProsodyProbe.speakerAccuracy(byConfig.train, byConfig.testSentences, 8)).isGreaterThan(4 * chance);
    // timbre-only corpus: pitch, range and speed are drawn per utterance whoever speaks
    assertThat(ProsodyProbe.speakerAccuracy(byTimbre.train, byTimbre.testSentences, 8)).isLessThanOrEqualTo(3 * chance);
    Set<String> accents = byTimbre.speakers.stream().map(s -> s.voice().split("\\+")[0]).collect(Collectors.toSet());
    Set<String> variants = byTimbre.speakers.stream().map(s -> s.voice().split("\\+")[1]).collect(Collectors.toSet());
    assertThat(accents).containsExactly(SpeechCorpus.TIMBRE_ONLY_ACCENT);
    assertThat(variants).hasSize(8);
  }

  @Test
  void aTimbreOnlyCorpusHasOneSpeakerPerVoiceVariant() {
    int n = SpeechCorpus.VARIANTS.length;
    assertThat(new SpeechCorpus.Config(n - 1, 1, 1, 1, 0, true).timbreOnly()).isTrue();
    assertThatThrownBy(() -> new SpeechCorpus.Config(n, 1, 1, 1, 0, true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most " + n + " speakers");
    assertThat(new SpeechCorpus.Config(n, 1, 1, 1, 0).timbreOnly()).isFalse();
  }
}
