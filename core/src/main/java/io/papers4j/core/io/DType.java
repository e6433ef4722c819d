package io.papers4j.core.io;

import java.util.Locale;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The safetensors dtypes papers4j reads and writes, with their libtorch scalar types.
 *
 * <p>Names are exactly the strings of the safetensors header ({@code "F32"}, {@code "BF16"}, ...).
 * All values are little-endian in the file. The declaration order is the reference
 * implementation's dtype order, which fixes the order tensors are written in.
 */
public enum DType {
  BOOL(1, ScalarType.Bool),
  U8(1, ScalarType.Byte),
  I8(1, ScalarType.Char),
  I16(2, ScalarType.Short),
  F16(2, ScalarType.Half),
  BF16(2, ScalarType.BFloat16),
  I32(4, ScalarType.Int),
  F32(4, ScalarType.Float),
  F64(8, ScalarType.Double),
  I64(8, ScalarType.Long);

  /** Bytes per element. */
  public final int size;

  /** The libtorch scalar type. */
  public final ScalarType scalarType;

  DType(int size, ScalarType scalarType) {
    this.size = size;
    this.scalarType = scalarType;
  }

  /** The dtype named {@code name} in a safetensors header, or {@code null} when unknown. */
  public static DType parse(String name) {
    if (name == null) return null;
    for (DType d : values()) {
      if (d.name().equals(name)) return d;
    }
    return null;
  }

  /**
   * The dtype of a libtorch scalar type. Native enums are not interned (DESIGN trap 4), so this
   * compares after {@code intern()}.
   */
  public static DType of(ScalarType type) {
    ScalarType t = type.intern();
    for (DType d : values()) {
      if (d.scalarType == t) return d;
    }
    throw new IllegalArgumentException(
        "no safetensors dtype for libtorch type " + torch.toString(t).getString());
  }

  /** Lower-case name as {@code torch_dtype} in config.json writes it, e.g. "bfloat16". */
  public String torchName() {
    return switch (this) {
      case BOOL -> "bool";
      case U8 -> "uint8";
      case I8 -> "int8";
      case I16 -> "int16";
      case F16 -> "float16";
      case BF16 -> "bfloat16";
      case I32 -> "int32";
      case F32 -> "float32";
      case F64 -> "float64";
      case I64 -> "int64";
    };
  }

  @Override
  public String toString() {
    return name().toUpperCase(Locale.ROOT);
  }
}
