package io.papers4j.vision.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.nn.Attention;
import io.papers4j.core.tensor.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Shapes of every backbone, adaLN-Zero identity at initialisation, joint attention, checkpoints. */
class FlowModelTest {
  @TempDir Path dir;

  @BeforeAll
  static void init() {
    Engine.init(1);
    Engine.seed(0);
  }

  /** 8×8 images, patch 4 (2×2 tokens), width 16, two heads. */
  static FlowConfig tiny(String arch, String conditioning) {
    boolean llama = arch.equals("dit-llama");
    boolean words = conditioning.equals("words");
    return new FlowConfig(arch, 8, 2, 4, 16, arch.equals("uvit") ? 3 : 2, 2, llama ? 24 : 32, llama ? "rope" : "sincos", false,
        conditioning, words ? 0 : 5, words ? 7 : 0, words ? 3 : 0, words ? 16 : 0, words ? 16 : 0, 0.1);
  }

  static Cond cond(FlowConfig c, long b) {
    if (c.conditioning().equals("words")) return Cond.words(torch.randint(0, c.vocabSize(), new long[] {b, c.maxTextTokens()}));
    return Cond.classes(torch.randint(0, c.numClasses(), new long[] {b}));
  }

  /** Perturbs every parameter so that zero-initialised gates and outputs are no longer zero. */
  static void perturb(FlowModel m) {
    try (NoGradGuard g = new NoGradGuard()) {
      for (Tensor t : m.namedParameters().values()) t.add_(torch.randn_like(t).mul(new Scalar(0.1)));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dit", "dit-llama", "mmdit", "crossdit", "uvit"})
  void everyBackboneMapsImagesToImagesWithClassesAndWords(String arch) {
    for (String conditioning : new String[] {"class", "words"}) {
      FlowConfig c = tiny(arch, conditioning);
      FlowModel m = FlowModel.create(c, 1);
      perturb(m);
      Tensor z = torch.randn(3, 2, 8, 8);
      Tensor v = m.forward(z, torch.rand(3), cond(c, 3));
      assertThat(v.shape()).as(arch + "/" + conditioning).containsExactly(3, 2, 8, 8);
      assertThat(v.isfinite().all().item_bool()).isTrue();
      v.pow(new Scalar(2)).mean().backward();
      for (Map.Entry<String, Tensor> e : m.namedParameters().entrySet()) {
        assertThat(e.getValue().grad().defined()).as(arch + " grad of " + e.getKey()).isTrue();
      }
      Tensor vNull = m.forward(z, torch.rand(3), m.nullCond(3));
      assertThat(vNull.shape()).containsExactly(3, 2, 8, 8);
    }
  }

  @Test
  void theModelOutputIsZeroAtInitialisation() {
    for (String arch : FlowConfig.ARCHS) {
      FlowModel m = FlowModel.create(tiny(arch, "class"), 2);
      Tensor v = m.forward(torch.randn(2, 2, 8, 8), torch.rand(2), cond(m.config(), 2));
      assertThat(v.abs().max().item_double()).as(arch).isZero();
    }
  }

  @Test
  void adaLnZeroBlocksAreTheIdentityAtInitialisation() {
    Tensor x = torch.randn(2, 4, 16);
    Tensor y = torch.randn(2, 16);
    Tensor ctx = torch.randn(2, 3, 16);
    for (String arch : new String[] {"dit", "dit-llama", "crossdit", "uvit"}) {
      DiT m = (DiT) FlowModel.create(tiny(arch, "class"), 3);
      Tensor pos = io.papers4j.core.nn.pos.GridPositions.of(io.papers4j.core.nn.pos.GridRope.Kind.ROPE_2D, 2, 2, 1, 1, false);
      Tensor out = m.block(0).forward(x, y, ctx, arch.equals("dit-llama") ? pos : null);
      assertThat(out.sub(x).abs().max().item_double()).as(arch).isZero();
    }
    MMDiT mm = (MMDiT) FlowModel.create(tiny("mmdit", "class"), 3);
    Tensor[] out = mm.block(0).forward(x, ctx, y);
    assertThat(out[0].sub(x).abs().max().item_double()).isZero();
    assertThat(out[1].sub(ctx).abs().max().item_double()).isZero();
    // and not the identity once the modulation is trained away from zero
    perturb(mm);
    assertThat(mm.block(0).forward(x, ctx, y)[0].sub(x).abs().max().item_double()).isGreaterThan(1e-3);
  }

  @Test
  void jointAttentionEqualsAttentionOverTheConcatenatedSequence() {
    FlowLayers.Attn a = new FlowLayers.Attn(16, 2, true, 1, new FlowLayers.LogitProbe(), io.papers4j.core.nn.Init.normal(5, 0.3));
    Tensor x = torch.randn(2, 5, 16);
    Tensor c = torch.randn(2, 3, 16);
    Tensor[] o = a.joint(x, c);
    // explicit: project each stream with its own weights, concatenate, one softmax over all 8 keys
    Tensor q = torch.cat(new TensorVector(a.normQ.forward(a.split(a.toQ.forward(x))), a.normAddedQ.forward(a.split(a.addQ.forward(c)))), 2);
    Tensor k = torch.cat(new TensorVector(a.normK.forward(a.split(a.toK.forward(x))), a.normAddedK.forward(a.split(a.addK.forward(c)))), 2);
    Tensor v = torch.cat(new TensorVector(a.split(a.toV.forward(x)), a.split(a.addV.forward(c))), 2);
    Tensor all = FlowLayers.Attn.merge(Attention.attendNaive(q, k, v, null, false)); // (B, 8, C)
    assertThat(o[0].sub(a.toOut.forward(all.narrow(1, 0, 5))).abs().max().item_double()).isLessThan(1e-5);
    assertThat(o[1].sub(a.toAddOut.forward(all.narrow(1, 5, 3))).abs().max().item_double()).isLessThan(1e-5);

    // with the context weights set to the image weights it is plain self-attention over [x; c]
    try (NoGradGuard g = new NoGradGuard()) {
      a.addQ.weight.copy_(a.toQ.weight); a.addQ.bias.copy_(a.toQ.bias);
      a.addK.weight.copy_(a.toK.weight); a.addK.bias.copy_(a.toK.bias);
      a.addV.weight.copy_(a.toV.weight); a.addV.bias.copy_(a.toV.bias);
      a.toAddOut.weight.copy_(a.toOut.weight); a.toAddOut.bias.copy_(a.toOut.bias);
      a.normAddedQ.weight.copy_(a.normQ.weight); a.normAddedK.weight.copy_(a.normK.weight);
    }
    Tensor[] shared = a.joint(x, c);
    Tensor self = a.self(torch.cat(new TensorVector(x, c), 1), null, null); // (B, 8, C)
    assertThat(torch.cat(new TensorVector(shared[0], shared[1]), 1).sub(self).abs().max().item_double()).isLessThan(1e-5);
  }

  @Test
  void qkNormBoundsTheAttentionLogitsThatLargeWeightsProduce() {
    FlowConfig plain = tiny("mmdit", "class");
    for (boolean qk : new boolean[] {false, true}) {
      FlowModel m = FlowModel.create(plain.withQkNorm(qk), 4);
      try (NoGradGuard g = new NoGradGuard()) {
        for (Map.Entry<String, Tensor> e : m.namedParameters().entrySet()) {
          if (e.getKey().contains("to_q.weight") || e.getKey().contains("to_k.weight")) e.getValue().mul_(new Scalar(200));
        }
      }
      m.probeAttention(true);
      m.forward(torch.randn(2, 2, 8, 8), torch.rand(2), cond(plain, 2));
      double max = m.maxAttentionLogit();
      // with unit-RMS q and k (gain 1) a logit is at most |q||k|/√D = D/√D = √D = √8
      if (qk) assertThat(max).isLessThanOrEqualTo(Math.sqrt(8) + 1e-4);
      else assertThat(max).isGreaterThan(Math.sqrt(8));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dit", "mmdit", "dit-llama", "uvit"})
  void checkpointRoundTripsTheOutputs(String arch) {
    for (String conditioning : new String[] {"class", "words"}) {
      FlowModel m = FlowModel.create(tiny(arch, conditioning), 6);
      perturb(m);
      Path ck = dir.resolve(arch + "-" + conditioning);
      FlowCheckpoint.save(ck, m, Map.of("step", 3));
      FlowModel back = FlowCheckpoint.load(ck);
      assertThat(back.config()).isEqualTo(m.config());
      Tensor z = torch.randn(2, 2, 8, 8);
      Tensor t = torch.rand(2);
      Cond c = cond(m.config(), 2);
      assertThat(back.forward(z, t, c).sub(m.forward(z, t, c)).abs().max().item_double()).isZero();
    }
  }

  @Test
  void aCleanImagePredictionIsReadAsTheVelocityOfTheFlow() throws Exception {
    // z = (1 − σ)x₀ + σε gives ε − x₀ = (z − x₀)/σ: the output x̂₀ becomes v = (z − x̂₀)/max(σ, 0.05), network time 1000·σ
    float[] sigma = {0.01f, 0.05f, 0.3f, 1f};
    Tensor t = Tensor.create(sigma).mul(new Scalar(1000));
    for (String arch : new String[] {"dit", "mmdit"}) {
      FlowConfig c = tiny(arch, "class").withPrediction("x");
      FlowModel m = FlowModel.create(c, 3);
      Tensor z = torch.randn(4, 2, 8, 8);
      Cond k = cond(c, 4);
      // at initialisation the output layer is zero, so x̂₀ = 0 and v = z / max(σ, 0.05)
      Tensor v0 = m.forward(z, t, k);
      for (int i = 0; i < 4; i++) {
        double s = Math.max(sigma[i], 0.05);
        assertThat(v0.get(i).sub(z.get(i).div(new Scalar(s))).abs().max().item_double()).as(arch + " σ " + sigma[i]).isLessThan(1e-5);
      }
      perturb(m);
      Tensor x0 = m.network(z, t, k);
      assertThat(x0.abs().max().item_double()).isPositive();
      Tensor v = m.forward(z, t, k);
      for (int i = 0; i < 4; i++) {
        double s = Math.max(sigma[i], 0.05);
        assertThat(v.get(i).mul(new Scalar(s)).add(x0.get(i)).sub(z.get(i)).abs().max().item_double()).as(arch).isLessThan(1e-4);
      }
      // a v model's forward is the network's output itself
      FlowModel mv = FlowModel.create(tiny(arch, "class"), 3);
      perturb(mv);
      assertThat(mv.forward(z, t, k).sub(mv.network(z, t, k)).abs().max().item_double()).isZero();

      // the prediction is part of the checkpoint; a config written before it existed reads as v
      Path ck = dir.resolve("x-" + arch);
      FlowCheckpoint.save(ck, m, Map.of());
      FlowModel back = FlowCheckpoint.load(ck);
      assertThat(back.config().prediction()).isEqualTo("x");
      assertThat(back.forward(z, t, k).sub(v).abs().max().item_double()).isZero();
      Path cfg = ck.resolve("config.json");
      String json = java.nio.file.Files.readString(cfg);
      assertThat(json).contains("\"prediction\" : \"x\"");
      java.nio.file.Files.writeString(cfg, json.replaceAll(",\\s*\"prediction\"\\s*:\\s*\"x\"", ""));
      assertThat(java.nio.file.Files.readString(cfg)).doesNotContain("prediction");
      assertThat(FlowCheckpoint.readConfig(ck).prediction()).isEqualTo("v");
    }
    assertThatThrownBy(() -> tiny("dit", "class").withPrediction("eps")).hasMessageContaining("prediction must be v or x");
  }

  @Test
  void checkpointsUseDiffusersNames() throws Exception {
    FlowModel mm = FlowModel.create(tiny("mmdit", "words").withQkNorm(true), 1);
    assertThat(mm.namedParameters()).containsKeys("pos_embed.proj.weight", "time_text_embed.timestep_embedder.linear_1.weight",
        "time_text_embed.text_embedder.linear_2.bias", "context_embedder.weight", "transformer_blocks.0.norm1.linear.weight",
        "transformer_blocks.0.norm1_context.linear.weight", "transformer_blocks.0.attn.add_q_proj.weight",
        "transformer_blocks.0.attn.to_add_out.weight", "transformer_blocks.0.attn.norm_added_k.weight",
        "transformer_blocks.0.ff_context.net.0.proj.weight", "transformer_blocks.1.attn.to_out.0.weight",
        "norm_out.linear.weight", "proj_out.weight");
    assertThat(mm.namedParameters()).doesNotContainKeys("transformer_blocks.1.attn.to_add_out.weight", "transformer_blocks.1.ff_context.net.0.proj.weight");
    FlowModel dit = FlowModel.create(tiny("dit", "class"), 1);
    FlowCheckpoint.save(dir.resolve("dit"), dit, Map.of());
    var names = io.papers4j.core.io.Checkpoint.loadAll(dir.resolve("dit")).keySet();
    assertThat(names).contains("transformer_blocks.1.norm1.emb.timestep_embedder.linear_1.weight",
        "transformer_blocks.0.norm1.emb.class_embedder.embedding_table.weight", "transformer_blocks.1.attn1.to_q.weight",
        "transformer_blocks.0.ff.net.2.weight", "proj_out_1.weight", "proj_out_2.weight", "pos_embed.pos_embed");
    assertThat(Files.readString(dir.resolve("dit/config.json"))).contains("\"DiTTransformer2DModel\"");
  }

  @Test
  void badInputGivesOneReadableMessage() throws Exception {
    FlowModel m = FlowModel.create(tiny("dit", "class"), 1);
    assertThatThrownBy(() -> m.forward(torch.randn(1, 2, 12, 12), torch.rand(1), cond(m.config(), 1)))
        .hasMessageContaining("built for 8×8 images, got 12×12");
    assertThatThrownBy(() -> m.forward(torch.randn(1, 2, 8, 8), torch.rand(1), Cond.words(torch.zeros(1, 3))))
        .hasMessageContaining("class-conditional");
    FlowCheckpoint.save(dir.resolve("ck"), m, Map.of());
    Files.writeString(dir.resolve("ck/config.json"), "{\"model_type\": \"visionllama\"}");
    assertThatThrownBy(() -> FlowCheckpoint.load(dir.resolve("ck"))).hasMessageContaining("is not a flow checkpoint");
    Files.writeString(dir.resolve("ck/config.json"), "{\"model_type\": \"" + FlowCheckpoint.MODEL_TYPE + "\"}");
    assertThatThrownBy(() -> FlowCheckpoint.load(dir.resolve("ck"))).hasMessageEndingWith("config.json: missing papers4j_config");
    assertThatThrownBy(() -> tiny("dit", "class").withPosEmbed("rope")).hasMessageContaining("dit-llama uses pos_embed rope");
  }
}
