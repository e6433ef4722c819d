package io.papers4j.speech.audio;

import io.papers4j.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * RIFF/WAVE PCM files: 8-bit (unsigned) and 16-bit (signed little-endian) integer samples, any
 * number of channels and any sample rate; {@code WAVE_FORMAT_EXTENSIBLE} with a PCM sub-format is
 * accepted. Unknown chunks are skipped. Reading then writing a file gives the same samples bit for
 * bit (header chunks other than {@code fmt} and {@code data} are not kept).
 *
 * <p>Everything else (float, A-law, μ-law, 24/32-bit, truncated or corrupt files) fails with one
 * {@link AudioException} naming the file and the reason.
 */
public final class Wav {
  private Wav() {}

  /**
   * Decoded PCM: {@code samples[channel][i]} as the integers stored in the file (8-bit unsigned
   * 0..255 is kept as stored, 16-bit as -32768..32767).
   */
  public record Pcm(int sampleRate, int bitsPerSample, int[][] samples) {
    public Pcm {
      if (sampleRate <= 0) throw new AudioException("sample rate must be > 0, got " + sampleRate);
      if (bitsPerSample != 8 && bitsPerSample != 16) {
        throw new AudioException("only 8- and 16-bit PCM are supported, got " + bitsPerSample + "-bit");
      }
      if (samples.length == 0) throw new AudioException("no channels");
      for (int[] c : samples) {
        if (c.length != samples[0].length) throw new AudioException("channels differ in length");
      }
    }

    public int channels() {
      return samples.length;
    }

    public int frames() {
      return samples[0].length;
    }

    public double seconds() {
      return frames() / (double) sampleRate;
    }

    /** Mean of the channels as floats in [-1, 1) (16-bit: /32768; 8-bit: (v - 128)/128). */
    public float[] mono() {
      float[] out = new float[frames()];
      for (int[] c : samples) {
        for (int i = 0; i < out.length; i++) out[i] += toFloat(c[i]);
      }
      for (int i = 0; i < out.length; i++) out[i] /= channels();
      return out;
    }

    private float toFloat(int v) {
      return bitsPerSample == 16 ? v / 32768f : (v - 128) / 128f;
    }
  }

  /** Mono float audio at a rate, the form the models use. */
  public record Audio(int sampleRate, float[] samples) {
    public double seconds() {
      return samples.length / (double) sampleRate;
    }
  }

