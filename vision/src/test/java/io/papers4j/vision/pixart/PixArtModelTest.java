package io.papers4j.vision.pixart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.diffusion.VariancePreserving;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.io.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shapes, adaLN-single, the null caption, checkpoints, weak-to-strong transfer, the DDPM schedule and a short fit. */
class PixArtModelTest {
  @TempDir Path dir;

  @BeforeAll
  static void init() {
    Engine.init(1);
    Engine.seed(0);
  }

  /** 10×10 inputs, patch 2 (an odd 5×5 grid), width 16, 2 heads, depth 2, 3-dim captions of 4 tokens. */
  static PixArtConfig tiny() {
    return new PixArtConfig(10, 2, 2, 16, 2, 2, 32, 3, 4, 5, 1.0, List.of(), "conv", 2, "eps", 0.1);
  }

  static Caption caption(long b, PixArtConfig c) {
    Tensor ones = torch.ones(b, c.maxTextTokens());
    ones.narrow(1, c.maxTextTokens() - 1, 1).zero_(); // last token is padding
    return new Caption(torch.randn(b, c.maxTextTokens(), c.textDim()), ones.gt(new Scalar(0.5)));
  }

  static void perturb(PixArt m) {
    try (NoGradGuard g = new NoGradGuard()) {
      for (Tensor t : m.namedParameters().values()) t.add_(torch.randn_like(t).mul(new Scalar(0.1)));
    }
  }

  @Test
  void everyKvVariantMapsInputsToInputsAndGradientsReachEveryParameter() {
    for (String mode : PixArtConfig.KV_MODES) {
      PixArtConfig c = tiny().withKv(List.of(1), mode);
      PixArt m = new PixArt(c, 1, "random");
      perturb(m);
      Tensor z = torch.randn(3, 2, 10, 10);
      Tensor out = m.forward(z, torch.tensor(new float[] {0, 500, 999}), caption(3, c));
      assertThat(out.shape()).containsExactly(3, 2, 10, 10);
      assertThat(torch.isfinite(out).all().item_bool()).isTrue();
      out.pow(new Scalar(2)).mean().backward();
      for (Map.Entry<String, Tensor> e : m.namedParameters().entrySet()) {
        assertThat(e.getValue().grad().defined()).as(e.getKey()).isTrue();
        assertThat(e.getValue().grad().abs().sum().item_double()).as(e.getKey()).isGreaterThan(0);
      }
      assertThat(m.namedParameters()).containsKeys("x_embedder.proj.weight", "t_embedder.mlp.0.weight", "t_block.1.weight",
          "y_embedder.y_proj.fc1.weight", "blocks.0.scale_shift_table", "blocks.0.attn.qkv.weight", "blocks.0.cross_attn.kv_linear.weight",
          "blocks.0.mlp.fc2.bias", "final_layer.scale_shift_table", "final_layer.linear.weight");
      assertThat(m.namedParameters().containsKey("blocks.1.attn.sr.weight")).isEqualTo(mode.equals("conv"));
      assertThat(m.namedParameters()).doesNotContainKey("blocks.0.attn.sr.weight");
    }
  }

  @Test
  void bf16LossRunsTheModelInBfloat16AndReducesInFloat32() {
    PixArt m = new PixArt(tiny(), 2, "avg");
    perturb(m); // a non-zero output layer
    VariancePreserving vp = PixArtTraining.ddpmLinear();
    Tensor x0 = torch.randn(4, 2, 10, 10);
    Tensor eps = torch.randn(4, 2, 10, 10);
    Tensor t = torch.tensor(new float[] {0.1f, 0.4f, 0.6f, 0.9f});
    Caption c = caption(4, tiny());
    double f32;
    Tensor bf16;
    try (NoGradGuard g = new NoGradGuard()) {
      f32 = PixArtTraining.loss(m, vp, x0, c, t, eps).item_double();
      try (io.papers4j.core.tensor.Precision.Region r = io.papers4j.core.tensor.Precision.BF16.autocast()) {
        bf16 = PixArtTraining.loss(m, vp, x0, c, t, eps);
      }
    }
    assertThat(bf16.scalar_type().intern()).isEqualTo(org.bytedeco.pytorch.global.torch.ScalarType.Float);
    System.out.printf("pixart loss f32 %.6f, bf16 autocast %.6f%n", f32, bf16.item_double());
    assertThat(bf16.item_double()).isNotEqualTo(f32).isCloseTo(f32, org.assertj.core.data.Offset.offset(0.02 * f32));
  }

