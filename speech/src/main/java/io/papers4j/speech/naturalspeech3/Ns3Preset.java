package io.papers4j.speech.naturalspeech3;

import io.papers4j.speech.data.SpeechCorpus;

/**
 * Sizes of one run of the NaturalSpeech 3 pipeline.
 *
 * @param name "quick", "full" or "smoke"
 * @param corpus espeak-ng corpus sizes; every preset's speakers differ in voice variant only
 *     (timbre-only corpus, at most one speaker per variant), so that prosody does not name the
 *     speaker and the criterion "speaker from z_p near chance" can hold (docs/naturalspeech3.md)
 * @param codec codec training recipe (all three codecs)
 * @param proxySteps training steps of the speaker classifier and the phone recogniser
 * @param ttsSteps steps per factorised module (the baseline gets 3×)
 * @param ttsDim, ttsLayers mask-predict Transformer width and depth per factorised module
 * @param evalPairs voice-conversion and TTS pairs per measurement
 * @param genSteps mask-predict steps per module at inference (baseline: 3×)
 * @param seeds generation seeds (the claim is over 3)
 * @param asteriskPrompts real Asterisk prompts for reconstruction
 */
public record Ns3Preset(
    String name, SpeechCorpus.Config corpus, CodecTraining.Recipe codec, int proxySteps, int ttsSteps, int ttsDim,
    int ttsLayers, int evalPairs, int genSteps, int seeds, int asteriskPrompts) {

  public static Ns3Preset named(String name) {
    return switch (name) {
      case "quick" -> new Ns3Preset("quick", new SpeechCorpus.Config(24, 4, 12, 3, 0, true),
          new CodecTraining.Recipe(300, 4, 112, 2e-3), 150, 120, 128, 2, 16, 8, 3, 12);
      case "full" -> new Ns3Preset("full", new SpeechCorpus.Config(28, 6, 40, 6, 0, true),
          new CodecTraining.Recipe(3000, 8, 160, 1e-3), 800, 1500, 128, 3, 64, 12, 3, 64);
      case "smoke" -> new Ns3Preset("smoke", new SpeechCorpus.Config(4, 2, 3, 2, 0, true),
          new CodecTraining.Recipe(3, 2, 16, 1e-3), 3, 3, 32, 1, 3, 2, 1, 2);
      default -> throw new IllegalArgumentException("unknown preset '" + name + "' (quick, full or smoke)");
    };
  }
}
