package io.papers4j.speech.data;

import io.papers4j.speech.audio.AudioException;
import io.papers4j.speech.audio.Resample;
import io.papers4j.speech.audio.Wav;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Real recorded English speech: Debian's {@code asterisk-core-sounds-en-wav} (Allison Smith's voice,
 * CC-BY-SA-3.0; 8 kHz mono 16-bit) with the transcripts of {@code asterisk-core-sounds-en}
 * ({@code name: text} lines). Prompts are resampled to 16 kHz (so nothing above 4 kHz: the
 * recordings are telephone-band) and cut to whole codec frames. The models never train on them.
 */
public final class AsteriskPrompts {
  public static final Path SOUNDS = Path.of("/usr/share/asterisk/sounds/en_US_f_Allison");
  public static final Path TRANSCRIPTS = Path.of("/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz");

  public record Prompt(String name, String text, Path file, float[] audio16k) {}

  private AsteriskPrompts() {}

  public static boolean installed() {
    return Files.isDirectory(SOUNDS) && Files.exists(TRANSCRIPTS);
  }

  /** Name → transcript. */
  public static Map<String, String> transcripts() {
    Map<String, String> m = new LinkedHashMap<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(Files.newInputStream(TRANSCRIPTS)), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        int c = line.indexOf(": ");
        if (line.startsWith(";") || c < 0) continue;
        m.put(line.substring(0, c).trim(), line.substring(c + 2).trim());
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + TRANSCRIPTS + ": " + e.getMessage());
    }
    return m;
  }

  /**
   * Up to {@code n} prompts lasting {@code minSec}..{@code maxSec}, in transcript order (top-level
   * files only), resampled to 16 kHz.
   */
  public static List<Prompt> load(int n, double minSec, double maxSec) {
    if (!installed()) {
      throw new IllegalStateException(
          "the Asterisk English prompts are not installed: apt-get install asterisk-core-sounds-en-wav asterisk-core-sounds-en");
    }
    List<Prompt> out = new ArrayList<>();
    for (Map.Entry<String, String> e : transcripts().entrySet()) {
      if (out.size() >= n) break;
      Path f = SOUNDS.resolve(e.getKey() + ".wav");
      if (!Files.exists(f)) continue;
      try {
        Wav.Audio a = Wav.readMono(f);
        if (a.seconds() < minSec || a.seconds() > maxSec) continue;
        float[] x = Resample.resample(a.samples(), a.sampleRate(), SpeechCorpus.RATE);
        x = java.util.Arrays.copyOf(x, x.length / SpeechCorpus.HOP * SpeechCorpus.HOP);
        out.add(new Prompt(e.getKey(), e.getValue(), f, x));
      } catch (AudioException ex) {
        // a prompt the reader cannot decode is skipped; the count of loaded prompts is reported
      }
    }
    return out;
  }
}
