package io.papers4j.vision.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Params;
import io.papers4j.core.tensor.Precision;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

@SuppressWarnings("unchecked")
class VideoModelTest {
  /** 16 px frames, 4 frames, widths 8/16, attention on the second level. */
  static VideoConfig tiny(String arm) {
    return new VideoConfig(16, 4, new int[] {8, 16}, new boolean[] {false, true}, 2, 8, 8, 16, 2, !arm.equals("c"), true,
        arm.equals("b") ? "eps/linear" : "v/linear+zsnr", "eps/linear", 0.1);
  }

  static double maxDiff(Tensor a, Tensor b) {
    return a.sub(b).abs().max().item_double();
  }

  static MovingSprites sprites(int size) {
    return new MovingSprites(MovingSprites.Spec.sprites(size), 3);
  }

  @Test
  void one_training_step_of_each_stage_is_finite() {
    VideoConfig c = tiny("a");
    MovingSprites d = sprites(16);
    ImageModel image = new ImageModel(c, Init.normal(1, 0.02));
    VideoTraining.Log l1 = VideoTraining.trainImage(image, d, new VideoTraining.Recipe(2, 4, 1e-3, 1, 0), null);
    VideoModel video = new VideoModel(c, image, Init.normal(2, 0.02));
    VideoTraining.Log l2 = VideoTraining.trainVideo(video, d, new VideoTraining.Recipe(2, 2, 1e-3, 1, 0), null);
    assertThat(l1.losses()).allMatch(Double::isFinite);
    assertThat(l2.losses()).allMatch(Double::isFinite);
  }

  /**
   * The averaged weights are the closed form of θ̄ ← d·θ̄ + (1 − d)·θ over the trained weights of the
   * same run without an average (d = 0.5, two steps: ¼θ₀ + ¼θ₁ + ½θ₂), and a probe along the way sees
   * the average without changing what trains.
   */
  @Test
  void ema_of_the_video_layers_is_the_closed_form_average_and_the_probe_leaves_training_unchanged() {
    VideoConfig c = tiny("a");
    MovingSprites d = sprites(16);
    Map<String, Tensor>[] theta = new Map[3];
    for (int steps = 0; steps <= 2; steps++) {
      VideoModel v = new VideoModel(c, new ImageModel(c, Init.normal(1, 0.02)), Init.normal(2, 0.02));
      if (steps > 0) VideoTraining.trainVideo(v, d, new VideoTraining.Recipe(steps, 2, 1e-2, 1, 0), null);
      theta[steps] = clones(v.inserted().namedParameters());
    }
    VideoModel v = new VideoModel(c, new ImageModel(c, Init.normal(1, 0.02)), Init.normal(2, 0.02));
    Map<String, Tensor>[] seen = new Map[1];
    VideoTraining.trainVideo(v, d, new VideoTraining.Recipe(2, 2, 1e-2, 1, 0, 0.5), null, 1, step -> {
      if (step == 1) seen[0] = clones(v.inserted().namedParameters());
    });
    double moved = 0;
    for (String k : theta[0].keySet()) {
      Tensor expected = theta[0].get(k).mul(new Scalar(0.25)).add(theta[1].get(k).mul(new Scalar(0.25))).add(theta[2].get(k).mul(new Scalar(0.5)));
      assertThat(maxDiff(v.inserted().namedParameters().get(k), expected)).as(k).isLessThan(1e-6);
      Tensor atStep1 = theta[0].get(k).add(theta[1].get(k)).mul(new Scalar(0.5));
      assertThat(maxDiff(seen[0].get(k), atStep1)).as(k).isLessThan(1e-6);
      moved = Math.max(moved, maxDiff(theta[2].get(k), theta[0].get(k)));
    }
    assertThat(moved).as("training moved the weights").isGreaterThan(1e-3);
  }

  private static Map<String, Tensor> clones(Map<String, Tensor> p) {
    Map<String, Tensor> out = new java.util.LinkedHashMap<>();
    try (NoGradGuard g = new NoGradGuard()) {
      p.forEach((k, t) -> out.put(k, t.detach().clone()));
    }
    return out;
  }

  private static Tensor randn(long seed, long... shape) {
    return VideoTraining.gaussian(shape, seed);
  }

  private static VideoModel.Cond cond(VideoConfig c, int b, long seed) {
    MovingSprites.Videos v = sprites(c.imageSize()).videos(seed, b, c.frames());
    return VideoTraining.condition(v, 1);
  }

