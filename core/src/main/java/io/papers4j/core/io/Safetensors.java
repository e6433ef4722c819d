package io.papers4j.core.io;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;

/**
 * Reads and writes the Hugging Face safetensors format in plain Java.
 *
 * <p>Format: {@code u64 N (little-endian) | N bytes of JSON header | data}. Writing follows the
 * reference implementation byte for byte: tensors ordered by decreasing dtype (the order of
 * {@link DType}, which is the reference's, so wide types come first and every tensor stays aligned
 * to its element size), then by name; the header padded with spaces to a multiple of 8
 * bytes, and the data written contiguously without gaps. Files are written to a temporary file in
 * the same directory and moved into place atomically, so a reader never sees half a file.
 */
public final class Safetensors {
  private Safetensors() {}

  /** Reads every tensor of {@code file} into CPU tensors, in header order. */
  public static Map<String, Tensor> read(Path file) {
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      return f.readAll();
    }
  }

  /** Reads and validates only the header (names, dtypes, shapes, offsets, metadata). */
  public static SafetensorsHeader readHeader(Path file) {
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      return f.header();
    }
  }

  /** Reads one tensor without reading the others. */
  public static Tensor readTensor(Path file, String name) {
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      return f.tensor(name);
    }
  }

  /** Opens {@code file} for lazy, per-tensor reading. */
  public static SafetensorsFile open(Path file) {
    return SafetensorsFile.open(file);
  }

  /** Writes {@code tensors} without metadata. */
  public static void write(Path file, Map<String, Tensor> tensors) {
    write(file, tensors, Map.of());
  }

  /**
   * Writes {@code tensors} (any device, any strides; copied to contiguous CPU memory first) and
   * {@code metadata} (the {@code __metadata__} string map, e.g. {@code {"format": "pt"}}) to
   * {@code file} atomically.
   */
  public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
    if (tensors.containsKey("__metadata__")) {
      throw CheckpointException.of(file, "__metadata__", "is a reserved name");
    }
    List<Map.Entry<String, Tensor>> order = new ArrayList<>(tensors.entrySet());
    Map<String, DType> dtypes = new java.util.HashMap<>();
    for (Map.Entry<String, Tensor> e : order) {
      try {
        dtypes.put(e.getKey(), DType.of(e.getValue().scalar_type()));
      } catch (IllegalArgumentException ex) {
        throw CheckpointException.of(file, e.getKey(), ex.getMessage());
      }
    }
    order.sort(
        Comparator.<Map.Entry<String, Tensor>>comparingInt(e -> -dtypes.get(e.getKey()).ordinal())
            .thenComparing(Map.Entry::getKey));

    List<TensorInfo> infos = new ArrayList<>();
    long pos = 0;
    for (Map.Entry<String, Tensor> e : order) {
      Tensor t = e.getValue();
      long[] shape = t.sizes().vec().get();
      DType dt = dtypes.get(e.getKey());
      long len = TensorInfo.numel(shape) * dt.size;
      infos.add(new TensorInfo(e.getKey(), dt, shape, pos, pos + len));
      pos += len;
    }
    byte[] json = SafetensorsHeader.toJson(metadata, infos);
    int padded = (json.length + 7) / 8 * 8;

    AtomicFiles.write(file, tmp -> {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();
        writeFully(ch, head);
        for (int i = 0; i < order.size(); i++) {
          writeTensor(ch, order.get(i).getValue(), infos.get(i).byteLength());
        }
        ch.force(true);
      }
    });
  }

  private static void writeTensor(FileChannel ch, Tensor t, long len) throws IOException {
    if (len == 0) return;
    Tensor c = t.cpu().contiguous();
    BytePointer p = new BytePointer(c.data_ptr()).capacity(len);
    long chunk = 1L << 30;
    for (long off = 0; off < len; off += chunk) {
      long n = Math.min(chunk, len - off);
      writeFully(ch, p.position(off).limit(off + n).asBuffer());
    }
    Reference.reachabilityFence(c); // p points into c's memory

  }

  private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) ch.write(buf);
  }
}
