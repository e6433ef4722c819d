package io.papers4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
  @TempDir Path dir;

  /** The file the official Python package wrote (tools/reference/safetensors_reference.py). */
  private Path referenceFile() throws IOException {
    Path p = dir.resolve("reference.safetensors");
    try (InputStream in = getClass().getResourceAsStream("/io/safetensors/reference.safetensors")) {
      Files.copy(in, p);
    }
    return p;
  }

  private JsonNode referenceValues() throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/io/safetensors/reference.json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  @Test
  void reads_every_dtype_of_the_official_writer() throws IOException {
    Path file = referenceFile();
    JsonNode expected = referenceValues();
    Map<String, Tensor> tensors = Safetensors.read(file);
    assertThat(tensors).hasSize(expected.size());
    for (Map.Entry<String, JsonNode> e : expected.properties()) {
      Tensor t = tensors.get(e.getKey());
      DType dtype = DType.valueOf(e.getValue().get("dtype").asText());
      assertThat(DType.of(t.scalar_type())).as(e.getKey()).isEqualTo(dtype);
      long[] shape = new ObjectMapper().convertValue(e.getValue().get("shape"), long[].class);
      assertThat(t.sizes().vec().get()).as(e.getKey()).containsExactly(shape);
      double[] values = Tensors.toDoubles(t);
      JsonNode ev = e.getValue().get("values");
      assertThat(values).as(e.getKey()).hasSize(ev.size());
      for (int i = 0; i < values.length; i++) {
        double want = ev.get(i).asDouble();
        if (dtype == DType.I64) {
          // Compare as longs: 2^62 is not exact through double arithmetic of a difference.
          assertThat(t.to(ScalarType.Long).reshape(-1).get(i).item_long())
              .as(e.getKey()).isEqualTo(ev.get(i).asLong());
        } else {
          assertThat(values[i]).as(e.getKey() + "[" + i + "]").isEqualTo(want);
        }
      }
    }
    assertThat(Safetensors.readHeader(file).metadata()).containsExactly(Map.entry("format", "pt"));
  }

  @Test
  void writes_the_same_bytes_as_the_official_writer() throws IOException {
    Path ref = referenceFile();
    Map<String, Tensor> tensors = Safetensors.read(ref);
    Path ours = dir.resolve("ours.safetensors");
    Safetensors.write(ours, tensors, Map.of("format", "pt"));
    assertThat(Files.readAllBytes(ours)).isEqualTo(Files.readAllBytes(ref));
  }

  @Test
  void round_trips_f32_f16_bf16_i8_i32_i64_with_metadata() {
    float[] v = {0f, 1f, -2.5f, 3.25f, 1024f, -0.125f};
    Tensor base = Tensors.floats(v, 2, 3);
    Map<String, Tensor> in = new LinkedHashMap<>();
    in.put("w.f32", base);
    in.put("w.f16", base.to(ScalarType.Half));
    in.put("w.bf16", base.to(ScalarType.BFloat16));
    in.put("w.i8", base.to(ScalarType.Char));
    in.put("w.i32", base.to(ScalarType.Int));
    in.put("w.i64", base.to(ScalarType.Long));
    in.put("w.t", base.t()); // non-contiguous view: written as its logical (3, 2) layout
    Path file = dir.resolve("m.safetensors");
    Safetensors.write(file, in, Map.of("step", "7", "format", "pt"));

    Map<String, Tensor> out = Safetensors.read(file);
    assertThat(out.keySet()).containsExactlyInAnyOrderElementsOf(in.keySet());
    for (String k : in.keySet()) {
      assertThat(out.get(k).scalar_type().intern()).as(k).isEqualTo(in.get(k).scalar_type().intern());
      assertThat(out.get(k).equal(in.get(k).contiguous())).as(k).isTrue();
    }
    SafetensorsHeader h = Safetensors.readHeader(file);
    assertThat(h.metadata()).containsEntry("step", "7").containsEntry("format", "pt");
    assertThat(h.dataStart() % 8).isZero();
    assertThat(h.tensor("w.t").shape()).containsExactly(3, 2);
  }

  @Test
  void reads_one_tensor_lazily_and_names_a_missing_one() {
    Path file = dir.resolve("m.safetensors");
    Safetensors.write(
        file, Map.of("a", Tensors.floats(new float[] {1, 2}, 2), "b", Tensors.longs(new long[] {5}, 1)));
    try (SafetensorsFile f = Safetensors.open(file)) {
      assertThat(f.names()).containsExactlyInAnyOrder("a", "b");
      assertThat(f.tensor("b").item_long()).isEqualTo(5L);
      assertThatThrownBy(() -> f.tensor("model.norm.weight"))
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("'model.norm.weight'");
    }
  }

  @Test
  void write_is_atomic_and_leaves_no_temporary_file() throws IOException {
    Path file = dir.resolve("m.safetensors");
    Safetensors.write(file, Map.of("a", Tensors.floats(new float[] {1}, 1)));
    byte[] before = Files.readAllBytes(file);
    // A tensor of a type safetensors cannot hold fails before anything replaces the old file.
    Tensor complex = Tensors.floats(new float[] {1, 2}, 2).to(ScalarType.ComplexFloat);
    assertThatThrownBy(() -> Safetensors.write(file, Map.of("z", complex)))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("'z'");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    try (var s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("m.safetensors");
    }
  }

  // ---- bad input: each case gives one CheckpointException naming the file (and tensor) ----

  private Path withHeader(String json, int dataBytes) throws IOException {
    byte[] h = json.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    Path p = dir.resolve("bad.safetensors");
    Files.write(p, b.array());
    return p;
  }

  private void assertBad(Path file, String... fragments) {
    assertThatThrownBy(() -> Safetensors.read(file))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining(file.toString())
        .satisfies(e -> {
          for (String f : fragments) assertThat(e.getMessage()).contains(f);
        });
  }

  @Test
  void missing_file() {
    assertBad(dir.resolve("nope.safetensors"), "no such file");
  }

  @Test
  void truncated_file() throws IOException {
    Path ref = referenceFile();
    byte[] all = Files.readAllBytes(ref);
    Path p = dir.resolve("t.safetensors");
    Files.write(p, java.util.Arrays.copyOf(all, 5));
    assertBad(p, "truncated");
    Files.write(p, java.util.Arrays.copyOf(all, all.length - 3));
    assertBad(p, "data section");
  }

  @Test
  void header_length_past_the_end() throws IOException {
    Path p = dir.resolve("h.safetensors");
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).putLong(0);
    Files.write(p, b.array());
    assertBad(p, "past the end");
  }

  @Test
  void bad_json() throws IOException {
    assertBad(withHeader("{\"a\": {\"dtype\": \"F32\", ", 0), "not valid JSON");
    assertBad(withHeader("[1, 2]  ", 0), "not a JSON object");
    assertBad(withHeader("{\"a\":1,\"a\":2}", 0), "not valid JSON");
  }

  @Test
  void offsets_out_of_range_overlapping_or_leaving_gaps() throws IOException {
    assertBad(
        withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4),
        "run past the end");
    assertBad(
        withHeader(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
            8),
        "'b'", "overlaps");
    assertBad(
        withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8),
        "'a'", "gap");
    assertBad(
        withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8),
        "holds 8");
    assertBad(
        withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", 4), "'a'");
    assertBad(
        withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", 4), "'a'");
  }

  @Test
  void unknown_dtype_and_shape_that_does_not_match_the_bytes() throws IOException {
    assertBad(
        withHeader("{\"a\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1),
        "'a'", "unsupported dtype 'F8_E4M3'");
    assertBad(
        withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8),
        "'a'", "needs 12 bytes");
    assertBad(
        withHeader(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,8]}}", 8),
        "'a'", "too large");
  }

  @Test
  void metadata_must_be_strings() throws IOException {
    assertBad(withHeader("{\"__metadata__\":{\"step\":7}}", 0), "__metadata__", "'step'");
  }
}
