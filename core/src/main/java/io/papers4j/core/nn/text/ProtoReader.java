package io.papers4j.core.nn.text;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A minimal reader of the protocol-buffers wire format, enough to walk an ONNX {@code ModelProto}
 * without generated classes. Each message is a view over a slice of one {@link ByteBuffer}; nothing is
 * copied until a caller asks for bytes.
 */
final class ProtoReader {
  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LENGTH_DELIMITED = 2;
  static final int FIXED32 = 5;

  private final ByteBuffer buf;
  private final String what;
  private int field;
  private int wireType;

  /** Reads the message that occupies all of {@code buf} (position to limit). */
  ProtoReader(ByteBuffer buf, String what) {
    this.buf = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
    this.what = what;
  }

  /** Advances to the next field; false at the end of the message. */
  boolean next() {
    if (!buf.hasRemaining()) return false;
    long tag = readVarint();
    field = (int) (tag >>> 3);
    wireType = (int) (tag & 7);
    if (field <= 0) throw malformed("field number " + field);
    return true;
  }

  boolean hasRemaining() {
    return buf.hasRemaining();
  }

  int field() {
    return field;
  }

  int wireType() {
    return wireType;
  }

  long readVarint() {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (!buf.hasRemaining()) throw malformed("truncated varint");
      byte b = buf.get();
      result |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) return result;
    }
    throw malformed("varint longer than 10 bytes");
  }

  /** The payload of the current length-delimited field, as a buffer of its own. */
  ByteBuffer readBytes() {
    expect(LENGTH_DELIMITED);
    long len = readVarint();
    if (len < 0 || len > buf.remaining()) {
      throw malformed("length " + len + " past the end (" + buf.remaining() + " bytes left)");
    }
    ByteBuffer slice = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
    slice.limit((int) len);
    buf.position(buf.position() + (int) len);
    return slice;
  }

  String readString() {
    ByteBuffer b = readBytes();
    byte[] a = new byte[b.remaining()];
    b.get(a);
    return new String(a, StandardCharsets.UTF_8);
  }

  ProtoReader readMessage(String name) {
    return new ProtoReader(readBytes(), name);
  }

  /** Skips the current field whatever its wire type. */
  void skip() {
    switch (wireType) {
      case VARINT -> readVarint();
      case FIXED64 -> advance(8);
      case FIXED32 -> advance(4);
      case LENGTH_DELIMITED -> readBytes();
      default -> throw malformed("unsupported wire type " + wireType + " in field " + field);
    }
  }

  private void advance(int n) {
    if (buf.remaining() < n) throw malformed("truncated fixed-width field " + field);
    buf.position(buf.position() + n);
  }

  private void expect(int type) {
    if (wireType != type) {
      throw malformed("field " + field + " has wire type " + wireType + ", expected " + type);
    }
  }

  IllegalArgumentException malformed(String detail) {
    return new IllegalArgumentException("malformed protobuf in " + what + ": " + detail);
  }
}
