package io.papers4j.lm.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.papers4j.core.io.CheckpointException;
import io.papers4j.core.nn.pos.RopeParameters;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config files written by hand as transformers 4.x and 5.x write them for real models. */
class LlamaConfigJsonTest {
  @TempDir Path dir;

  private static String resource(String name) throws IOException {
    try (InputStream in = LlamaConfigJsonTest.class.getResourceAsStream("/io/config/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static LlamaConfig load(String name) throws IOException {
    return LlamaConfig.parse(resource(name));
  }

  @Test
  void llama_2_7b_defaults_rope_theta_and_has_no_scaling() throws IOException {
    LlamaConfig c = load("llama-2-7b.v4.json");
    assertThat(c.modelType()).isEqualTo("llama");
    assertThat(c.architectures()).containsExactly("LlamaForCausalLM");
    assertThat(c.vocabSize()).isEqualTo(32000);
    assertThat(c.hiddenSize()).isEqualTo(4096);
    assertThat(c.intermediateSize()).isEqualTo(11008);
    assertThat(c.numHiddenLayers()).isEqualTo(32);
    assertThat(c.groups()).isEqualTo(1);
    assertThat(c.headDim()).isEqualTo(128);
    assertThat(c.rmsNormEps()).isEqualTo(1e-5);
    assertThat(c.ropeTheta()).isEqualTo(10000.0);
    assertThat(c.rope().isDefault()).isTrue();
    assertThat(c.slidingWindow()).isNull();
    assertThat(c.torchDtype()).isEqualTo("float16");
    assertThat(c.eosTokenId()).containsExactly(2);
    assertThat(c.extra()).containsKeys("_name_or_path", "pretraining_tp", "use_cache");
  }

  @Test
  void mistral_and_yi_parse_the_same_from_4x_and_5x_files() throws IOException {
    for (String model : List.of("mistral-7b-v0.1", "yi-6b")) {
      LlamaConfig v4 = load(model + ".v4.json");
      LlamaConfig v5 = load(model + ".v5.json");
      assertThat(v4.format()).isEqualTo(LlamaConfig.Format.V4);
      assertThat(v5.format()).isEqualTo(LlamaConfig.Format.V5);
      assertThat(v5.rope()).as(model).isEqualTo(v4.rope());
      assertThat(v5.torchDtype()).isEqualTo(v4.torchDtype()).isEqualTo("bfloat16");
      assertThat(v5.headDim()).isEqualTo(v4.headDim()).isEqualTo(128);
      assertThat(v5.numKeyValueHeads()).isEqualTo(v4.numKeyValueHeads());
      assertThat(v5.slidingWindow()).isEqualTo(v4.slidingWindow());
      assertThat(v5.vocabSize()).isEqualTo(v4.vocabSize());
    }
    LlamaConfig mistral = load("mistral-7b-v0.1.v4.json");
    assertThat(mistral.slidingWindow()).isEqualTo(4096);
    assertThat(mistral.groups()).isEqualTo(4);
    LlamaConfig yi = load("yi-6b.v5.json");
    assertThat(yi.ropeTheta()).isEqualTo(5_000_000.0);
    assertThat(yi.vocabSize()).isEqualTo(64000);
    assertThat(yi.numAttentionHeads()).isEqualTo(32);
    assertThat(yi.numKeyValueHeads()).isEqualTo(4);
    assertThat(yi.padTokenId()).isZero();
  }

  @Test
  void yarn_scaling_from_4x_legacy_type_key_equals_5x_rope_parameters() throws IOException {
    LlamaConfig v4 = load("yarn.v4-legacy-type.json");
    LlamaConfig v5 = load("yarn.v5.json");
    assertThat(v4.rope()).isEqualTo(v5.rope());
    RopeParameters r = v4.rope();
    assertThat(r.ropeType()).isEqualTo("yarn");
    assertThat(r.factor()).isEqualTo(16.0);
    assertThat(r.originalMaxPositionEmbeddings()).isEqualTo(8192);
    assertThat(r.betaFast()).isEqualTo(32.0);
    assertThat(r.betaSlow()).isEqualTo(1.0);
    assertThat(r.attentionFactor()).isNull();
  }

  @Test
  void llama3_scaling_and_eos_list() throws IOException {
    LlamaConfig c = load("llama-3.1-8b.v4.json");
    assertThat(c.rope().ropeType()).isEqualTo("llama3");
    assertThat(c.rope().lowFreqFactor()).isEqualTo(1.0);
    assertThat(c.rope().highFreqFactor()).isEqualTo(4.0);
    assertThat(c.ropeTheta()).isEqualTo(500000.0);
    assertThat(c.eosTokenId()).containsExactly(128001, 128008, 128009);
  }

  @Test
  void every_file_round_trips_to_the_same_json_tree_in_its_own_format() throws IOException {
    ObjectMapper m = new ObjectMapper();
    for (String f : List.of("llama-2-7b.v4.json", "mistral-7b-v0.1.v4.json",
        "mistral-7b-v0.1.v5.json", "yi-6b.v4.json", "yi-6b.v5.json", "llama-3.1-8b.v4.json")) {
      LlamaConfig c = load(f);
      JsonNode original = m.readTree(resource(f));
      JsonNode written = m.readTree(c.toJson());
      // Every key of the original comes back with an equal value (numbers compared as numbers).
      original.properties().forEach(e -> {
        JsonNode w = written.get(e.getKey());
        assertThat(w).as(f + " key " + e.getKey()).isNotNull();
        if (e.getValue().isNumber()) {
          assertThat(w.doubleValue()).as(f + " " + e.getKey()).isEqualTo(e.getValue().doubleValue());
        } else if (!e.getKey().equals("rope_parameters")) {
          assertThat(w).as(f + " " + e.getKey()).isEqualTo(e.getValue());
        }
      });
      assertThat(LlamaConfig.parse(c.toJson())).as(f).isEqualTo(c);
    }
  }

  @Test
  void converts_between_4x_and_5x() throws IOException {
    LlamaConfig yi = load("yi-6b.v4.json");
    ObjectMapper m = new ObjectMapper();
    JsonNode v5 = m.readTree(yi.toJson(LlamaConfig.Format.V5));
    assertThat(v5.has("rope_theta")).isFalse();
    assertThat(v5.has("rope_scaling")).isFalse();
    assertThat(v5.get("rope_parameters").get("rope_theta").doubleValue()).isEqualTo(5_000_000.0);
    assertThat(v5.get("rope_parameters").get("rope_type").textValue()).isEqualTo("default");
    assertThat(v5.get("dtype").textValue()).isEqualTo("bfloat16");
    JsonNode v4 = m.readTree(load("yarn.v5.json").toJson(LlamaConfig.Format.V4));
    assertThat(v4.get("rope_theta").doubleValue()).isEqualTo(10000.0);
    assertThat(v4.get("rope_scaling").get("rope_type").textValue()).isEqualTo("yarn");
    assertThat(v4.get("rope_scaling").has("rope_theta")).isFalse();
  }

  @Test
  void writes_keys_sorted_with_two_space_indent_like_transformers() throws IOException {
    String json = load("mistral-7b-v0.1.v4.json").toJson();
    assertThat(json).startsWith("{\n  \"architectures\": [\n    \"MistralForCausalLM\"\n  ],\n");
    assertThat(json).contains("\n  \"sliding_window\": 4096,\n").endsWith("}\n");
    Path file = dir.resolve("config.json");
    load("mistral-7b-v0.1.v4.json").write(file);
    assertThat(LlamaConfig.read(file)).isEqualTo(load("mistral-7b-v0.1.v4.json"));
  }

  private static String edit(String file, String key, Object value) throws IOException {
    ObjectMapper m = new ObjectMapper();
    ObjectNode n = (ObjectNode) m.readTree(resource(file));
    n.set(key, m.valueToTree(value));
    return m.writeValueAsString(n);
  }

  @Test
  void validation_names_the_key() throws IOException {
    assertThatThrownBy(() -> LlamaConfig.parse(edit("llama-2-7b.v4.json", "hidden_size", 4097)))
        .hasMessage("hidden_size (4097) is not divisible by num_attention_heads (32)");
    assertThatThrownBy(() -> LlamaConfig.parse(edit("mistral-7b-v0.1.v4.json", "num_key_value_heads", 5)))
        .hasMessage("num_attention_heads (32) is not divisible by num_key_value_heads (5)");
    assertThatThrownBy(() -> LlamaConfig.parse(edit("llama-2-7b.v4.json", "model_type", "gpt2")))
        .hasMessageContaining("model_type 'gpt2'");
    assertThatThrownBy(() -> LlamaConfig.parse(edit("llama-2-7b.v4.json", "vocab_size", "32000")))
        .hasMessageContaining("key 'vocab_size' must be an integer");
    assertThatThrownBy(() -> LlamaConfig.parse(edit("llama-2-7b.v4.json", "sliding_window", -1)))
        .hasMessageContaining("sliding_window");
    assertThatThrownBy(() -> LlamaConfig.parse(
            edit("llama-2-7b.v4.json", "rope_scaling", java.util.Map.of("rope_type", "linear"))))
        .hasMessageContaining("rope_scaling").hasMessageContaining("needs 'factor'");
    assertThatThrownBy(() -> LlamaConfig.parse(
            edit("llama-2-7b.v4.json", "rope_scaling", java.util.Map.of("rope_type", "magic", "factor", 2))))
        .hasMessageContaining("rope_type 'magic'");
    ObjectNode n = (ObjectNode) new ObjectMapper().readTree(resource("llama-2-7b.v4.json"));
    n.remove("num_hidden_layers");
    assertThatThrownBy(() -> LlamaConfig.parse(n.toString()))
        .hasMessage("missing key 'num_hidden_layers'");
  }

  @Test
  void read_errors_name_the_file() throws IOException {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{\"model_type\": \"llama\", ");
    assertThatThrownBy(() -> LlamaConfig.read(file))
        .isInstanceOf(CheckpointException.class)
        .hasMessageStartingWith(file + ": not valid JSON");
    assertThatThrownBy(() -> LlamaConfig.read(dir.resolve("missing.json")))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("no such file");
  }

  @Test
  void builder_defaults_are_llama_2_7b() {
    LlamaConfig c = LlamaConfig.builder().numKeyValueHeads(8).ropeTheta(5e6).build();
    assertThat(c.hiddenSize()).isEqualTo(4096);
    assertThat(c.groups()).isEqualTo(4);
    assertThat(c.ropeTheta()).isEqualTo(5e6);
    assertThat(LlamaConfig.parse(c.toJson())).isEqualTo(c);
    assertThat(c.toBuilder().hiddenSize(512).numAttentionHeads(8).build().headDim()).isEqualTo(64);
  }
}