  /** Zero-initialised inserted layers: the video model is the image model applied to each frame. */
  @Test
  void zero_initialised_inserted_layers_leave_the_per_frame_output_unchanged() {
    for (String arm : new String[] {"a", "c"}) {
      VideoConfig c = tiny(arm);
      ImageModel image = new ImageModel(c, Init.normal(1, 0.2));
      VideoModel video = new VideoModel(c, image, Init.normal(2, 0.2));
      Tensor xt = randn(3, 2, c.frames(), 3, 16, 16);
      Tensor t = Tensor.create(new float[] {10f, 800f}, 2).clone();
      VideoModel.Cond k = cond(c, 2, 5);
      try (NoGradGuard g = new NoGradGuard()) {
        Tensor out = video.forward(xt, t, k, null, null); // (2, T, 3, S, S)
        for (int i = 0; i < 2; i++) {
          Tensor frames = xt.select(0, i); // (T, 3, S, S)
          Tensor ti = t.narrow(0, i, 1).expand(c.frames()).contiguous();
          Tensor cls = k.content().narrow(0, i, 1).expand(c.frames()).contiguous();
          assertThat(maxDiff(out.select(0, i), image.forward(frames, ti, cls))).as(arm).isLessThan(1e-5);
        }
        // ... and the frames really differ from each other, so a per-frame check means something
        assertThat(maxDiff(out.select(1, 0), out.select(1, 1))).isGreaterThan(1e-3);
      }
    }
  }

  /**
   * With an x̂₀ head the network's output is the clean image: the process recovers it exactly from the
   * v̂ or ε̂ the head forms (x̂₀ = a·x_t − s·v̂, x̂₀ = (x_t − s·ε̂)/a) wherever s ≥ 0.05, and below that
   * the head divides by 0.05 (closed form); without the flag the head is the identity.
   */
  @Test
  void x0_head_gives_the_process_prediction_whose_clean_image_is_the_network_output() {
    for (String spec : new String[] {"v/linear+zsnr", "eps/linear"}) {
      VideoConfig c = tiny("a").withProcess(spec).withBaseProcess(spec).withX0Head(true);
      ImageModel image = new ImageModel(c, Init.normal(1, 0.2));
      io.papers4j.core.diffusion.VariancePreserving process = c.imageProcess();
      Tensor xt = randn(11, 3, 3, 16, 16), net = randn(12, 3, 3, 16, 16);
      for (int index : new int[] {40, 500, 998, 999}) {
        if (spec.startsWith("eps") && index == 999) continue; // a > 0 everywhere on the linear schedule; 999 only matters for ZTSNR
        Tensor t = torch.full(new long[] {3}, new Scalar((float) index));
        Tensor pred = image.head(net, xt, t, process);
        assertThat(maxDiff(process.toX0AtIndex(xt, pred, index), net)).as(spec + " at " + index).isLessThan(1e-4);
      }
      // at index 0, s = √(1 − ᾱ_0) = 0.029 < 0.05: the head divides by 0.05
      Tensor t0 = torch.zeros(new long[] {3});
      double a = Math.sqrt(process.alphaCumprod(0));
      assertThat(Math.sqrt(1 - process.alphaCumprod(0))).isLessThan(ImageModel.MIN_NOISE);
      Tensor want = spec.startsWith("v") ? xt.mul(new Scalar(a)).sub(net).div(new Scalar(0.05)) : xt.sub(net.mul(new Scalar(a))).div(new Scalar(0.05));
      assertThat(maxDiff(image.head(net, xt, t0, process), want)).as(spec + " at 0").isLessThan(1e-4);
      // the image model's forward is its UNet through the head; without the flag the head is the identity
      try (NoGradGuard g = new NoGradGuard()) {
        Tensor t = torch.full(new long[] {3}, new Scalar(300f)), cls = Tensor.create(new long[] {0, 3, 8}, 3).clone();
        Tensor raw = image.unet.forward(xt, t, image.context(cls));
        assertThat(maxDiff(image.forward(xt, t, cls), image.head(raw, xt, t, process))).isLessThan(1e-6);
        ImageModel plain = new ImageModel(c.withX0Head(false), Init.normal(1, 0.2));
        assertThat(maxDiff(plain.forward(xt, t, cls), raw)).isLessThan(1e-6);
      }
    }
  }

