package io.papers4j.vision.tryon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.papers4j.core.data.FashionMnist;
import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.train.ProgressBar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The try-on data, model, sampler and checkpoints at tiny sizes. */
class TryOnModelTest {
  static TryOnData data;

  @BeforeAll
  static void setUp() {
    assumeTrue(Files.exists(FashionMnist.DEFAULT_DIR.resolve("t10k-images-idx3-ubyte.gz")), "needs Debian dataset-fashion-mnist");
    Engine.init(2);
    data = TryOnData.load(3);
  }

  private static double maxDiff(Tensor a, Tensor b) {
    return a.sub(b).abs().max().item_double();
  }

  @Test
  void the_generator_is_deterministic_by_seed_and_its_masks_hide_the_garment() {
    TryOnData.Example a = data.example("train", 41), b = TryOnData.load(3).example("train", 41), c = TryOnData.load(4).example("train", 41);
    assertThat(a.target()).containsExactly(b.target());
    assertThat(a.garment()).containsExactly(b.garment());
    assertThat(a.mask()).containsExactly(b.mask());
    assertThat(Arrays.equals(a.target(), c.target())).isFalse();
    assertThat(Arrays.equals(a.target(), data.example("train", 42).target())).isFalse();
    int px = TryOnData.SIZE * TryOnData.SIZE;
    int[] categories = new int[3], textures = new int[4];
    for (int i = 0; i < 200; i++) {
      TryOnData.Example e = data.example("test", i);
      categories[e.category()]++;
      textures[e.texture()]++;
      int regionPx = 0;
      for (int p = 0; p < px; p++) {
        if (e.region()[p] > 0) {
          regionPx++;
          assertThat(e.mask()[p]).as("every garment pixel is masked").isEqualTo(1f);
        }
        for (int ch = 0; ch < 3; ch++) {
          float want = e.mask()[p] > 0 ? 0.5f : e.target()[ch * px + p];
          assertThat(e.agnostic()[ch * px + p]).isEqualTo(want);
        }
      }
      assertThat(regionPx).as("example %d has a visible garment", i).isGreaterThan(20);
    }
    for (int k : categories) assertThat(k).isGreaterThan(30);
    for (int k : textures) assertThat(k).isGreaterThan(25);
    // unpaired: the person of one index with another index's garment
    TryOnData.Example u = data.unpaired(5), p5 = data.example("test", 5);
    assertThat(Arrays.equals(u.garment(), p5.garment())).isFalse();
  }

  @Test
  void outfitting_fusion_gives_garment_tokens_of_the_right_shape_at_every_level_and_reaches_the_output() {
    OotdModel m = new OotdModel(TryOnConfig.tiny("fusion"), 1);
    TryOnData.Batch b = data.batch("train", 0, 2);
    Tensor g = TryOnTraining.signed(b.garment()), agn = TryOnTraining.signed(b.agnostic()), x = TryOnSampler.gaussian(b.target().shape(), 9);
    Tensor t = Tensor.create(new float[] {3f, 60f}, 2).clone();
    try (NoGradGuard ng = new NoGradGuard()) {
      OotdModel.GarmentFeatures f = m.garmentFeatures(g, null, b.category());
      assertThat(f.blocks()).hasSize(m.outfitting.transformerBlockCount()).hasSize(m.denoiser.transformerBlockCount());
      List<long[]> person = new ArrayList<>();
      int[] k = {0};
      Tensor in = torch.cat(new org.bytedeco.pytorch.TensorVector(x, agn, b.mask()), 1);
      // the person stream's block inputs have the garment's (N_k, C_k) at every level: fused keys [h ; g_k], first N_k rows out
      Tensor eps = m.denoiser.forward(in, t, f.context(), null, null, null, h -> {
        person.add(h.shape());
        return f.blocks().get(k[0]++);
      });
      assertThat(eps.shape()).containsExactly(2, 3, 32, 32);
      for (int i = 0; i < person.size(); i++) assertThat(person.get(i)).containsExactly(f.blocks().get(i).shape());
      assertThat(maxDiff(eps, m.denoise(x, t, agn, b.mask(), g, f))).isEqualTo(0.0);
      // without the garment tokens the same weights give another prediction: the garment branch reaches the output
      Tensor plain = m.denoise(x, t, agn, b.mask(), g, new OotdModel.GarmentFeatures(f.context(), null));
      assertThat(maxDiff(eps, plain)).isGreaterThan(1e-4);
    }
  }

