package io.papers4j.core.nn.pos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RopeConfigTest {

  @Test
  void every_named_variant_survives_a_config_json_round_trip_with_identical_tables() {
    for (String name : RopeConfig.NAMES) {
      RopeConfig c = RopeConfig.named(name, 32, 10000, 4, 128);
      Map<String, Object> json = llama();
      c.writeHfConfig(json);
      RopeConfig back = RopeConfig.fromHfConfig(json);
      assertThat(back.name()).as(name).isEqualTo(name);
      RopeSchedule a = RopeSchedule.of(c, 700);
      RopeSchedule b = RopeSchedule.of(back, 700);
      assertThat(b.invFreq()).as(name).containsExactly(a.invFreq());
      assertThat(b.attentionFactor()).as(name).isEqualTo(a.attentionFactor());
    }
  }

  @Test
  void yarn_writes_the_keys_transformers_reads() {
    Map<String, Object> json = llama();
    RopeConfig.named("resonance-yarn", 32, 10000, 4, 128).writeHfConfig(json);
    @SuppressWarnings("unchecked")
    Map<String, Object> block = (Map<String, Object>) json.get("rope_scaling");
    assertThat(block).containsEntry("rope_type", "yarn").containsEntry("factor", 4.0)
        .containsEntry("original_max_position_embeddings", 128)
        .containsEntry(RopeConfig.RESONANCE_KEY, true);
    assertThat(json).containsEntry("max_position_embeddings", 512);
  }

  @Test
  void static_ntk_is_stored_as_an_equivalent_rope_theta() {
    Map<String, Object> json = llama();
    RopeConfig.named("ntk", 32, 10000, 4, 128).writeHfConfig(json);
    double theta = ((Number) json.get("rope_theta")).doubleValue();
    RopeConfig plain = RopeConfig.rope(32, theta); // what transformers computes from this file
    assertThat(RopeSchedule.of(plain, 1).invFreq())
        .containsExactly(RopeSchedule.of(RopeConfig.named("ntk", 32, 10000, 4, 128), 1).invFreq());
  }

  @Test
  void no_rope_block_means_plain_rope_with_head_dim_from_the_model() {
    Map<String, Object> json = llama();
    RopeConfig c = RopeConfig.fromHfConfig(json);
    assertThat(c.type()).isEqualTo(RopeType.DEFAULT);
    assertThat(c.dim()).isEqualTo(32);
    assertThat(c.resonance()).isFalse();
  }

  @Test
  void bad_rope_blocks_fail_with_one_message_naming_the_key() {
    Map<String, Object> json = llama();
    json.put("rope_scaling", Map.of("rope_type", "longrope2"));
    assertThatThrownBy(() -> RopeConfig.fromHfConfig(json)).hasMessageContaining("rope_type 'longrope2'");
    json.put("rope_scaling", Map.of("rope_type", "yarn", "factor", "four"));
    assertThatThrownBy(() -> RopeConfig.fromHfConfig(json)).hasMessageContaining("'factor'");
    json.put("rope_scaling", Map.of("rope_type", "linear", "factor", 2.0, RopeConfig.RESONANCE_KEY, "yes"));
    assertThatThrownBy(() -> RopeConfig.fromHfConfig(json)).hasMessageContaining(RopeConfig.RESONANCE_KEY);
    assertThatThrownBy(() -> RopeConfig.named("alibi", 32, 10000, 4, 64)).hasMessageContaining("unknown rope variant 'alibi'");
    Map<String, Object> noHeads = new HashMap<>(Map.of("hidden_size", 64));
    assertThatThrownBy(() -> RopeConfig.fromHfConfig(noHeads)).hasMessageContaining("num_attention_heads");
  }

  static Map<String, Object> llama() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model_type", "llama");
    m.put("hidden_size", 128);
    m.put("num_attention_heads", 4);
    m.put("max_position_embeddings", 128);
    m.put("rope_theta", 10000.0);
    return m;
  }
}
