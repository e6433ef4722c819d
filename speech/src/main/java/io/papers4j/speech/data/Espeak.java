package io.papers4j.speech.data;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * espeak-ng synthesis in process through {@code libespeak-ng.so.1} (JNA), with phoneme events: every
 * {@code espeakEVENT_PHONEME} carries the phoneme mnemonic and its audio position, so phone labels
 * are aligned by the synthesiser itself, no forced aligner needed. A phone lasts from its event's
 * sample to the next phoneme/end event's sample.
 *
 * <p>The engine is a process-wide singleton (its C API holds global state), so every call is
 * serialised. Output is mono 16-bit at the engine's rate (22,050 Hz for espeak-ng 1.51).
 */
public final class Espeak {
  /** One synthesised utterance: samples at {@code sampleRate} and the phone segments. */
  public record Utterance(int sampleRate, float[] samples, List<Phone> phones) {}

  /** A phone from sample {@code start} (inclusive) to {@code end} (exclusive). */
  public record Phone(String symbol, int start, int end) {}

  interface Lib extends Library {
    int espeak_Initialize(int output, int buflength, String path, int options);

    int espeak_SetVoiceByName(String name);

    int espeak_SetParameter(int parameter, int value, int relative);

    void espeak_SetSynthCallback(SynthCallback cb);

    int espeak_Synth(Pointer text, long size, int position, int positionType, int endPosition, int flags,
        Pointer uniqueIdentifier, Pointer userData);

    int espeak_Synchronize();
  }

  interface SynthCallback extends Callback {
    int invoke(Pointer wav, int numSamples, Pointer events);
  }

  static final int AUDIO_OUTPUT_SYNCHRONOUS = 2;
  static final int INIT_PHONEME_EVENTS = 0x0001, INIT_DONT_EXIT = 0x8000;
  static final int RATE = 1, VOLUME = 2, PITCH = 3, RANGE = 4, WORDGAP = 7;
  static final int CHARS_UTF8 = 1, SSML = 0x10;
  static final int EV_LIST_TERMINATED = 0, EV_END = 5, EV_MSG_TERMINATED = 6, EV_PHONEME = 7;
  static final int EVENT_BYTES = 40; // espeak_EVENT on LP64: 6 ints, a pointer, an 8-byte union

  private static Lib lib;
  private static int rate;
  // current synthesis; the callback runs on the calling thread (synchronous mode)
  private static final List<float[]> chunks = new ArrayList<>();
  private static final List<int[]> events = new ArrayList<>(); // {sample, kind}
  private static final List<String> symbols = new ArrayList<>();
  private static int written;
  private static final SynthCallback CALLBACK = Espeak::collect;

  private Espeak() {}

  private static synchronized void init() {
    if (lib != null) return;
    try {
      lib = Native.load("espeak-ng", Lib.class);
    } catch (UnsatisfiedLinkError e) {
      throw new IllegalStateException(
          "libespeak-ng is not installed (apt-get install espeak-ng, or scripts/setup): " + e.getMessage());
    }
    rate = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, null, INIT_PHONEME_EVENTS | INIT_DONT_EXIT);
    if (rate <= 0) throw new IllegalStateException("espeak_Initialize failed (" + rate + ")");
    lib.espeak_SetSynthCallback(CALLBACK);
  }

  private static int collect(Pointer wav, int n, Pointer ev) {
    if (wav != null && n > 0) {
      short[] s = wav.getShortArray(0, n);
      float[] f = new float[n];
      for (int i = 0; i < n; i++) f[i] = s[i] / 32768f;
      chunks.add(f);
    }
    if (ev != null) {
      for (int i = 0; ; i++) {
        Pointer e = ev.share((long) i * EVENT_BYTES);
        int type = e.getInt(0);
        if (type == EV_LIST_TERMINATED) break;
        int sample = e.getInt(20);
        if (type == EV_PHONEME) {
          byte[] b = e.getByteArray(32, 8);
          int len = 0;
          while (len < 8 && b[len] != 0) len++;
          events.add(new int[] {sample, symbols.size()});
          symbols.add(new String(b, 0, len, StandardCharsets.UTF_8));
        } else if (type == EV_END || type == EV_MSG_TERMINATED) {
          events.add(new int[] {sample, -1});
        }
      }
    }
    if (wav != null) written += Math.max(n, 0);
    return 0;
  }

  /**
   * Synthesises {@code text} (plain text, or SSML when it starts with {@code <speak}) with voice
   * {@code voice} (e.g. {@code en-us+f3}), speed in words/min, pitch 0-99 and pitch range 0-100.
   */
  public static synchronized Utterance synth(String text, String voice, int wpm, int pitch, int range) {
    init();
    if (lib.espeak_SetVoiceByName(voice) != 0) throw new IllegalArgumentException("espeak-ng has no voice " + voice);
    lib.espeak_SetParameter(RATE, wpm, 0);
    lib.espeak_SetParameter(PITCH, pitch, 0);
    lib.espeak_SetParameter(RANGE, range, 0);
    chunks.clear();
    events.clear();
    symbols.clear();
    written = 0;
    byte[] bytes = (text + "\0").getBytes(StandardCharsets.UTF_8);
    com.sun.jna.Memory mem = new com.sun.jna.Memory(bytes.length);
    mem.write(0, bytes, 0, bytes.length);
    int flags = CHARS_UTF8 | (text.stripLeading().startsWith("<speak") ? SSML : 0);
    int err = lib.espeak_Synth(mem, bytes.length, 0, 0, 0, flags, null, null);
    if (err != 0) throw new IllegalStateException("espeak_Synth failed with code " + err);
    lib.espeak_Synchronize();
    int total = 0;
    for (float[] c : chunks) total += c.length;
    float[] samples = new float[total];
    int p = 0;
    for (float[] c : chunks) {
      System.arraycopy(c, 0, samples, p, c.length);
      p += c.length;
    }
    List<Phone> phones = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      int[] e = events.get(i);
      if (e[1] < 0) continue;
      int end = i + 1 < events.size() ? events.get(i + 1)[0] : total;
      int start = Math.min(e[0], total);
      end = Math.min(Math.max(end, start), total);
      if (end > start) phones.add(new Phone(symbols.get(e[1]), start, end));
    }
    return new Utterance(rate, samples, phones);
  }
}
