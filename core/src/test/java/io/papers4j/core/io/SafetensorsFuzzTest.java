package io.papers4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random corruptions of a valid file (the official writer's reference file): byte flips anywhere,
 * truncations, and edits of the JSON header text. Every corrupted file must either load (with
 * every tensor's byte length matching its shape) or fail with a {@link CheckpointException} that
 * names the file. Any other exception, or a JVM crash, fails the test.
 */
class SafetensorsFuzzTest {
  private static final int CASES = 1000;
  // Header edits that target the parts a validator must check.
  private static final String[] REPLACEMENTS = {
    "0", "1", "9", "99999999999", "-1", "\"", "{", "}", "[", "]", ",", ":", "F32", "F16", "BF16",
    "I64", "XX", "null", "[]", "[1,2,3]", "1e309", "\u00e9", ""
  };

  @TempDir Path dir;

  @Test
  void every_corruption_loads_or_throws_checkpoint_exception() throws IOException {
    byte[] valid;
    try (InputStream in = getClass().getResourceAsStream("/io/safetensors/reference.safetensors")) {
      valid = in.readAllBytes();
    }
    int headerEnd = 8 + (int) java.nio.ByteBuffer.wrap(valid, 0, 8)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    Random rnd = new Random(20240327);
    Path file = dir.resolve("fuzz.safetensors");
    int loaded = 0;
    int rejected = 0;
    for (int i = 0; i < CASES; i++) {
      byte[] bad = corrupt(valid, headerEnd, rnd);
      Files.write(file, bad);
      try {
        Map<String, Tensor> tensors = Safetensors.read(file);
        SafetensorsHeader h = Safetensors.readHeader(file);
        for (TensorInfo t : h.tensors().values()) {
          Tensor x = tensors.get(t.name());
          assertThat(x.nbytes()).isEqualTo(t.byteLength());
          assertThat(x.sizes().vec().get()).containsExactly(t.shape());
        }
        loaded++;
      } catch (CheckpointException e) {
        assertThat(e.getMessage()).startsWith(file.toString());
        rejected++;
      } catch (Throwable t) {
        fail("case " + i + " threw " + t + " for a file starting "
            + new String(bad, 0, Math.min(bad.length, 200), StandardCharsets.ISO_8859_1), t);
      }
    }
    // Both outcomes must occur, or the fuzzer is not exercising the reader.
    assertThat(loaded).isGreaterThan(CASES / 20);
    assertThat(rejected).isGreaterThan(CASES / 4);
  }

  private static byte[] corrupt(byte[] valid, int headerEnd, Random rnd) {
    byte[] b = valid.clone();
    switch (rnd.nextInt(5)) {
      case 0 -> { // flip 1-4 random bytes anywhere
        for (int k = 1 + rnd.nextInt(4); k > 0; k--) b[rnd.nextInt(b.length)] ^= (byte) (1 + rnd.nextInt(255));
      }
      case 1 -> b = Arrays.copyOf(b, rnd.nextInt(b.length)); // truncate
      case 2 -> { // flip a byte of the 8-byte length
        b[rnd.nextInt(8)] ^= (byte) (1 << rnd.nextInt(8));
      }
      case 3 -> { // replace a span of the header text, keeping the length field consistent
        String h = new String(b, 8, headerEnd - 8, StandardCharsets.UTF_8);
        int from = rnd.nextInt(h.length());
        int to = Math.min(h.length(), from + rnd.nextInt(4));
        String edited = h.substring(0, from) + REPLACEMENTS[rnd.nextInt(REPLACEMENTS.length)] + h.substring(to);
        b = withHeader(edited.getBytes(StandardCharsets.UTF_8), Arrays.copyOfRange(b, headerEnd, b.length));
      }
      default -> { // edit a digit inside the header (shape or offset), length unchanged
        for (int tries = 0; tries < 100; tries++) {
          int p = 8 + rnd.nextInt(headerEnd - 8);
          if (Character.isDigit(b[p])) {
            b[p] = (byte) ('0' + rnd.nextInt(10));
            break;
          }
        }
      }
    }
    return b;
  }

  private static byte[] withHeader(byte[] header, byte[] data) {
    java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(8 + header.length + data.length)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    return out.putLong(header.length).put(header).put(data).array();
  }
}