  @Test
  void outfitting_dropout_replaces_the_garment_by_zeros_on_its_main_path() {
    TryOnData.Batch b = data.batch("train", 0, 2);
    Tensor g = TryOnTraining.signed(b.garment()), zeros = torch.zeros_like(g);
    boolean[] drop = {true, false};
    try (NoGradGuard ng = new NoGradGuard()) {
      OotdModel fusion = new OotdModel(TryOnConfig.tiny("fusion"), 2);
      OotdModel.GarmentFeatures dropped = fusion.garmentFeatures(g, drop, b.category());
      OotdModel.GarmentFeatures zero = fusion.garmentFeatures(zeros, null, b.category());
      OotdModel.GarmentFeatures kept = fusion.garmentFeatures(g, null, b.category());
      assertThat(maxDiff(dropped.context(), kept.context())).as("ψ keeps the garment (OOTDiffusion)").isEqualTo(0.0);
      // the outfitting UNet saw zeros for row 0 and the garment for row 1 (ψ of row 0 still the garment's)
      assertThat(maxDiff(dropped.blocks().get(0).narrow(0, 1, 1), kept.blocks().get(0).narrow(0, 1, 1))).isEqualTo(0.0);
      assertThat(maxDiff(dropped.blocks().get(0).narrow(0, 0, 1), kept.blocks().get(0).narrow(0, 0, 1))).isGreaterThan(1e-6);
      OotdModel global = new OotdModel(TryOnConfig.tiny("global"), 2);
      OotdModel.GarmentFeatures gd = global.garmentFeatures(g, drop, b.category());
      assertThat(maxDiff(gd.context().narrow(0, 0, 1), global.garmentFeatures(zeros, null, b.category()).context().narrow(0, 0, 1))).isEqualTo(0.0);
      assertThat(gd.blocks()).isNull();
      assertThat(zero.blocks()).hasSize(dropped.blocks().size());
    }
  }

  @Test
  void guidance_one_is_the_conditional_model_and_repainting_keeps_every_pixel_outside_the_mask() {
    OotdModel m = new OotdModel(TryOnConfig.tiny("fusion"), 5);
    TryOnData.Batch b = data.batch("test", 0, 3);
    Tensor one = TryOnSampler.tryOn(m, b.target(), b.mask(), b.garment(), b.category(), 1.0, 5, 11);
    // w just above 1 runs the batched conditional + null-garment path: ε_∅ + w(ε_g − ε_∅) → ε_g
    Tensor nearOne = TryOnSampler.tryOn(m, b.target(), b.mask(), b.garment(), b.category(), 1.0 + 1e-6, 5, 11);
    Tensor two = TryOnSampler.tryOn(m, b.target(), b.mask(), b.garment(), b.category(), 2.0, 5, 11);
    assertThat(maxDiff(one, nearOne)).isLessThan(1e-4);
    assertThat(maxDiff(one, two)).isGreaterThan(1e-3);
    Tensor outside = b.mask().neg().add(new Scalar(1)).expand_as(b.target()).to(torch.ScalarType.Bool);
    for (Tensor r : List.of(one, two)) {
      assertThat(maxDiff(r.masked_select(outside), b.target().masked_select(outside))).isEqualTo(0.0);
      assertThat(r.shape()).containsExactly(3, 3, 32, 32);
    }
    Tensor inside = b.mask().expand_as(b.target()).to(torch.ScalarType.Bool);
    assertThat(maxDiff(one.masked_select(inside), b.agnostic().masked_select(inside))).as("the masked area is generated").isGreaterThan(0.05);
  }

