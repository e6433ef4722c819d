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

  @Test
  void aParallelTargetSaysTheSameSentenceWithTheSameProsodyInAnotherVoice() {
    assumeTrue(EspeakTest.available(), "libespeak-ng not installed");
    SpeechCorpus c = SpeechCorpus.generate(new SpeechCorpus.Config(3, 0, 1, 1, 0, true));
    for (SpeechCorpus.Utt src : c.testSentences) {
      int other = (src.speaker() + 1) % 3;
      SpeechCorpus.Utt same = c.parallel(src, src.speaker()), tgt = c.parallel(src, other);
      assertThat(tgt.speaker()).isEqualTo(other);
      assertThat(tgt.text()).isEqualTo(src.text());
      assertThat(tgt.prosody()).isEqualTo(src.prosody());
      // espeak-ng does not repeat itself bit for bit (log-mel L1 0.16-0.33 between two syntheses of
      // the same settings here), but another voice moves the log-mel several times further (1.5-3.0)
      double selfDiff = meanAbsDiff(same.logMel(), src.logMel()), voiceDiff = meanAbsDiff(tgt.logMel(), src.logMel());
      assertThat(selfDiff).isLessThan(0.5 * voiceDiff);
    }
    assertThatThrownBy(() -> c.parallel(new SpeechCorpus.Utt(0, "x", new float[0], null, new int[0], null, null), 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no espeak-ng settings");
  }

  static double meanAbsDiff(float[][] a, float[][] b) {
    double s = 0;
    int n = Math.min(a.length, b.length);
    for (int t = 0; t < n; t++) for (int k = 0; k < a[t].length; k++) s += Math.abs(a[t][k] - b[t][k]);
    return s / (n * (double) a[0].length);
  }
}
