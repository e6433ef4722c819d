package io.papers4j.core.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reader for the IDX format of (Fashion-)MNIST: a big-endian header {@code 0x00 0x00 type ndims},
 * then {@code ndims} int32 sizes, then the data in row-major order. Only unsigned bytes ({@code
 * type = 0x08}) occur in these data sets and only they are supported. Files ending in {@code .gz}
 * are decompressed on the fly.
 */
public final class IdxReader {
  /** The decoded array: {@code dims} (e.g. [60000, 28, 28]) and the bytes, row-major. */
  public record IdxArray(int[] dims, byte[] data) {
    public int count() {
      return dims[0];
    }

    /** Bytes per item (product of all dimensions but the first). */
    public int itemSize() {
      int n = 1;
      for (int i = 1; i < dims.length; i++) n *= dims[i];
      return n;
    }
  }

  private IdxReader() {}

  public static IdxArray read(Path file) {
    if (!Files.isRegularFile(file)) throw new IllegalArgumentException("IDX file not found: " + file);
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file));
        InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
      return read(in, file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read IDX file: " + e.getMessage(), e);
    }
  }

  /** Reads from a stream; {@code origin} names the source in error messages. */
  public static IdxArray read(InputStream stream, String origin) throws IOException {
    DataInputStream in = new DataInputStream(stream);
    int magic;
    try {
      magic = in.readInt();
    } catch (EOFException e) {
      throw new IllegalArgumentException(origin + ": not an IDX file (shorter than its 4-byte magic)");
    }
    if ((magic >>> 16) != 0) {
      throw new IllegalArgumentException(
          origin + ": not an IDX file (magic " + String.format("0x%08x", magic) + ")");
    }
    int type = (magic >>> 8) & 0xff;
    int ndims = magic & 0xff;
    if (type != 0x08) {
      throw new IllegalArgumentException(
          origin + ": IDX element type 0x" + Integer.toHexString(type) + " unsupported (only unsigned byte 0x08)");
    }
    if (ndims < 1 || ndims > 4) throw new IllegalArgumentException(origin + ": IDX with " + ndims + " dimensions");
    int[] dims = new int[ndims];
    long total = 1;
    for (int i = 0; i < ndims; i++) {
      dims[i] = in.readInt();
      if (dims[i] < 0) throw new IllegalArgumentException(origin + ": negative IDX dimension " + dims[i]);
      total *= dims[i];
    }
    if (total > Integer.MAX_VALUE) throw new IllegalArgumentException(origin + ": IDX array too large");
    byte[] data = new byte[(int) total];
    try {
      in.readFully(data);
    } catch (EOFException e) {
      throw new IllegalArgumentException(
          origin + ": truncated IDX file: header " + Arrays.toString(dims) + " promises " + total + " bytes");
    }
    return new IdxArray(dims, data);
  }
}