  @Test
  void the_repainted_sampler_returns_the_target_for_the_exact_noise_and_keeps_a_biased_prediction_in_range() {
    TryOnData.Batch b = data.batch("test", 0, 3);
    io.papers4j.core.diffusion.VariancePreserving vp = OotdModel.process(1000);
    try (NoGradGuard ng = new NoGradGuard()) {
      Tensor x0 = TryOnTraining.signed(b.target()), agn = TryOnTraining.signed(b.agnostic()), noise = TryOnSampler.gaussian(x0.shape(), 5);
      // the exact ε of the one data point x₀, (x_τ − √ᾱ_τ·x₀)/√(1 − ᾱ_τ): deterministic DDIM lands on x₀ (closed form)
      for (int steps : new int[] {10, 50}) {
        Tensor x = TryOnSampler.sample(vp, (xt, t) -> xt.sub(x0.mul(new Scalar(Math.sqrt(vp.alphaCumprod(t)))))
            .div(new Scalar(Math.sqrt(1 - vp.alphaCumprod(t)))), agn, b.mask(), noise, steps);
        assertThat(maxDiff(x, x0)).as("%d steps", steps).isLessThan(1e-5);
      }
      // a 20 % gain error in ε̂ (an ε-MSE of about 0.04 at high noise, what the small UNet has after a few hundred steps): x̂₀ is
      // clipped to the data range at every step, so the generated pixels stay in [−1, 1] instead of 157·0.2·x_T at τ = 999
      Tensor x = TryOnSampler.sample(vp, (xt, t) -> xt.mul(new Scalar(1.2)), agn, b.mask(), noise, 10);
      assertThat(x.abs().max().item_double()).isLessThanOrEqualTo(1.0 + 1e-6);
      double unclipped = io.papers4j.core.diffusion.DdimSampler.step(vp, noise.mul(new Scalar(1.2)), noise, 999, 10,
          io.papers4j.core.diffusion.DdimSampler.Options.trailing()).abs().max().item_double();
      assertThat(unclipped).as("what an unclipped step gives").isGreaterThan(1.5);
    }
  }

  /**
   * The colour-noise defect at its smallest: a denoiser trained on ONE example (8 copies, fresh noise and
   * timesteps every step) must give that example back when sampled with exactly its training inputs. On
   * DDPM's linear schedule (T = 1000, √ᾱ_999 ≈ 0.0064) the x̂₀-predicting UNet does; the ε-predicting one,
   * trained the same way, fills the mask with noise (x̂₀ = (x_t − √(1 − ᾱ)·ε̂)/√ᾱ multiplies its ε error by
   * up to 157) and does worse than painting the mask grey.
   */
  @Test
  void a_denoiser_trained_on_one_example_gives_it_back_with_x0_prediction_but_not_with_eps() {
    List<TryOnData.Example> copies = new ArrayList<>();
    TryOnData seed0 = TryOnData.load(0);
    for (int i = 0; i < 8; i++) copies.add(seed0.example("train", 0));
    TryOnData.Batch b = TryOnData.stack(copies);
    Tensor person = b.target().narrow(0, 0, 4), mask = b.mask().narrow(0, 0, 4);
    double maskPx = mask.sum().item_double() * 3;
    double grey = person.sub(new Scalar(0.5)).pow(new Scalar(2)).mul(mask).sum().item_double() / maskPx;
    Map<String, Double> err = new java.util.LinkedHashMap<>();
    for (String pred : List.of("x0", "eps")) {
      OotdModel m = new OotdModel(new TryOnConfig("global", new int[] {8, 16}, 2, 4, 16, 16, 1000, pred), 0);
      memorise(m, b, STEPS_TO_MEMORISE);
      Tensor out = TryOnSampler.tryOn(m, person, mask, b.garment().narrow(0, 0, 4), b.category().narrow(0, 0, 4), 1.0, 10, 5);
      err.put(pred, out.sub(person).pow(new Scalar(2)).mul(mask).sum().item_double() / maskPx); // in-mask MSE, pixels in [0, 1]
    }
    // measured (load 2.6): grey fill 0.065, x0 0.0098, ε 0.165
    assertThat(err.get("x0")).as("x0-prediction gives the example back (grey fill: %s)", grey).isLessThan(0.25 * grey);
    assertThat(err.get("eps")).as("ε-prediction after as many steps: worse than a grey fill").isGreaterThan(grey);
  }

  private static final int STEPS_TO_MEMORISE = 100;

