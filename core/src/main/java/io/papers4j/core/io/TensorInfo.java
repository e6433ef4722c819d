package io.papers4j.core.io;

import java.util.Arrays;

/**
 * One entry of a safetensors header: {@code "name": {"dtype": "F32", "shape": [2, 3],
 * "data_offsets": [begin, end]}}. Offsets count bytes from the start of the data section, which
 * begins right after the 8-byte length and the header.
 *
 * @param name tensor name, e.g. {@code model.layers.0.self_attn.q_proj.weight}
 * @param dtype element type
 * @param shape dimensions; empty for a scalar
 * @param begin first byte (inclusive) within the data section
 * @param end last byte (exclusive) within the data section
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {

  public TensorInfo {
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** Number of elements: the product of the shape (1 for a scalar). */
  public long numel() {
    return numel(shape);
  }

  /** Bytes in the data section, {@code end - begin}. */
  public long byteLength() {
    return end - begin;
  }

  static long numel(long[] shape) {
    long n = 1;
    for (long d : shape) n = Math.multiplyExact(n, d);
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorInfo t
        && name.equals(t.name)
        && dtype == t.dtype
        && Arrays.equals(shape, t.shape)
        && begin == t.begin
        && end == t.end;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " " + dtype + Arrays.toString(shape) + " [" + begin + ", " + end + ")";
  }
}
