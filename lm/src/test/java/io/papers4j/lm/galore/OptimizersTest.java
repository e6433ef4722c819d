package io.papers4j.lm.galore;

import static io.papers4j.lm.galore.TensorData.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.optim.Optimizer;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class OptimizersTest {
  // vocab 96, d 32, F 64, 2 layers, 4 heads, tied embeddings (as the tiny preset)
  private static final LlamaConfig CONFIG = LlamaConfig.llama(96, 32, 64, 2, 4, 4, 64, 1e-5, 10000.0, true);

  private static Tensor[] batch(long seed) {
    torch.manual_seed(seed);
    Tensor ids = torch.randint(96, new long[] {2, 17});
    return new Tensor[] {ids.narrow(1, 0, 16).contiguous(), ids.narrow(1, 1, 16).contiguous()};
  }

  /** Every method's measured state equals the shape formula, and GaLore's is the smallest fp32 one. */
  @Test
  void every_method_trains_and_its_state_matches_the_memory_formula() {
    // min8bitSize small enough that the 2-D moments of this tiny model go int8
    Optimizers.Options o = Optimizers.Options.builder(1e-3, 8).optUpdateGap(2).optInt8(64, 256).build();
    long adamw = 0, galore = 0;
    for (String name : Optimizers.NAMES) {
      LlamaModel model = new LlamaModel(CONFIG, 3);
      Optimizers.prepareModel(name, model, o);
      Map<String, Tensor> params = model.namedParameters();
      Optimizer opt = Optimizers.create(name, params, o);
      double first = 0, last = 0;
      for (int step = 0; step < 4; step++) {
        try (PointerScope scope = new PointerScope()) {
          Tensor[] b = batch(100);
          opt.zeroGrad();
          Tensor loss = model.loss(b[0], b[1]);
          loss.backward();
          opt.step();
          if (step == 0) first = loss.item_double();
          last = loss.item_double();
        }
      }
      assertThat(last).as(name).isLessThan(first); // the same batch: its loss must drop
      assertThat(opt.stateBytes()).as(name).isEqualTo(MemoryFormula.stateBytes(name, params, o));
      if (name.equals("adamw")) adamw = opt.stateBytes();
      if (name.equals("galore")) galore = opt.stateBytes();
      if (name.equals("lora")) {
        assertThat(params.get("model.layers.0.self_attn.q_proj.weight").requires_grad()).isFalse();
        assertThat(params).containsKey("model.layers.0.mlp.down_proj.lora_B.weight");
      }
      if (name.equals("galore_adafactor")) {
        GaLoreAdafactor a = (GaLoreAdafactor) opt;
        assertThat(a.projector("model.layers.0.self_attn.o_proj.weight")).isNotNull();
        assertThat(a.projector("model.norm.weight")).isNull();
        assertThat(Optimizers.breakdown(opt).get(0).group()).isEqualTo("galore");
      }
      if (name.equals("galore")) {
        GaLoreAdamW inner = Optimizers.unwrap(opt);
        assertThat(inner.projector("model.layers.1.mlp.down_proj.weight")).isNotNull();
        assertThat(inner.projector("model.embed_tokens.weight")).isNull();
        assertThat(inner.projector("model.layers.1.input_layernorm.weight")).isNull();
      }
    }
    assertThat(galore).isLessThan(adamw);
  }

  /** Per-layer GaLore on a LLaMA with tied embeddings gives the same weights as the ordinary step. */
  @Test
  void per_layer_galore_on_llama_matches_the_ordinary_step() {
    Optimizers.Options o = Optimizers.Options.defaults(1e-2, 8).withUpdateGap(2);
    LlamaModel a = new LlamaModel(CONFIG, 5);
    LlamaModel b = new LlamaModel(CONFIG, 5);
    Optimizer plain = Optimizers.create("galore8bit", a.namedParameters(), o);
    Optimizer layered = Optimizers.create("galore8bit", b.namedParameters(), o.withPerLayer(true));
    assertThat(layered).isInstanceOf(PerLayerUpdates.class);
    for (int step = 0; step < 3; step++) {
      try (PointerScope scope = new PointerScope()) {
        Tensor[] batch = batch(200 + step);
        plain.zeroGrad();
        a.loss(batch[0], batch[1]).backward();
        plain.step();
        layered.zeroGrad();
        b.loss(batch[0], batch[1]).backward();
        layered.step();
      }
    }
    Map<String, Tensor> pa = a.namedParameters(), pb = b.namedParameters();
    for (String k : pa.keySet()) assertThat(maxAbsDiff(pa.get(k), pb.get(k))).as(k).isLessThan(1e-5);
  }

  @Test
  void unknown_names_and_bad_options_fail_clearly() {
    assertThatThrownBy(() -> Optimizers.check("sgd")).hasMessageContaining("adamw").hasMessageContaining("sgd");
    assertThatThrownBy(() -> Optimizers.Options.defaults(1e-3, 0)).hasMessageContaining("--rank");
    assertThatThrownBy(() -> Optimizers.Options.defaults(1e-3, 4).withUpdateGap(0)).hasMessageContaining("--update-gap");
  }

  @Test
  void the_recorded_choice_keeps_the_keys_checkpoints_have_always_held() {
    Map<String, Object> m = Optimizers.factory("lora", 0, 200, 0.25, 16, false, 1e-3, 0.0, 1).describe();
    // The key list the hand-written map wrote; LlamaCheckpoint reads lora_alpha back from it.
    assertThat(m.keySet()).containsExactly("name", "rank", "update_proj_gap", "galore_scale", "lora_alpha", "per_layer");
    assertThat(m.get("name")).isEqualTo("lora");
    assertThat(((Number) m.get("lora_alpha")).doubleValue()).isEqualTo(16.0);
    assertThat(m.get("per_layer")).isEqualTo(false);
  }
}
