package io.papers4j.speech.audio;

import java.nio.file.Path;

/**
 * Loads audio for a model running at {@code rate}: any PCM WAV is averaged to mono and resampled
 * to the model's rate (documented behaviour, not an error: Asterisk prompts are 8 kHz, espeak-ng
 * writes 22.05 kHz). Refused with one message: unreadable or unsupported files, rates outside
 * {@link Resample#MIN_RATE}..{@link Resample#MAX_RATE}, clips shorter than {@code minSamples} at the
 * model rate, and digital silence (peak below 1e-4), which carries no speaker, content or prosody.
 */
public final class AudioInput {
  private AudioInput() {}

  public static Wav.Audio load(Path file, int rate, int minSamples) {
    Wav.Audio a = Wav.readMono(file);
    if (a.sampleRate() != rate) {
      try {
        a = Resample.to(a, rate);
      } catch (AudioException e) {
        throw new AudioException(file + ": " + e.getMessage());
      }
    }
    check(file.toString(), a, minSamples);
    return a;
  }

  public static void check(String name, Wav.Audio a, int minSamples) {
    if (a.samples().length < minSamples) {
      throw new AudioException(
          String.format("%s: %.3f s is too short (the model needs at least %.3f s)", name, a.seconds(),
              minSamples / (double) a.sampleRate()));
    }
    float peak = 0;
    for (float v : a.samples()) peak = Math.max(peak, Math.abs(v));
    if (peak < 1e-4f) throw new AudioException(name + ": the audio is silent (peak " + peak + ")");
  }
}