  /** AdamW on one batch, uniform timesteps and fresh noise every step, no outfitting dropout. */
  private static void memorise(OotdModel m, TryOnData.Batch b, int steps) {
    io.papers4j.core.optim.AdamW opt = new io.papers4j.core.optim.AdamW(m.namedParameters(), io.papers4j.core.optim.AdamConfig.torchDefaults(2e-3));
    java.util.SplittableRandom rng = new java.util.SplittableRandom(7);
    Tensor x0 = TryOnTraining.signed(b.target()), agn = TryOnTraining.signed(b.agnostic()), g = TryOnTraining.signed(b.garment());
    int n = (int) b.size();
    for (int s = 0; s < steps; s++) {
      try (org.bytedeco.javacpp.PointerScope scope = new org.bytedeco.javacpp.PointerScope()) {
        float[] t = new float[n];
        for (int i = 0; i < n; i++) t[i] = (float) ((rng.nextInt(1000) + 0.5) / 1000);
        Tensor loss = m.loss(x0, TryOnSampler.gaussian(x0.shape(), 1000L + s), Tensor.create(t, n).clone(), agn, b.mask(), g, b.category(), new boolean[n]);
        opt.zeroGrad();
        loss.backward();
        opt.step();
      }
    }
  }

  @Test
  void every_arm_trains_with_a_finite_falling_loss_and_round_trips_through_a_checkpoint(@TempDir Path dir) {
    for (String arm : TryOnConfig.ARMS) {
      OotdModel m = new OotdModel(TryOnConfig.tiny(arm), 7);
      TryOnTraining.Run r = TryOnTraining.train(m, data, new TryOnTraining.Recipe(30, 8, 2e-3, 0.1, 0, 0), ProgressBar.Mode.OFF);
      assertThat(r.steps()).isEqualTo(30);
      double first = r.losses().subList(0, 5).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      assertThat(r.finalLoss(5)).as(arm).isFinite().isLessThan(first);
      Path ck = dir.resolve(arm);
      TryOnCheckpoint.save(ck, m, Checkpoint.runInfo(Map.of("arm", arm), 0, "tryon", r.steps()));
      OotdModel back = TryOnCheckpoint.load(ck);
      assertThat(back.config()).isEqualTo(m.config());
      TryOnData.Batch b = data.batch("test", 0, 2);
      assertThat(maxDiff(TryOnSampler.tryOn(m, b.target(), b.mask(), b.garment(), b.category(), 1.5, 3, 1),
          TryOnSampler.tryOn(back, b.target(), b.mask(), b.garment(), b.category(), 1.5, 3, 1))).isEqualTo(0.0);
    }
    assertThat(m("fusion").namedParameters()).containsKeys("unet_vton.conv_in.weight", "unet_garm.conv_in.weight",
        "unet_vton.down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_k.weight", "garment_encoder.conv1.weight", "category_embedding.weight");
    assertThat(m("global").namedParameters()).doesNotContainKey("unet_garm.conv_in.weight");
    assertThat(m("concat").denoiser.convIn.weight.size(1)).isEqualTo(10);
    for (String pred : TryOnConfig.PREDICTIONS) { // the parameterisation travels as diffusers' prediction_type
      OotdModel m = new OotdModel(TryOnConfig.tiny("global").withPrediction(pred), 1);
      TryOnCheckpoint.save(dir.resolve(pred), m, Checkpoint.runInfo(Map.of(), 0, "tryon", 0));
      assertThat(TryOnCheckpoint.load(dir.resolve(pred)).diffusion().prediction()).isEqualTo(m.diffusion().prediction());
    }
    assertThat(TryOnConfig.tiny("global").prediction()).isEqualTo("x0");
  }

