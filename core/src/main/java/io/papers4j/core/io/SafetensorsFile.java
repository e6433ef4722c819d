package io.papers4j.core.io;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * An open safetensors file whose header is validated and whose tensors are read one at a time, on
 * demand. Use it to load a single tensor of a large checkpoint without reading the rest.
 *
 * <p>Each tensor is read by memory-mapping its byte range and copying it into a fresh libtorch
 * tensor. The copy matters: a tensor that aliased the mapping would die with the buffer when the
 * garbage collector unmaps it (DESIGN trap 8). Ranges larger than one mapping allows (2 GiB) are
 * copied in chunks.
 *
 * <pre>{@code
 * try (SafetensorsFile f = SafetensorsFile.open(path)) {
 *   Tensor wq = f.tensor("model.layers.0.self_attn.q_proj.weight");
 * }
 * }</pre>
 */
public final class SafetensorsFile implements AutoCloseable {
  private static final long CHUNK = 1L << 30; // bytes per mapping when copying large tensors

  private final Path file;
  private final FileChannel channel;
  private final SafetensorsHeader header;

  private SafetensorsFile(Path file, FileChannel channel, SafetensorsHeader header) {
    this.file = file;
    this.channel = channel;
    this.header = header;
  }

  /** Opens {@code file} and validates its header; tensors are not read yet. */
  public static SafetensorsFile open(Path file) {
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      throw CheckpointException.of(file, "safetensors reading needs a little-endian machine");
    }
    FileChannel ch;
    try {
      ch = FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw CheckpointException.of(file, "no such file");
    } catch (IOException e) {
      throw CheckpointException.of(file, "cannot open: " + e.getMessage(), e);
    }
    try {
      SafetensorsHeader h = readHeader(file, ch);
      return new SafetensorsFile(file, ch, h);
    } catch (RuntimeException e) {
      closeQuietly(ch);
      throw e;
    }
  }

  static SafetensorsHeader readHeader(Path file, FileChannel ch) {
    try {
      long size = ch.size();
      ByteBuffer first = ByteBuffer.allocate(8);
      if (size >= 8) readFully(ch, first, 0);
      long n = SafetensorsHeader.headerLength(file, first, size);
      ByteBuffer json = ByteBuffer.allocate((int) n);
      readFully(ch, json, 8);
      return SafetensorsHeader.parse(file, json.array(), size - 8 - n);
    } catch (IOException e) {
      throw CheckpointException.of(file, "cannot read header: " + e.getMessage(), e);
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    while (buf.hasRemaining()) {
      int r = ch.read(buf, pos + buf.position());
      if (r < 0) throw new IOException("unexpected end of file");
    }
  }

  /** The validated header. */
  public SafetensorsHeader header() {
    return header;
  }

  /** Tensor names in header order. */
  public Set<String> names() {
    return header.tensors().keySet();
  }

  /** The {@code __metadata__} entries. */
  public Map<String, String> metadata() {
    return header.metadata();
  }

  /** Reads tensor {@code name} into a new CPU tensor that owns its memory. */
  public Tensor tensor(String name) {
    return read(header.tensor(name));
  }

  /** Reads every tensor, in header order. */
  public Map<String, Tensor> readAll() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (TensorInfo t : header.tensors().values()) out.put(t.name(), read(t));
    return out;
  }

  private Tensor read(TensorInfo info) {
    long[] shape = info.shape();
    TensorOptions opts = new TensorOptions(info.dtype().scalarType);
    long len = info.byteLength();
    long pos = header.dataStart() + info.begin();
    try {
      if (len <= CHUNK) {
        // The measured idiom: mmap + from_blob + clone (DESIGN: 100 MB in 34 ms).
        MappedByteBuffer buf = channel.map(FileChannel.MapMode.READ_ONLY, pos, len);
        try {
          Pointer src = len == 0 ? new BytePointer(1) : new BytePointer(buf);
          Tensor view = torch.from_blob(src, shape, opts);
          Tensor owned = view.clone();
          view.close();
          return owned;
        } finally {
          Reference.reachabilityFence(buf);
        }
      }
      Tensor out = torch.empty(shape, opts, new MemoryFormatOptional());
      BytePointer dst = new BytePointer(out.data_ptr()).capacity(len);
      for (long off = 0; off < len; off += CHUNK) {
        long n = Math.min(CHUNK, len - off);
        MappedByteBuffer buf = channel.map(FileChannel.MapMode.READ_ONLY, pos + off, n);
        try {
          Pointer.memcpy(dst.position(off), new BytePointer(buf), n);
        } finally {
          Reference.reachabilityFence(buf);
        }
      }
      return out;
    } catch (IOException e) {
      throw CheckpointException.of(file, info.name(), "cannot read data: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // Read-only channel: nothing was written that a failed close could lose.
    }
  }
}