  /** Reads a PCM WAV file. */
  public static Pcm read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new AudioException(file + ": no such file");
    } catch (IOException e) {
      throw new AudioException(file + ": cannot read: " + e.getMessage());
    }
    try {
      return parse(bytes);
    } catch (AudioException e) {
      throw new AudioException(file + ": " + e.getMessage());
    }
  }

  /** Reads a WAV file as mono float audio (channels averaged), at the file's rate. */
  public static Audio readMono(Path file) {
    Pcm p = read(file);
    return new Audio(p.sampleRate(), p.mono());
  }

  /** Parses the bytes of a WAV file. */
  public static Pcm parse(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) {
      throw new AudioException("not a RIFF/WAVE file");
    }
    int pos = 12;
    int format = -1, channels = 0, rate = 0, bits = 0;
    int dataOff = -1, dataLen = 0;
    while (pos + 8 <= bytes.length) {
      int id = b.getInt(pos);
      long len = b.getInt(pos + 4) & 0xffffffffL;
      int body = pos + 8;
      if (id == 0x20746d66) { // "fmt "
        if (len < 16 || body + 16 > bytes.length) throw new AudioException("truncated fmt chunk");
        format = b.getShort(body) & 0xffff;
        channels = b.getShort(body + 2) & 0xffff;
        rate = b.getInt(body + 4);
        bits = b.getShort(body + 14) & 0xffff;
        if (format == 0xFFFE && len >= 40 && body + 26 <= bytes.length) {
          format = b.getShort(body + 24) & 0xffff; // sub-format GUID starts with the format code
        }
      } else if (id == 0x61746164) { // "data"
        dataOff = body;
        dataLen = (int) Math.min(len, bytes.length - body); // tolerate a too-long size field
        break;
      }
      long next = body + len + (len & 1);
      if (next > bytes.length) break;
      pos = (int) next;
    }
    if (format < 0) throw new AudioException("no fmt chunk");
    if (dataOff < 0) throw new AudioException("no data chunk");
    if (format != 1) {
      throw new AudioException(
          "unsupported WAV encoding " + formatName(format) + " (only integer PCM is supported; convert with"
              + " `sox in.wav -b 16 -e signed-integer out.wav`)");
    }
    if (bits != 8 && bits != 16) {
      throw new AudioException(
          "unsupported " + bits + "-bit PCM (8 and 16 are supported; convert with `sox in.wav -b 16 out.wav`)");
    }
    if (channels < 1) throw new AudioException("fmt chunk says " + channels + " channels");
    if (rate <= 0) throw new AudioException("fmt chunk says sample rate " + rate);
    int frameBytes = channels * bits / 8;
    int frames = dataLen / frameBytes;
    int[][] s = new int[channels][frames];
    int p = dataOff;
    for (int i = 0; i < frames; i++) {
      for (int c = 0; c < channels; c++) {
        if (bits == 16) {
          s[c][i] = b.getShort(p);
          p += 2;
        } else {
          s[c][i] = bytes[p] & 0xff;
          p += 1;
        }
      }
    }
    return new Pcm(rate, bits, s);
  }

  private static String formatName(int f) {
    return switch (f) {
      case 3 -> "IEEE float";
      case 6 -> "A-law";
      case 7 -> "mu-law";
      case 2 -> "MS ADPCM";
      case 0x11 -> "IMA ADPCM";
      default -> "format code " + f;
    };
  }

  /** The bytes of a canonical 44-byte-header WAV file holding {@code pcm}. */
  public static byte[] encode(Pcm pcm) {
    int ch = pcm.channels();
    int bps = pcm.bitsPerSample() / 8;
    int dataLen = pcm.frames() * ch * bps;
    ByteBuffer b = ByteBuffer.allocate(44 + dataLen + (dataLen & 1)).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0x46464952).putInt(36 + dataLen + (dataLen & 1)).putInt(0x45564157);
    b.putInt(0x20746d66).putInt(16).putShort((short) 1).putShort((short) ch).putInt(pcm.sampleRate());
    b.putInt(pcm.sampleRate() * ch * bps).putShort((short) (ch * bps)).putShort((short) pcm.bitsPerSample());
    b.putInt(0x61746164).putInt(dataLen);
    for (int i = 0; i < pcm.frames(); i++) {
      for (int c = 0; c < ch; c++) {
        int v = pcm.samples()[c][i];
        if (bps == 2) b.putShort((short) v);
        else b.put((byte) v);
      }
    }
    return b.array();
  }

  /** Writes {@code pcm} atomically. */
  public static void write(Path file, Pcm pcm) {
    AtomicFiles.write(file, encode(pcm));
  }

  /** Writes mono float audio as 16-bit PCM (clipped to [-1, 1), rounded to nearest). */
  public static void write(Path file, Audio audio) {
    write(file, toPcm16(audio));
  }

  /** Float samples to 16-bit integers (clip, round). */
  public static Pcm toPcm16(Audio audio) {
    int[] s = new int[audio.samples().length];
    for (int i = 0; i < s.length; i++) {
      float v = audio.samples()[i];
      if (Float.isNaN(v)) throw new AudioException("audio holds NaN at sample " + i);
      s[i] = (int) Math.max(-32768, Math.min(32767, Math.round(v * 32768.0)));
    }
    return new Pcm(audio.sampleRate(), 16, new int[][] {s});
  }
}
