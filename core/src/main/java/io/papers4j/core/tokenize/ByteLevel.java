package io.papers4j.core.tokenize;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * GPT-2's reversible map from the 256 byte values to printable Unicode characters, so byte
 * sequences can be handled as strings without whitespace or control characters.
 *
 * <p>The 188 bytes that are printable Latin-1 ({@code '!'..'~'}, {@code '¡'..'¬'}, {@code
 * '®'..'ÿ'}) map to themselves; the other 68 map, in byte order, to U+0100, U+0101, ... So a space
 * (0x20) becomes {@code 'Ġ'} (U+0120) and a newline (0x0A) becomes {@code 'Ċ'} (U+010A).
 */
public final class ByteLevel {
  private static final char[] BYTE_TO_CHAR = new char[256];
  private static final int[] CHAR_TO_BYTE = new int[512];

  static {
    java.util.Arrays.fill(CHAR_TO_BYTE, -1);
    int n = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      char c = printable ? (char) b : (char) (256 + n++);
      BYTE_TO_CHAR[b] = c;
      CHAR_TO_BYTE[c] = b;
    }
  }

  private ByteLevel() {}

  /** The character standing for byte {@code b} (0..255). */
  public static char charOf(int b) {
    return BYTE_TO_CHAR[b & 0xFF];
  }

  /** The byte a character stands for, or -1 when it is not a byte-level character. */
  public static int byteOf(char c) {
    return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
  }

  /** UTF-8 bytes of {@code text}, each replaced by its character. */
  public static String encode(String text) {
    return encode(text.getBytes(StandardCharsets.UTF_8));
  }

  public static String encode(byte[] bytes) {
    char[] out = new char[bytes.length];
    for (int i = 0; i < bytes.length; i++) out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
    return new String(out);
  }

  /** Appends the bytes that the characters of {@code token} stand for. */
  public static void decodeInto(String token, ByteArrayOutputStream out) {
    for (int i = 0; i < token.length(); i++) {
      int b = byteOf(token.charAt(i));
      if (b < 0) {
        throw new IllegalArgumentException(
            "token '" + token + "' has a character that is not byte-level: U+"
                + Integer.toHexString(token.charAt(i)));
      }
      out.write(b);
    }
  }
}
