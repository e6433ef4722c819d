package io.papers4j.lm.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.nn.Params;
import io.papers4j.lm.generate.Generation;
import io.papers4j.lm.generate.Sampling;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class LlamaModelTest {

  /** A very small config for fast tests. */
  static LlamaConfig micro(boolean tied, Integer window) {
    LlamaConfig c = LlamaConfig.llama(97, 32, 48, 2, 4, 2, 64, 1e-5, 10000.0, tied);
    return window == null ? c : c.withSlidingWindow(window);
  }

  static Tensor ids(long seed, long b, long t, long vocab) {
    return torch.randint(vocab, new long[] {b, t}, new org.bytedeco.pytorch.GeneratorOptional(torch.createCPUGenerator(seed)), new org.bytedeco.pytorch.TensorOptions().dtype(new org.bytedeco.pytorch.ScalarTypeOptional(org.bytedeco.pytorch.global.torch.ScalarType.Long)));
  }

  @Test
  void parameter_counts_match_the_published_models() {
    // numbers as reported by transformers' num_parameters() for the real checkpoints
    assertThat(LlamaConfig.preset("llama2-7b").parameterCount()).isEqualTo(6_738_415_616L);
    assertThat(LlamaConfig.preset("mistral-7b").parameterCount()).isEqualTo(7_241_732_096L);
    assertThat(LlamaConfig.preset("llama3-8b").parameterCount()).isEqualTo(8_030_261_248L);
    assertThat(LlamaConfig.preset("yi-6b").parameterCount()).isEqualTo(6_061_035_520L);
  }

  @Test
  void small_presets_build_with_the_counted_parameters_and_hf_names() {
    for (String name : List.of("tiny", "small")) {
      LlamaConfig c = LlamaConfig.preset(name);
      LlamaModel m = new LlamaModel(c, 1);
      assertThat(Params.count(m)).isEqualTo(c.parameterCount());
      System.out.printf("preset %s: %,d parameters%n", name, c.parameterCount());
    }
    assertThat(LlamaConfig.preset("tiny").parameterCount()).isBetween(800_000L, 1_300_000L);
    assertThat(LlamaConfig.preset("small").parameterCount()).isBetween(9_000_000L, 12_000_000L);
    LlamaModel m = new LlamaModel(micro(false, null), 1);
    assertThat(m.namedParameters().keySet())
        .startsWith(
            "model.embed_tokens.weight",
            "model.layers.0.input_layernorm.weight",
            "model.layers.0.self_attn.q_proj.weight",
            "model.layers.0.self_attn.k_proj.weight",
            "model.layers.0.self_attn.v_proj.weight",
            "model.layers.0.self_attn.o_proj.weight",
            "model.layers.0.post_attention_layernorm.weight",
            "model.layers.0.mlp.gate_proj.weight",
            "model.layers.0.mlp.up_proj.weight",
            "model.layers.0.mlp.down_proj.weight")
        .endsWith("model.norm.weight", "lm_head.weight");
    assertThat(new LlamaModel(micro(true, null), 1).namedParameters()).doesNotContainKey("lm_head.weight");
    assertThatThrownBy(() -> LlamaConfig.preset("gpt5")).hasMessageContaining("unknown LLaMA preset 'gpt5'");
  }

  @Test
  void forward_shape_loss_near_log_vocab_and_one_sgd_step_lowers_it() {
    LlamaModel m = new LlamaModel(micro(false, null), 3);
    Tensor x = ids(4, 2, 9, 97);
    Tensor y = ids(5, 2, 9, 97);
    assertThat(m.forward(x).shape()).containsExactly(2, 9, 97);
    Tensor loss = m.loss(x, y);
    double l0 = loss.item_double();
    assertThat(l0).isCloseTo(Math.log(97), org.assertj.core.data.Offset.offset(0.1));
    loss.backward();
    try (NoGradGuard g = new NoGradGuard()) {
      for (Tensor p : m.namedParameters().values()) p.sub_(p.grad().mul(new Scalar(1.0)));
    }
    double l1 = m.loss(x, y).item_double();
    System.out.printf("loss before %.4f after one SGD step %.4f%n", l0, l1);
    assertThat(l1).isLessThan(l0);
  }

  @Test
  void earlier_logits_ignore_later_tokens() {
    LlamaModel m = new LlamaModel(micro(true, null), 6);
    Tensor x = ids(7, 1, 12, 97);
    Tensor x2 = x.clone();
    x2.narrow(1, 8, 4).copy_(ids(8, 1, 4, 97));
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor a = m.forward(x).narrow(1, 0, 8);
      Tensor b = m.forward(x2).narrow(1, 0, 8);
      assertThat(a.sub(b).abs().max().item_double()).isLessThan(1e-6);
    }
  }

  private static double cachedVsUncached(LlamaConfig c, int promptLen, int steps) {
    LlamaModel m = new LlamaModel(c, 9);
    long[] prompt = new long[promptLen];
    for (int i = 0; i < promptLen; i++) prompt[i] = (i * 31 + 7) % c.vocabSize();
    List<float[]> cached = new ArrayList<>();
    List<float[]> full = new ArrayList<>();
    Sampling s = new Sampling(1.0, 20, 0.95, 42);
    long[] a = Generation.generate(m, prompt, steps, s, null, true, (t, l) -> cached.add(l));
    long[] b = Generation.generate(m, prompt, steps, s, null, false, (t, l) -> full.add(l));
    assertThat(a).containsExactly(b);
    double d = 0;
    for (int i = 0; i < steps; i++) {
      for (int j = 0; j < c.vocabSize(); j++) d = Math.max(d, Math.abs(cached.get(i)[j] - full.get(i)[j]));
    }
    return d;
  }

  @Test
  void cached_and_uncached_decoding_give_the_same_logits() {
    double d = cachedVsUncached(micro(false, null), 5, 20);
    System.out.printf("LLaMA cached vs uncached logits maxdiff=%.2e%n", d);
    assertThat(d).isLessThanOrEqualTo(1e-5);
    // Mistral: window 6 < prompt 9 + 20 new tokens, so the rolling cache wraps many times
    double dm = cachedVsUncached(micro(false, 6), 9, 20);
    System.out.printf("Mistral (window 6) cached vs uncached logits maxdiff=%.2e%n", dm);
    assertThat(dm).isLessThanOrEqualTo(1e-5);
  }

  @Test
  void load_round_trips_and_names_a_bad_tensor() {
    LlamaModel a = new LlamaModel(micro(false, null), 1);
    LlamaModel b = new LlamaModel(micro(false, null), 2);
    Map<String, Tensor> sd = new LinkedHashMap<>();
    a.namedParameters().forEach((k, v) -> sd.put(k, v.detach().clone()));
    b.load(sd, "ckpt");
    Tensor x = ids(3, 1, 6, 97);
    try (NoGradGuard g = new NoGradGuard()) {
      assertThat(a.forward(x).sub(b.forward(x)).abs().max().item_double()).isZero();
    }
    sd.put("model.layers.1.self_attn.k_proj.weight", torch.zeros(8, 32));
    assertThatThrownBy(() -> b.load(sd, "dir/model.safetensors"))
        .hasMessageContaining("dir/model.safetensors")
        .hasMessageContaining("model.layers.1.self_attn.k_proj.weight")
        .hasMessageContaining("[8, 32]")
        .hasMessageContaining("[16, 32]");
    assertThatThrownBy(() -> a.forward(Tensor.create(new long[] {1, 97}).unsqueeze(0)))
        .hasMessageContaining("token id out of range [0, 97): found 97");
    assertThatThrownBy(() -> a.forward(Tensor.create(new long[] {-1, 3}).unsqueeze(0)))
        .hasMessageContaining("token id out of range [0, 97): found -1");
    LlamaModel.Cache cache = a.newCache(1, 8);
    assertThatThrownBy(() -> a.forward(Tensor.create(new long[] {3, 200}).unsqueeze(0), cache))
        .hasMessageContaining("token id out of range [0, 97): found 200");
  }

  @Test
  void config_round_trips_through_config_json() {
    for (String p : LlamaConfig.PRESETS) {
      LlamaConfig c = LlamaConfig.preset(p);
      String json = c.toJson();
      assertThat(LlamaConfig.parse(json)).as(p).isEqualTo(c);
    }
    String mistral = LlamaConfig.preset("mistral-7b").toJson();
    assertThat(mistral).contains("\"sliding_window\": 4096").contains("MistralForCausalLM");
    assertThat(LlamaConfig.preset("yi-6b").toJson()).contains("\"rope_theta\": 5000000.0")
        .contains("\"num_key_value_heads\": 4").contains("\"vocab_size\": 64000");
  }
}