  @Test
  void the_ema_is_the_closed_form_average_of_the_trained_weights_and_is_what_useEma_loads() {
    // θ̄_2 = d²θ_0 + d(1 − d)θ_1 + (1 − d)θ_2 with d = 0.5; θ_k from runs of k steps (the same data, noise and timesteps)
    String key = "unet_vton.conv_in.weight";
    Tensor[] theta = new Tensor[3];
    for (int k = 0; k < 3; k++) {
      OotdModel m = new OotdModel(TryOnConfig.tiny("fusion"), 3);
      if (k > 0) TryOnTraining.train(m, data, new TryOnTraining.Recipe(k, 4, 1e-2, 0.1, 0, 5), ProgressBar.Mode.OFF);
      theta[k] = m.namedParameters().get(key).detach().clone();
    }
    OotdModel m = new OotdModel(TryOnConfig.tiny("fusion"), 3);
    TryOnTraining.Run r = TryOnTraining.train(m, data, new TryOnTraining.Recipe(2, 4, 1e-2, 0.1, 0.5, 5), ProgressBar.Mode.OFF);
    assertThat(maxDiff(m.namedParameters().get(key), theta[2])).as("the model keeps the trained weights").isEqualTo(0.0);
    Tensor want = theta[0].mul(new Scalar(0.25)).add(theta[1].mul(new Scalar(0.25))).add(theta[2].mul(new Scalar(0.5)));
    assertThat(maxDiff(theta[2], theta[0])).as("training moved the weights").isGreaterThan(1e-4);
    r.useEma(m);
    assertThat(maxDiff(m.namedParameters().get(key), want)).isLessThan(1e-6);
    assertThat(r.imagesPerSecond(4)).isPositive();
  }

  private static OotdModel m(String arm) {
    return new OotdModel(TryOnConfig.tiny(arm), 0);
  }

  @Test
  void bad_checkpoints_and_configs_give_one_message(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> TryOnCheckpoint.load(dir.resolve("nope"))).hasMessageContaining("no checkpoint directory");
    Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"papers4j-flow\"}");
    assertThatThrownBy(() -> TryOnCheckpoint.load(dir)).hasMessageContaining("is not a try-on checkpoint");
    assertThatThrownBy(() -> TryOnConfig.defaults("dream")).hasMessageContaining("arm must be one of");
    assertThatThrownBy(() -> TryOnConfig.defaults("global").withPrediction("noise")).hasMessageContaining("prediction must be one of");
    assertThatThrownBy(() -> TryOnConfig.defaults(null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("arm must be one of");
    assertThatThrownBy(() -> TryOnConfig.defaults("global").withPrediction(null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("prediction must be one of");
    assertThatThrownBy(() -> new TryOnTraining.Recipe(10, 4, 1e-3, 1.5, 0, 0)).hasMessageContaining("outfitting dropout");
    OotdModel m = m("global");
    TryOnData.Batch b = data.batch("test", 0, 1);
    assertThatThrownBy(() -> TryOnSampler.tryOn(m, b.target(), b.mask(), b.garment(), b.category(), -1, 3, 1)).hasMessageContaining("guidance");
  }

  /**
   * bf16 autocast on the try-on UNets (7- and 3-channel inputs: the channel counts oneDNN mishandled
   * before {@code core.nn.Convolutions} padded them): the first loss comes from the same weights, batch
   * and noise as in float32, so only bfloat16 rounding separates them; the weights stay float32.
   */
  @Test
  void bf16TrainingTracksFloat32() {
    OotdModel a = new OotdModel(TryOnConfig.tiny("fusion"), 7), b = new OotdModel(TryOnConfig.tiny("fusion"), 7);
    TryOnTraining.Recipe recipe = new TryOnTraining.Recipe(2, 4, 2e-3, 0.1, 0, 0);
    TryOnTraining.Run f32 = TryOnTraining.train(a, data, recipe, ProgressBar.Mode.OFF, io.papers4j.core.tensor.Precision.F32);
    TryOnTraining.Run bf16 = TryOnTraining.train(b, data, recipe, ProgressBar.Mode.OFF, io.papers4j.core.tensor.Precision.BF16);
    assertThat(bf16.losses()).allMatch(Double::isFinite);
    assertThat(bf16.losses().get(0)).isNotEqualTo(f32.losses().get(0)).isCloseTo(f32.losses().get(0), org.assertj.core.api.Assertions.withinPercentage(3));
    b.namedParameters().forEach((k, v) -> assertThat(v.scalar_type().intern()).as(k).isEqualTo(org.bytedeco.pytorch.global.torch.ScalarType.Float));
  }
}