  /** The zero-init property holds through the x̂₀ head, and a video config whose head differs from the image model's is refused. */
  @Test
  void x0_head_video_model_starts_as_the_image_model_per_frame_and_must_match_it() {
    VideoConfig c = tiny("a").withBaseProcess("v/linear+zsnr").withX0Head(true);
    ImageModel image = new ImageModel(c, Init.normal(1, 0.2));
    VideoModel video = new VideoModel(c, image, Init.normal(2, 0.2));
    Tensor xt = randn(3, 2, c.frames(), 3, 16, 16);
    Tensor t = Tensor.create(new float[] {10f, 999f}, 2).clone();
    VideoModel.Cond k = cond(c, 2, 5);
    io.papers4j.core.diffusion.VariancePreserving process = c.videoProcess();
    int[] index = {10, 999};
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor out = video.forward(xt, t, k, null, null);
      for (int i = 0; i < 2; i++) {
        Tensor ti = t.narrow(0, i, 1).expand(c.frames()).contiguous();
        Tensor cls = k.content().narrow(0, i, 1).expand(c.frames()).contiguous();
        // compared as the clean image both imply (the network's own output): v̂ divides it by s, which magnifies rounding at small s
        Tensor x = xt.select(0, i);
        assertThat(maxDiff(process.toX0AtIndex(x, out.select(0, i), index[i]), process.toX0AtIndex(x, image.forward(x, ti, cls), index[i])))
            .isLessThan(1e-5);
      }
    }
    assertThatThrownBy(() -> new VideoModel(c.withX0Head(false), new ImageModel(c, Init.normal(1, 0.2)), Init.normal(2, 0.2)))
        .hasMessageContaining("x0_head");
    // the flag survives config.json, and a config written before it existed reads as a direct head
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    assertThat(VideoConfig.fromJson(json.valueToTree(c.toJson()))).isEqualTo(c);
    com.fasterxml.jackson.databind.node.ObjectNode old = json.valueToTree(c.toJson());
    old.remove("x0_head");
    assertThat(VideoConfig.fromJson(old).x0Head()).isFalse();
  }

  /** Once trained (here: perturbed), the inserted layers change the output, and gradients reach only them. */
  @Test
  void only_the_inserted_layers_train() {
    VideoConfig c = tiny("a");
    ImageModel image = new ImageModel(c, Init.normal(1, 0.2));
    VideoModel video = new VideoModel(c, image, Init.normal(2, 0.2));
    Tensor xt = randn(3, 1, c.frames(), 3, 16, 16);
    Tensor t = Tensor.create(new float[] {500f}, 1).clone();
    Tensor out = video.forward(xt, t, cond(c, 1, 5), null, null);
    out.pow(new Scalar(2)).sum().backward();
    for (Map.Entry<String, Tensor> e : image.namedParameters().entrySet()) assertThat(e.getValue().requires_grad()).as(e.getKey()).isFalse();
    // zero-initialised outputs receive gradient from the first step
    assertThat(video.temporal.get("mid_block.attentions.0").attn.toOut.weight.grad().abs().sum().item_double()).isGreaterThan(0);
    assertThat(video.temporal.get("down_blocks.0.resnets.0").convWeight.grad().abs().sum().item_double()).isGreaterThan(0);
    assertThat(video.imageAttention.get("down_blocks.1.attentions.0").attn.toOut.weight.grad().abs().sum().item_double()).isGreaterThan(0);
    assertThat(video.convInImage.weight.grad().abs().sum().item_double()).isGreaterThan(0);
    assertThat(video.inserted().namedParameters().keySet()).allMatch(n -> !n.startsWith("unet.") && !n.startsWith("class_embedding"));
    assertThat(video.inserted().namedParameters()).containsKeys("conv_in_image.weight", "motion_embedding.weight",
        "temporal.up_blocks.0.attentions.1.attn.to_out.0.weight", "temporal.down_blocks.0.resnets.0.conv.weight",
        "image_attn.mid_block.attentions.0.attn.to_k.weight", "image_encoder.conv1.weight");
  }

  /** Temporal layers mix only along time: any reordering of spatial positions commutes with them. */
  @Test
  void temporal_layers_mix_only_along_time_and_see_frame_order_only_through_the_position_code() {
    int ch = 8, frames = 5;
    TemporalLayers tl = new TemporalLayers(ch, 2, 6, 4, Init.normal(4, 0.3, ScalarType.Double));
    tl.perturb(9, 0.3);
    Tensor h = randn(5, 2 * frames, ch, 3, 4).to(ScalarType.Double); // (B·T, C, H, W)
    Tensor motion = randn(6, 2, 6).to(ScalarType.Double);
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor y = tl.forward(h, frames, motion);
      // a spatial permutation (flatten H·W, permute, restore) commutes with the layer
      Tensor perm = torch.randperm(12, new org.bytedeco.pytorch.TensorOptions().dtype(new org.bytedeco.pytorch.ScalarTypeOptional(ScalarType.Long)));
      Tensor hp = h.flatten(2, 3).index_select(2, perm).view(2 * frames, ch, 3, 4);
      Tensor yp = tl.forward(hp, frames, motion).flatten(2, 3);
      assertThat(maxDiff(yp, y.flatten(2, 3).index_select(2, perm))).isLessThan(1e-12);
      // the attention branch (conv off; its GroupNorm takes per-frame statistics over all locations):
      // changing one location of one frame changes only that location, in every frame
      try (NoGradGuard z = new NoGradGuard()) {
        tl.convWeight.zero_();
        tl.convBias.zero_();
      }
      Tensor ya = tl.forward(h, frames, motion);
      Tensor h2 = h.clone();
      h2.select(0, 3).select(0, 0).select(0, 1).select(0, 2).add_(new Scalar(1.0)); // one channel (LayerNorm removes a shift of all channels)
      Tensor diff = tl.forward(h2, frames, motion).sub(ya).abs();
      Tensor d = diff.sum(new long[] {0, 1}, false, new org.bytedeco.pytorch.ScalarTypeOptional()); // (H, W)
      assertThat(d.get(1).get(2).item_double()).isGreaterThan(1e-6);
      assertThat(d.sum().item_double() - d.get(1).get(2).item_double()).isLessThan(1e-12);
      assertThat(diff.select(0, 1).get(0).get(1).get(2).item_double()).isGreaterThan(1e-9); // another frame of the same clip
      assertThat(diff.narrow(0, frames, frames).sum().item_double()).isZero(); // the other clip
      // frame order: the attention alone (no conv, no position code) is equivariant to reordering frames
      tl.positional(false);
      long[] order = {4, 2, 0, 1, 3};
      Tensor idx = frameIndex(order, 2, frames);
      Tensor y0 = tl.forward(h, frames, motion);
      assertThat(maxDiff(tl.forward(h.index_select(0, idx), frames, motion), y0.index_select(0, idx))).isLessThan(1e-12);
      tl.positional(true);
      Tensor y1 = tl.forward(h, frames, motion);
      assertThat(maxDiff(tl.forward(h.index_select(0, idx), frames, motion), y1.index_select(0, idx))).isGreaterThan(1e-6);
    }
  }

  private static Tensor frameIndex(long[] order, int b, int frames) {
    long[] idx = new long[b * frames];
    for (int i = 0; i < b; i++) for (int f = 0; f < frames; f++) idx[i * frames + f] = i * frames + order[f];
    return Tensor.create(idx, idx.length).clone();
  }

  /** The temporal layers of a trained video model go onto another image model of the same design unchanged. */
  @Test
  void inserted_layers_transplant_onto_another_image_model_of_the_same_design() {
    VideoConfig c = tiny("a");
    VideoModel trained = new VideoModel(c, new ImageModel(c, Init.normal(1, 0.2)), Init.normal(2, 0.2));
    for (TemporalLayers tl : trained.temporal.values()) tl.perturb(7, 0.05);
    ImageModel other = new ImageModel(c, Init.normal(11, 0.2)); // a "personalised" image model: other weights
    Map<String, Tensor> before = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : other.namedParameters().entrySet()) before.put(e.getKey(), e.getValue().clone());
    VideoModel moved = VideoModel.transplant(trained, other);
    Map<String, Tensor> a = trained.inserted().namedParameters(), b = moved.inserted().namedParameters();
    assertThat(b.keySet()).containsExactlyElementsOf(a.keySet());
    for (String n : a.keySet()) assertThat(maxDiff(a.get(n), b.get(n))).as(n).isZero();
    for (Map.Entry<String, Tensor> e : other.namedParameters().entrySet()) assertThat(maxDiff(e.getValue(), before.get(e.getKey()))).isZero();
    Tensor xt = randn(3, 1, c.frames(), 3, 16, 16);
    Tensor t = Tensor.create(new float[] {300f}, 1).clone();
    VideoModel.Cond k = cond(c, 1, 5);
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor withLayers = moved.forward(xt, t, k, null, null);
      Tensor plain = new VideoModel(c, other, Init.normal(3, 0.2)).forward(xt, t, k, null, null); // fresh = zero-init layers
      assertThat(maxDiff(withLayers, plain)).isGreaterThan(1e-4); // the moved layers act on the new model
      assertThat(Params.count(moved.inserted())).isEqualTo(Params.count(trained.inserted()));
    }
    VideoConfig wider = c.withWidths(new int[] {16, 16});
    assertThatThrownBy(() -> VideoModel.transplant(trained, new ImageModel(wider, Init.normal(1, 0.2)))).hasMessageContaining("design");
  }

  /** Zero terminal SNR (Lin et al. Alg. 1) for arm A: ᾱ_T = 0 exactly, ᾱ_0 kept, and the v-target algebra recovers x₀ and ε. */
  @Test
  void zero_terminal_snr_schedule_and_v_prediction_algebra() {
    io.papers4j.core.diffusion.VariancePreserving a = tiny("a").videoProcess(), b = tiny("b").videoProcess();
    double[] za = a.alphasCumprod(), lb = b.alphasCumprod();
    assertThat(za[za.length - 1]).isEqualTo(0.0);
    assertThat(lb[lb.length - 1]).isGreaterThan(0.004); // the linear schedule keeps signal at T: SNR(T) > 0
    assertThat(Math.abs(za[0] - lb[0])).isLessThan(1e-15);
    // the rescaled √ᾱ is an affine map of the original: √ᾱ'_i = (√ᾱ_i − √ᾱ_T)·√ᾱ_0/(√ᾱ_0 − √ᾱ_T)
    double s0 = Math.sqrt(lb[0]), sT = Math.sqrt(lb[lb.length - 1]);
    for (int i : new int[] {1, 250, 500, 998}) assertThat(Math.abs(Math.sqrt(za[i]) - (Math.sqrt(lb[i]) - sT) * s0 / (s0 - sT))).isLessThan(1e-12);
    Tensor x0 = randn(1, 3, 2, 4, 4).to(ScalarType.Double), eps = randn(2, 3, 2, 4, 4).to(ScalarType.Double);
    Tensor t = Tensor.create(new double[] {0.0, 0.5, 0.9999}, 3).clone();
    Tensor xt = a.noised(x0, eps, t), v = a.target(x0, eps, t);
    assertThat(maxDiff(a.toX0(xt, v, t), x0)).isLessThan(1e-12);
    assertThat(maxDiff(a.toEps(xt, v, t), eps)).isLessThan(1e-12);
    // at t = T the input is pure noise and v = −x₀
    assertThat(maxDiff(xt.select(0, 2), eps.select(0, 2))).isLessThan(1e-12);
    assertThat(maxDiff(v.select(0, 2), x0.select(0, 2).neg())).isLessThan(1e-12);
  }

  /**
   * bf16 autocast: the first loss comes from the same weights and batch as in float32, so only
   * bfloat16 rounding (8 significant bits) separates them; the weights stay float32.
   */
  @Test
  void bf16TrainingTracksFloat32() {
    VideoConfig c = tiny("a");
    MovingSprites d = sprites(16);
    VideoTraining.Recipe recipe = new VideoTraining.Recipe(2, 4, 1e-3, 1, 0);
    ImageModel a = new ImageModel(c, Init.normal(1, 0.02));
    ImageModel b = new ImageModel(c, Init.normal(1, 0.02));
    org.bytedeco.pytorch.global.torch.manual_seed(21); // the same noise draws in both runs
    VideoTraining.Log f32 = VideoTraining.trainImage(a, d, recipe, null);
    org.bytedeco.pytorch.global.torch.manual_seed(21); // the same noise draws in both runs
    VideoTraining.Log bf16 = VideoTraining.trainImage(b, d, recipe.withPrecision(Precision.BF16), null);
    assertThat(bf16.losses()).allMatch(Double::isFinite);
    assertThat(bf16.losses().get(0)).isNotEqualTo(f32.losses().get(0)).isCloseTo(f32.losses().get(0), withinPercentage(3));
    b.namedParameters().forEach((k, v) -> assertThat(v.scalar_type().intern()).as(k).isEqualTo(org.bytedeco.pytorch.global.torch.ScalarType.Float));
  }
}
