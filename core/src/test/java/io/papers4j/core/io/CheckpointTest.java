package io.papers4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
  @TempDir Path tmp;

  /** A config.json of any model family: the checkpoint keeps its text as given. */
  private static String tiny() {
    return ConfigJson.write(Map.of("model_type", "llama", "vocab_size", 8, "hidden_size", 4));
  }

  private static Map<String, Tensor> weights() {
    Map<String, Tensor> w = new LinkedHashMap<>();
    float[] e = new float[32];
    for (int i = 0; i < e.length; i++) e[i] = i * 0.1f;
    w.put("model.embed_tokens.weight", Tensors.floats(e, 8, 4));
    w.put("model.norm.weight", Tensors.floats(new float[] {1, 1, 1, 1}, 4));
    w.put("model.layers.0.self_attn.k_proj.weight", Tensors.floats(new float[8], 2, 4));
    return w;
  }

  private static Map<String, TensorSpec> specs(Map<String, Tensor> w) {
    Map<String, TensorSpec> s = new LinkedHashMap<>();
    w.forEach((k, v) -> s.put(k, TensorSpec.of(v)));
    return s;
  }

  @Test
  void saves_and_loads_config_weights_and_run_info() {
    Path dir = tmp.resolve("ckpt");
    Map<String, Tensor> w = weights();
    Checkpoint.save(dir, tiny(), w, Checkpoint.runInfo(Map.of("lr", 0.001), 42, "kjv", 100));
    assertThat(Checkpoint.readConfigJson(dir)).isEqualTo(tiny());
    Map<String, Object> info = Checkpoint.readRunInfo(dir);
    assertThat(info).containsEntry("seed", 42).containsEntry("data", "kjv").containsEntry("step", 100)
        .containsKey("code_version");
    assertThat(info.get("config")).isEqualTo(Map.of("lr", 0.001));
    Map<String, Tensor> back = Checkpoint.load(dir, specs(w), Checkpoint.LoadOptions.STRICT);
    assertThat(back.keySet()).containsExactlyElementsOf(w.keySet());
    w.forEach((k, v) -> assertThat(back.get(k).equal(v)).as(k).isTrue());
  }

  @Test
  void save_replaces_an_existing_checkpoint_and_leaves_no_temporary_directories() throws IOException {
    Path dir = tmp.resolve("ckpt");
    Checkpoint.save(dir, tiny(), weights(), Checkpoint.runInfo(Map.of(), 1, "kjv", 1));
    Checkpoint.save(dir, tiny(), weights(), Checkpoint.runInfo(Map.of(), 1, "kjv", 2));
    assertThat(Checkpoint.readRunInfo(dir)).containsEntry("step", 2);
    try (var s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("ckpt");
    }
    try (var s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("config.json", "model.safetensors", "papers4j.json");
    }
  }

  @Test
  void mismatches_name_the_tensor() {
    Path dir = tmp.resolve("ckpt");
    Map<String, Tensor> w = weights();
    Checkpoint.save(dir, tiny(), w, Map.of());
    Map<String, TensorSpec> s = specs(w);

    Map<String, TensorSpec> wrongShape = new LinkedHashMap<>(s);
    wrongShape.put("model.layers.0.self_attn.k_proj.weight", TensorSpec.of(DType.F32, 4, 4));
    assertThatThrownBy(() -> Checkpoint.load(dir, wrongShape, Checkpoint.LoadOptions.STRICT))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("model.safetensors")
        .hasMessageContaining("'model.layers.0.self_attn.k_proj.weight'")
        .hasMessageContaining("shape [2, 4] does not match the expected [4, 4]");

    Map<String, TensorSpec> missing = new LinkedHashMap<>(s);
    missing.put("lm_head.weight", TensorSpec.of(DType.F32, 8, 4));
    assertThatThrownBy(() -> Checkpoint.load(dir, missing, Checkpoint.LoadOptions.STRICT))
        .hasMessageContaining("'lm_head.weight'").hasMessageContaining("missing");

    Map<String, TensorSpec> wrongDtype = new LinkedHashMap<>(s);
    wrongDtype.put("model.norm.weight", TensorSpec.of(DType.BF16, 4));
    assertThatThrownBy(() -> Checkpoint.load(dir, wrongDtype, Checkpoint.LoadOptions.STRICT))
        .hasMessageContaining("'model.norm.weight'").hasMessageContaining("dtype F32 does not match the expected BF16");
    // Importing a download converts floats instead.
    Tensor norm = Checkpoint.load(dir, wrongDtype, Checkpoint.LoadOptions.HF_IMPORT).get("model.norm.weight");
    assertThat(norm.scalar_type().intern()).isEqualTo(ScalarType.BFloat16);

    Map<String, TensorSpec> fewer = new LinkedHashMap<>(s);
    fewer.remove("model.norm.weight");
    assertThatThrownBy(() -> Checkpoint.load(dir, fewer, Checkpoint.LoadOptions.STRICT))
        .hasMessageContaining("'model.norm.weight'").hasMessageContaining("not expected");
    assertThat(Checkpoint.load(dir, fewer, Checkpoint.LoadOptions.HF_IMPORT)).hasSize(2);
  }

  @Test
  void loads_a_sharded_hugging_face_directory() throws IOException {
    Path dir = tmp.resolve("hf");
    Files.createDirectories(dir);
    Map<String, Tensor> w = weights();
    List<String> names = List.copyOf(w.keySet());
    Safetensors.write(dir.resolve("model-00001-of-00002.safetensors"),
        Map.of(names.get(0), w.get(names.get(0))));
    Safetensors.write(dir.resolve("model-00002-of-00002.safetensors"),
        Map.of(names.get(1), w.get(names.get(1)), names.get(2), w.get(names.get(2))));
    Files.writeString(dir.resolve("model.safetensors.index.json"),
        "{\"metadata\": {\"total_size\": 168}, \"weight_map\": {"
            + "\"" + names.get(0) + "\": \"model-00001-of-00002.safetensors\","
            + "\"" + names.get(1) + "\": \"model-00002-of-00002.safetensors\","
            + "\"" + names.get(2) + "\": \"model-00002-of-00002.safetensors\"}}");
    Files.writeString(dir.resolve("config.json"), tiny());
    Map<String, Tensor> back = Checkpoint.load(dir, specs(w), Checkpoint.LoadOptions.STRICT);
    w.forEach((k, v) -> assertThat(back.get(k).equal(v)).as(k).isTrue());
    assertThat(Checkpoint.readRunInfo(dir)).isEmpty();
  }

  @Test
  void a_directory_without_weights_is_named() {
    assertThatThrownBy(() -> Checkpoint.load(tmp, Map.of(), Checkpoint.LoadOptions.STRICT))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("model.safetensors").hasMessageContaining("not a checkpoint directory");
    assertThatThrownBy(() -> Checkpoint.readConfigJson(tmp))
        .isInstanceOf(CheckpointException.class).hasMessageContaining("config.json");
  }

  @Test
  void a_config_of_another_model_type_or_not_json_is_named() throws IOException {
    Files.writeString(tmp.resolve("config.json"), "{\"model_type\": \"papers4j-flow\", \"x\": 1}");
    assertThat(Checkpoint.readConfigOfType(tmp, "papers4j-flow", "flow").get("x").asInt()).isEqualTo(1);
    assertThatThrownBy(() -> Checkpoint.readConfigOfType(tmp, "papers4j-pixart", "PixArt"))
        .hasMessage(tmp + " is not a PixArt checkpoint: config.json has model_type papers4j-flow, expected papers4j-pixart");
    Files.writeString(tmp.resolve("config.json"), "[1, 2]");
    assertThatThrownBy(() -> Checkpoint.readConfigOfType(tmp, "papers4j-flow", "flow"))
        .hasMessage(tmp + " is not a flow checkpoint: config.json has model_type (none), expected papers4j-flow");
    Files.writeString(tmp.resolve("config.json"), "{\"model_type\": ");
    assertThatThrownBy(() -> Checkpoint.readConfigOfType(tmp, "papers4j-flow", "flow"))
        .hasMessageStartingWith(tmp.resolve("config.json") + ": not valid JSON");
  }
}
