package io.papers4j.core.io;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * The dtype floating-point weights are written in. Training keeps float32 master weights; a
 * checkpoint stays float32 unless {@link #BF16} is asked for ({@code --save-dtype bf16}), which
 * halves the file and is what transformers' {@code save_pretrained} writes for a bfloat16 model:
 * "BF16" tensors in model.safetensors and {@code "torch_dtype": "bfloat16"} in config.json. The
 * conversion is libtorch's float32 → bfloat16 cast (round to nearest even), the same as
 * {@code tensor.to(torch.bfloat16)}. Integer tensors are written unchanged. Loading converts back
 * to the model's float32 ({@link Checkpoint.LoadOptions#OWN}).
 */
public enum SaveDtype {
  F32(DType.F32),
  BF16(DType.BF16);

  /** The safetensors dtype of the floating-point tensors. */
  public final DType dtype;

  SaveDtype(DType dtype) {
    this.dtype = dtype;
  }

  /** "f32" or "bf16" (also "float32", "bfloat16"); anything else names the accepted values. */
  public static SaveDtype parse(String s) {
    return switch (s == null ? "" : s.toLowerCase(Locale.ROOT)) {
      case "f32", "fp32", "float32" -> F32;
      case "bf16", "bfloat16" -> BF16;
      default -> throw new IllegalArgumentException("save dtype must be f32 or bf16, got '" + s + "'");
    };
  }

  /** "f32" or "bf16". */
  public String id() {
    return this == BF16 ? "bf16" : "f32";
  }

  /** config.json's {@code torch_dtype} value: "float32" or "bfloat16". */
  public String torchDtype() {
    return dtype.torchName();
  }

  /** The tensors with every floating-point one cast to this dtype (detached; others as they are). */
  public Map<String, Tensor> cast(Map<String, Tensor> tensors) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    tensors.forEach((name, t) -> out.put(name, isFloat(t) ? t.detach().to(dtype.scalarType) : t.detach()));
    return out;
  }

  private static boolean isFloat(Tensor t) {
    DType d = DType.of(t.scalar_type());
    return d == DType.F16 || d == DType.BF16 || d == DType.F32 || d == DType.F64;
  }
}