  @Test
  void untrainedModelOutputsZeroAndAdaLnSingleSharesOneTimestepMlp() {
    PixArt m = new PixArt(tiny(), 2, "avg");
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor out = m.forward(torch.randn(2, 2, 10, 10), torch.tensor(new float[] {3, 700}), caption(2, tiny()));
      assertThat(out.abs().max().item_double()).isEqualTo(0.0); // final_layer.linear starts at zero, as PixArt
    }
    // adaLN-single: one t_block for the model, a 6 × C table per block, no per-block modulation MLP
    long tBlocks = m.namedParameters().keySet().stream().filter(k -> k.startsWith("t_block")).count();
    assertThat(tBlocks).isEqualTo(2);
    assertThat(m.namedParameters().get("blocks.1.scale_shift_table").shape()).containsExactly(6, 16);
    assertThat(m.namedParameters().keySet().stream().filter(k -> k.contains("adaLN"))).isEmpty();
  }

  @Test
  void paddingTokensAreIgnoredAndDroppedRowsReadTheNullCaption() {
    PixArtConfig c = tiny();
    PixArt m = new PixArt(c, 3, "avg");
    perturb(m);
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor z = torch.randn(2, 2, 10, 10), t = torch.tensor(new float[] {10, 900});
      Caption a = caption(2, c);
      Tensor other = a.tokens().clone();
      other.narrow(1, c.maxTextTokens() - 1, 1).fill_(new Scalar(7)); // change only the masked token
      assertThat(m.forward(z, t, a).sub(m.forward(z, t, new Caption(other, a.mask()))).abs().max().item_double()).isLessThan(1e-6);
      Caption dropped = m.drop(a, new boolean[] {true, false});
      Tensor none = m.forward(z, t, m.nullCaption(2));
      Tensor mixed = m.forward(z, t, dropped);
      assertThat(mixed.select(0, 0).sub(none.select(0, 0)).abs().max().item_double()).isLessThan(1e-6);
      assertThat(mixed.select(0, 1).sub(m.forward(z, t, a).select(0, 1)).abs().max().item_double()).isLessThan(1e-6);
    }
    assertThatThrownBy(() -> m.forward(torch.randn(1, 2, 12, 12), torch.zeros(1), caption(1, c))).hasMessageContaining("built for 10×10");
    assertThatThrownBy(() -> m.forward(torch.randn(1, 2, 10, 10), torch.zeros(1), caption(2, c))).hasMessageContaining("caption batch 2 != image batch 1");
    assertThatThrownBy(() -> m.forward(torch.randn(1, 2, 10, 10), torch.zeros(1), new Caption(torch.randn(1, 6, 3), torch.ones(1, 6).gt(new Scalar(0)))))
        .hasMessageContaining("(B, 4, 3)");
  }

  @Test
  void checkpointRoundTripGivesIdenticalOutputsAndBadDirectoriesOneMessage() throws Exception {
    PixArtConfig c = tiny().withKv(List.of(0, 1), "conv");
    PixArt m = new PixArt(c, 4, "random");
    perturb(m);
    Path ck = dir.resolve("ck");
    PixArtCheckpoint.save(ck, m, Checkpoint.runInfo(Map.of("steps", 0), 4, "test", 0));
    PixArt back = PixArtCheckpoint.load(ck);
    assertThat(back.config()).isEqualTo(c);
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor z = torch.randn(2, 2, 10, 10), t = torch.tensor(new float[] {1, 999});
      Caption cap = caption(2, c);
      assertThat(back.forward(z, t, cap).sub(m.forward(z, t, cap)).abs().max().item_double()).isEqualTo(0.0);
    }
    String json = Files.readString(ck.resolve("config.json"));
    assertThat(json).contains("\"kv_compress_layer\"").contains("\"model_max_length\" : 4").contains("papers4j-pixart");
    assertThatThrownBy(() -> PixArtCheckpoint.load(dir.resolve("missing"))).hasMessageContaining("missing");
    Files.writeString(ck.resolve("config.json"), "{\"model_type\": \"llama\"}");
    assertThatThrownBy(() -> PixArtCheckpoint.load(ck)).hasMessageContaining("is not a PixArt checkpoint");
  }

  @Test
  void weakToStrongCopiesWeightsInsertsAverageConvsAndInterpolatesPositions() {
    PixArtConfig weakCfg = new PixArtConfig(8, 2, 2, 16, 2, 2, 32, 3, 4, 4, 1.0, List.of(), "conv", 2, "eps", 0.1);
    PixArt weak = new PixArt(weakCfg, 5, "avg");
    perturb(weak);
    PixArt strong = new PixArt(weakCfg.withInput(16, 2).withKv(List.of(1), "conv").withText(6), 9, "avg");
    WeakToStrong.Report r = WeakToStrong.transfer(weak, strong);
    assertThat(r.fresh()).containsExactlyInAnyOrder("blocks.1.attn.sr.weight", "blocks.1.attn.sr.bias", "blocks.1.attn.norm.weight",
        "blocks.1.attn.norm.bias");
    assertThat(r.partial()).containsExactly("y_embedder.y_embedding");
    assertThat(strong.namedParameters().get("blocks.1.attn.sr.weight").sub(new Scalar(0.25)).abs().max().item_double()).isEqualTo(0.0);
    assertThat(strong.namedParameters().get("blocks.0.attn.qkv.weight").equal(weak.namedParameters().get("blocks.0.attn.qkv.weight"))).isTrue();
    assertThat(strong.buffers().get("y_embedder.y_embedding").narrow(0, 0, 4).equal(weak.buffers().get("y_embedder.y_embedding"))).isTrue();
    // PE interpolation: the 8×8 grid keeps base size 4, so token (2i, 2j) sits where the weak (i, j) did
    Tensor big = strong.buffers().get("pos_embed").view(8, 8, 16), small = weak.buffers().get("pos_embed").view(4, 4, 16);
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        assertThat(big.select(0, 2 * i).select(0, 2 * j).sub(small.select(0, i).select(0, j)).abs().max().item_double()).isLessThan(1e-6);
      }
    }
    // the sin-cos table itself: column 1, channel 0 is sin(1 · ω₀) = sin(1); row 1 at channel C/2 likewise
    Tensor pe = PixArt.sincos2d(16, 4, 4, 1.0).view(4, 4, 16);
    assertThat(pe.select(0, 0).select(0, 1).select(0, 0).item_double()).isCloseTo(Math.sin(1), org.assertj.core.data.Offset.offset(1e-6));
    assertThat(pe.select(0, 1).select(0, 0).select(0, 8).item_double()).isCloseTo(Math.sin(1), org.assertj.core.data.Offset.offset(1e-6));
  }

  @Test
  void ddpmLinearScheduleMatchesNumpy() {
    // numpy: np.cumprod(1 - np.linspace(1e-4, 0.02, 1000)) at 0, 499, 999
    VariancePreserving vp = PixArtTraining.ddpmLinear();
    assertThat(vp.alphaCumprod(0)).isCloseTo(0.9999, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(vp.alphaCumprod(499)).isCloseTo(0.07858724288177824, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(vp.alphaCumprod(999)).isCloseTo(4.035829765375676e-05, org.assertj.core.data.Offset.offset(1e-14));
  }

  @Test
  void lossHalvesOnAFixedBatchForEpsAndRectifiedFlow() {
    for (String objective : PixArtConfig.OBJECTIVES) {
      PixArtConfig c = tiny().withKv(List.of(1), "conv").withObjective(objective);
      PixArt m = new PixArt(c, 6, "avg");
      AdamW opt = new AdamW(m.namedParameters(), AdamConfig.torchDefaults(3e-3).withWeightDecay(0), n -> false);
      Tensor x0 = torch.rand(8, 2, 10, 10).mul(new Scalar(2)).sub(new Scalar(1)).gt(new Scalar(0)).to(torch.ScalarType.Float); // ±-ish blocks
      Caption cap = caption(8, c);
      Tensor t = torch.linspace(new Scalar(0.05), new Scalar(0.95), 8);
      Tensor eps = PixArtTraining.gaussian(x0.shape(), 1);
      var process = PixArtTraining.process(objective);
      double first = 0, last = 0;
      for (int s = 0; s < 150; s++) {
        try (PointerScope scope = new PointerScope()) {
          opt.zeroGrad();
          Tensor loss = PixArtTraining.loss(m, process, x0, cap, t, eps);
          loss.backward();
          opt.step();
          if (s == 0) first = loss.item_double();
          last = loss.item_double();
        }
      }
      System.out.printf("%s: loss %.4f -> %.4f%n", objective, first, last);
      assertThat(last).isLessThan(first / 2);
    }
  }

  @Test
  void samplingIsDeterministicAndGuidanceZeroIsTheUnconditionalModel() {
    PixArtConfig c = tiny();
    PixArt m = new PixArt(c, 7, "avg");
    perturb(m);
    Caption cap = caption(3, c);
    Tensor a = PixArtSampler.sample(m, cap, 4, 2.0, 11, 2, true, null);
    Tensor b = PixArtSampler.sample(m, cap, 4, 2.0, 11, 3, true, null);
    assertThat(a.shape()).containsExactly(3, 2, 10, 10);
    // chunking does not change samples beyond float32 GEMM blocking order, which DDIM's first step amplifies by 1/√ᾱ_999 ≈ 157
    assertThat(a.sub(b).abs().max().item_double()).isLessThan(1e-4);
    Tensor w0 = PixArtSampler.sample(m, cap, 4, 0.0, 11, 3, true, null);
    Tensor none = PixArtSampler.sample(m, m.nullCaption(3), 4, 1.0, 11, 3, true, null);
    assertThat(w0.sub(none).abs().max().item_double()).isLessThan(1e-5);
    assertThatThrownBy(() -> PixArtSampler.sample(m, cap, 0, 1.0, 1, 2, true, null)).hasMessageContaining("--steps must be >= 1");
  }

  @Test
  void configRejectsInconsistentValuesWithOneMessage() {
    assertThatThrownBy(() -> tiny().withKv(List.of(5), "conv")).hasMessageContaining("kv_compress layer 5 is outside 0..1");
    assertThatThrownBy(() -> tiny().withKv(List.of(), "nearest")).hasMessageContaining("kv mode must be one of");
    assertThatThrownBy(() -> tiny().withObjective("v")).hasMessageContaining("objective must be eps or rf");
    assertThatThrownBy(() -> PixArtConfig.layers("middle", 8)).hasMessageContaining("--kv-compress must be deep, shallow or none");
    assertThat(PixArtConfig.layers("deep", 8)).containsExactly(4, 5, 6, 7);
    assertThat(PixArtConfig.layers("shallow", 8)).containsExactly(0, 1, 2, 3);
  }
}
