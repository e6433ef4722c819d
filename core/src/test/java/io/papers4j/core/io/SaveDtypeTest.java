package io.papers4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.tensor.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --save-dtype bf16} against torch's own float32 → bfloat16 conversion: the golden file
 * ({@code tools/reference/bf16_safetensors_golden.py}) holds 80 float32 inputs (ties to even in both
 * directions, values just above a tie, signed zeros, a subnormal, the float32 maximum, ±inf, NaN,
 * seeded normals) and torch 1.13's bfloat16 bit patterns of them.
 */
class SaveDtypeTest {
  static final Path GOLDEN = Path.of("src/test/resources/io/bf16/bf16_golden.safetensors");

  @BeforeAll
  static void init() {
    Engine.init(1);
  }

  @Test
  void bf16_file_bytes_equal_torchs_conversion_bit_for_bit(@TempDir Path tmp) throws Exception {
    Tensor input = Safetensors.readTensor(GOLDEN, "input"); // (80,) float32
    Map<String, Tensor> in = new LinkedHashMap<>();
    in.put("x", input);
    in.put("step", Tensor.create(new long[] {7})); // integers are written unchanged
    Path f = tmp.resolve("model.safetensors");
    Safetensors.write(f, SaveDtype.BF16.cast(in), Map.of("format", "pt"));

    SafetensorsHeader ours = Safetensors.readHeader(f);
    assertThat(ours.tensor("x").dtype()).isEqualTo(DType.BF16);
    assertThat(ours.tensor("step").dtype()).isEqualTo(DType.I64);
    short[] got = bits(f, ours.tensor("x"), ours.dataStart());
    SafetensorsHeader gold = Safetensors.readHeader(GOLDEN);
    short[] want = bits(GOLDEN, gold.tensor("expected"), gold.dataStart());
    float[] x = floats(input);
    int nans = 0;
    int mismatches = 0;
    for (int i = 0; i < x.length; i++) {
      if (Float.isNaN(x[i])) {
        nans++;
        // any NaN encoding is a NaN (torch 1.13 writes 0xFFFF, libtorch may write another one)
        assertThat(Float.isNaN(Float.intBitsToFloat(got[i] << 16))).isTrue();
      } else if (got[i] != want[i]) {
        mismatches++;
      }
    }
    System.out.printf("bf16 bytes vs torch: %d of %d values compared bit for bit, %d mismatches, %d NaN%n",
        x.length - nans, x.length, mismatches, nans);
    assertThat(mismatches).isZero();
    assertThat(nans).isEqualTo(1);
    // ties to even and overflow, as the reference documents them
    assertThat(Float.intBitsToFloat(got[4] << 16)).isEqualTo(1.0f);
    assertThat(Float.intBitsToFloat(got[5] << 16)).isEqualTo(1.015625f);
    assertThat(Float.intBitsToFloat(got[10] << 16)).isEqualTo(Float.POSITIVE_INFINITY);
  }

  @Test
  void reading_bf16_back_into_float32_gives_the_rounded_values() {
    Tensor expected = Safetensors.readTensor(GOLDEN, "expected");
    assertThat(expected.scalar_type().intern()).isEqualTo(ScalarType.BFloat16);
    Tensor back = expected.to(ScalarType.Float);
    float[] in = floats(Safetensors.readTensor(GOLDEN, "input"));
    float[] b = floats(back);
    for (int i = 0; i < in.length; i++) {
      if (Float.isNaN(in[i]) || Float.isInfinite(b[i])) continue;
      // bfloat16 keeps 8 significant bits: round to nearest errs by at most 2^-8 relative (normal
      // range), reached by the tie 1 + 2^-8 → 1
      if (Math.abs(in[i]) > 1e-37) assertThat(Math.abs(b[i] - in[i])).isLessThanOrEqualTo(Math.abs(in[i]) / 256);
    }
  }

  @Test
  void parse_accepts_the_two_names_and_refuses_others() {
    assertThat(SaveDtype.parse("bf16")).isEqualTo(SaveDtype.BF16);
    assertThat(SaveDtype.parse("bfloat16").torchDtype()).isEqualTo("bfloat16");
    assertThat(SaveDtype.parse("F32").torchDtype()).isEqualTo("float32");
    assertThatThrownBy(() -> SaveDtype.parse("fp16")).hasMessage("save dtype must be f32 or bf16, got 'fp16'");
  }

  /** The little-endian 16-bit patterns of a BF16 tensor, read straight from the file. */
  static short[] bits(Path file, TensorInfo t, long dataStart) throws Exception {
    byte[] all = Files.readAllBytes(file);
    int from = (int) (dataStart + t.begin());
    short[] out = new short[(int) t.numel()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (short) ((all[from + 2 * i] & 0xff) | (all[from + 2 * i + 1] & 0xff) << 8);
    }
    return out;
  }

  static float[] floats(Tensor t) {
    double[] d = Tensors.toDoubles(t); // float32 and bfloat16 are exact in double
    float[] out = new float[d.length];
    for (int i = 0; i < d.length; i++) out[i] = (float) d[i];
    return out;
  }
}
