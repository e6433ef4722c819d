package io.papers4j.core.nn.unet;

import io.papers4j.core.nn.FiniteDifference;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.nn.Attention;
import io.papers4j.core.nn.Conv2d;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.T;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

class UNetTest {
  /** Two levels (8, 16), attention only on the second, one ResNet per down level, 2 heads, context width 6. */
  private static UNet2DConditionModel.Config tiny(boolean linearProjection) {
    return new UNet2DConditionModel.Config(3, 3, new int[] {8, 16}, new boolean[] {false, true}, 1, 2, 6, 4, linearProjection);
  }

  @Test
  void shapes_and_diffusers_tensor_names() {
    UNet2DConditionModel unet = new UNet2DConditionModel(tiny(false), Init.normal(1, 0.02));
    Tensor y = unet.forward(T.randn(1, ScalarType.Float, 2, 3, 8, 8), Tensor.create(new float[] {10f, 900f}, 2).clone(),
        T.randn(2, ScalarType.Float, 2, 5, 6));
    assertThat(y.shape()).containsExactly(2, 3, 8, 8);
    Map<String, Tensor> p = unet.namedParameters();
    assertThat(p.get("conv_in.weight").shape()).containsExactly(8, 3, 3, 3);
    assertThat(p.get("time_embedding.linear_1.weight").shape()).containsExactly(32, 8);
    assertThat(p.get("down_blocks.0.resnets.0.time_emb_proj.weight").shape()).containsExactly(8, 32);
    assertThat(p.get("down_blocks.0.downsamplers.0.conv.weight").shape()).containsExactly(8, 8, 3, 3);
    assertThat(p.get("down_blocks.1.resnets.0.conv_shortcut.weight").shape()).containsExactly(16, 8, 1, 1);
    assertThat(p.get("down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k.weight").shape()).containsExactly(16, 6);
    assertThat(p.get("down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_out.0.bias").shape()).containsExactly(16);
    assertThat(p.get("down_blocks.1.attentions.0.transformer_blocks.0.ff.net.0.proj.weight").shape()).containsExactly(128, 16);
    assertThat(p.get("down_blocks.1.attentions.0.transformer_blocks.0.ff.net.2.weight").shape()).containsExactly(16, 64);
    assertThat(p.get("mid_block.attentions.0.proj_in.weight").shape()).containsExactly(16, 16, 1, 1);
    assertThat(p.get("mid_block.resnets.1.norm2.weight").shape()).containsExactly(16);
    // up block 0 mirrors level 1: (mid 16 + skip 16) → 16, then (16 + the downsampled skip 8) → 16
    assertThat(p.get("up_blocks.0.resnets.0.conv1.weight").shape()).containsExactly(16, 32, 3, 3);
    assertThat(p.get("up_blocks.0.resnets.1.conv1.weight").shape()).containsExactly(16, 24, 3, 3);
    assertThat(p.get("up_blocks.0.upsamplers.0.conv.weight").shape()).containsExactly(16, 16, 3, 3);
    assertThat(p.get("up_blocks.1.resnets.0.conv_shortcut.weight").shape()).containsExactly(8, 24, 1, 1);
    assertThat(p.get("up_blocks.1.resnets.1.conv1.weight").shape()).containsExactly(8, 16, 3, 3);
    assertThat(p).doesNotContainKeys("down_blocks.0.attentions.0.norm.weight", "up_blocks.1.attentions.0.norm.weight",
        "up_blocks.1.upsamplers.0.conv.weight", "down_blocks.1.downsamplers.0.conv.weight");
    assertThat(p.get("conv_norm_out.weight").shape()).containsExactly(8);
    assertThat(p.get("conv_out.weight").shape()).containsExactly(3, 8, 3, 3);
    assertThat(unet.skipCount()).isEqualTo(4);
    UNet2DConditionModel lin = new UNet2DConditionModel(tiny(true), Init.normal(1, 0.02));
    assertThat(lin.namedParameters().get("mid_block.attentions.0.proj_out.weight").shape()).containsExactly(16, 16);
  }

  @Test
  void cross_attention_reads_the_context_and_the_fused_kernel_equals_the_explicit_softmax() {
    Init init = Init.normal(2, 0.3, ScalarType.Double);
    CrossAttention attn = new CrossAttention(8, 5, 2, 3, init);
    Tensor x = T.randn(1, ScalarType.Double, 2, 7, 8), c = T.randn(2, ScalarType.Double, 2, 4, 5);
    Tensor fused = attn.forward(x, c);
    Tensor naive = attn.kernel(Attention.Kernel.NAIVE).forward(x, c);
    assertThat(fused.shape()).containsExactly(2, 7, 8);
    assertThat(T.maxDiff(fused, naive)).isLessThan(1e-12);
    // by hand for one head-free case: softmax(q kᵀ/√d) v through the projections
    Tensor q = x.matmul(attn.toQ.weight.t()).view(2, 7, 2, 3).transpose(1, 2);
    Tensor k = c.matmul(attn.toK.weight.t()).view(2, 4, 2, 3).transpose(1, 2);
    Tensor v = c.matmul(attn.toV.weight.t()).view(2, 4, 2, 3).transpose(1, 2);
    Tensor o = torch.softmax(q.matmul(k.transpose(2, 3)).div(new Scalar(Math.sqrt(3))), -1).matmul(v);
    Tensor want = o.transpose(1, 2).reshape(2, 7, 6).matmul(attn.toOut.weight.t()).add(attn.toOut.bias);
    assertThat(T.maxDiff(fused, want)).isLessThan(1e-12);
    Tensor other = attn.forward(x, T.randn(3, ScalarType.Double, 2, 4, 5));
    assertThat(T.maxDiff(other, fused)).isGreaterThan(1e-3);
    assertThatThrownBy(() -> attn.forward(x, T.randn(3, ScalarType.Double, 2, 4, 6))).hasMessageContaining("context must be (2, M, 5)");
  }

  /** A padded prompt: masking its padding tokens gives exactly the output of the unpadded prompt. */
  @Test
  void a_context_mask_is_the_same_as_dropping_the_padding_tokens() {
    Init init = Init.normal(8, 0.3, ScalarType.Double);
    UNet2DConditionModel unet = new UNet2DConditionModel(tiny(false), init);
    Tensor x = T.randn(1, ScalarType.Double, 2, 3, 8, 8), t = Tensor.create(new double[] {5, 700}, 2).clone();
    Tensor ctx = T.randn(2, ScalarType.Double, 2, 5, 6);
    Tensor mask = Tensor.create(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, 2, 5).clone(); // row 1: 3 real tokens
    Tensor masked = unet.forward(x, t, ctx, mask, null, null);
    Tensor row1 = unet.forward(x.narrow(0, 1, 1), t.narrow(0, 1, 1), ctx.narrow(0, 1, 1).narrow(1, 0, 3));
    Tensor row0 = unet.forward(x.narrow(0, 0, 1), t.narrow(0, 0, 1), ctx.narrow(0, 0, 1));
    assertThat(T.maxDiff(masked.narrow(0, 1, 1), row1)).isLessThan(1e-12);
    assertThat(T.maxDiff(masked.narrow(0, 0, 1), row0)).isLessThan(1e-12);
    assertThat(T.maxDiff(unet.forward(x, t, ctx).narrow(0, 1, 1), row1)).isGreaterThan(1e-6); // padding matters unmasked
    CrossAttention attn = new CrossAttention(8, 6, 2, 4, init);
    Tensor q = T.randn(9, ScalarType.Double, 2, 7, 8);
    Tensor fused = attn.kernel(Attention.Kernel.FUSED).forward(q, ctx, mask);
    Tensor naive = attn.kernel(Attention.Kernel.NAIVE).forward(q, ctx, mask);
    assertThat(T.maxDiff(fused, naive)).isLessThan(1e-12);
    assertThatThrownBy(() -> attn.forward(q, ctx, mask.narrow(1, 0, 4))).hasMessageContaining("context mask must be (2, 5)");
  }

  /** The block hook: identity (and null) leave the output bit-identical; it sees every block in order; a change propagates. */
  @Test
  void block_hook_off_or_identity_is_the_plain_unet_and_visits_every_block_in_order() {
    UNet2DConditionModel unet = new UNet2DConditionModel(tiny(false), Init.normal(3, 0.2, ScalarType.Double));
    Tensor x = T.randn(1, ScalarType.Double, 2, 3, 8, 8), t = Tensor.create(new double[] {5, 700}, 2).clone();
    Tensor ctx = T.randn(2, ScalarType.Double, 2, 5, 6);
    Tensor plain = unet.forward(x, t, ctx);
    List<String> seen = new ArrayList<>();
    List<Long> widths = new ArrayList<>();
    Tensor hooked = unet.forward(x, t, ctx, null, null, null, (name, h) -> {
      seen.add(name);
      widths.add(h.size(1));
      return h;
    });
    assertThat(T.maxDiff(plain, hooked)).isZero();
    assertThat(T.maxDiff(plain, unet.forward(x, t, ctx, null, null, null, (UNet2DConditionModel.BlockHook) null))).isZero();
    assertThat(seen).containsExactlyElementsOf(unet.hookPoints().keySet());
    assertThat(seen).startsWith("conv_in", "down_blocks.0.resnets.0", "down_blocks.1.resnets.0", "down_blocks.1.attentions.0",
        "mid_block.resnets.0", "mid_block.attentions.0", "mid_block.resnets.1", "up_blocks.0.resnets.0", "up_blocks.0.attentions.0");
    assertThat(seen).hasSize(1 + 2 + 1 + 3 + 4 + 2);
    for (int i = 0; i < seen.size(); i++) assertThat(widths.get(i)).isEqualTo((long) unet.hookPoints().get(seen.get(i)));
    Tensor changed = unet.forward(x, t, ctx, null, null, null, (name, h) -> name.equals("mid_block.attentions.0") ? h.mul(new Scalar(2.0)) : h);
    assertThat(T.maxDiff(plain, changed)).isGreaterThan(1e-6);
  }

  /** ControlNet's zero convolutions: residuals from zero-initialised convs leave the UNet unchanged, yet train. */
  @Test
  void zero_initialised_controlnet_residuals_leave_the_output_unchanged_but_receive_gradient() {
    Init init = Init.normal(3, 0.2, ScalarType.Double);
    UNet2DConditionModel unet = new UNet2DConditionModel(tiny(false), init);
    Tensor x = T.randn(1, ScalarType.Double, 2, 3, 8, 8), t = Tensor.create(new double[] {5, 700}, 2).clone();
    Tensor ctx = T.randn(2, ScalarType.Double, 2, 5, 6);
    Tensor hint = T.randn(4, ScalarType.Double, 2, 8, 8, 8);
    Tensor hintSmall = T.randn(5, ScalarType.Double, 2, 8, 4, 4);
    Tensor hintMid = T.randn(6, ScalarType.Double, 2, 16, 4, 4);
    // one zero conv per skip (channels 8, 8, 8, 16) and one for the mid block (16), as diffusers' ControlNet
    List<Conv2d> zero = List.of(new Conv2d(8, 8, 1, 1, 1, 0, true, init).zeroInit(), new Conv2d(8, 8, 1, 1, 1, 0, true, init).zeroInit(),
        new Conv2d(8, 8, 1, 1, 1, 0, true, init).zeroInit(), new Conv2d(16, 16, 1, 1, 1, 0, true, init).zeroInit());
    Conv2d zeroMid = new Conv2d(16, 16, 1, 1, 1, 0, true, init).zeroInit();
    List<Tensor> res = new ArrayList<>(List.of(zero.get(0).forward(hint), zero.get(1).forward(hint),
        zero.get(2).forward(hintSmall), zero.get(3).forward(hintMid)));
    Tensor plain = unet.forward(x, t, ctx);
    Tensor controlled = unet.forward(x, t, ctx, res, zeroMid.forward(hintMid));
    assertThat(T.maxDiff(plain, controlled)).isZero();
    controlled.pow(new Scalar(2)).sum().backward();
    for (Conv2d z : zero) assertThat(z.weight.grad().abs().sum().item_double()).isGreaterThan(0);
    assertThat(zeroMid.weight.grad().abs().sum().item_double()).isGreaterThan(0);
    assertThat(zero.get(0).weight.abs().sum().item_double()).isZero();
    assertThatThrownBy(() -> unet.forward(x, t, ctx, res.subList(0, 3), null)).hasMessageContaining("expected 4 down-block residuals");
  }

  @Test
  void gradients_of_a_tiny_unet_match_finite_differences() {
    Init init = Init.normal(7, 0.3, ScalarType.Double);
    UNet2DConditionModel unet = new UNet2DConditionModel(
        new UNet2DConditionModel.Config(2, 2, new int[] {4, 8}, new boolean[] {true, true}, 1, 2, 3, 2, true), init);
    Tensor x = T.randn(1, ScalarType.Double, 1, 2, 4, 4).set_requires_grad(true);
    Tensor ctx = T.randn(2, ScalarType.Double, 1, 3, 3).set_requires_grad(true);
    Tensor t = Tensor.create(new double[] {321}, 1).clone();
    Tensor r = T.randn(3, ScalarType.Double, 1, 2, 4, 4);
    Supplier<Tensor> f = () -> unet.forward(x, t, ctx).mul(r).sum();
    f.get().backward();
    Map<String, Tensor> all = new java.util.LinkedHashMap<>(unet.namedParameters());
    all.put("x", x);
    all.put("context", ctx);
    double eps = 1e-6, worst = 0;
    int checked = 0, k = 0;
    for (Map.Entry<String, Tensor> e : all.entrySet()) {
      if (k++ % 4 != 0 && !e.getKey().equals("x") && !e.getKey().equals("context")) continue; // every 4th tensor, and the inputs
      Tensor p = e.getValue();
      Tensor grad = p.grad().reshape(-1);
      long n = p.numel();
      for (long idx : new long[] {0, n / 2, n - 1}) {
        double numeric = FiniteDifference.at(p, idx, eps, () -> f.get().item_double());
        double analytic = grad.select(0, idx).item_double();
        double err = Math.abs(numeric - analytic) / Math.max(1.0, Math.abs(numeric));
        worst = Math.max(worst, err);
        assertThat(err).as("%s[%d]: autograd %.10f, finite difference %.10f", e.getKey(), idx, analytic, numeric).isLessThan(1e-6);
        checked++;
      }
    }
    System.out.printf("tiny UNet gradient check: %d entries, worst relative error %.3g%n", checked, worst);
    assertThat(checked).isGreaterThan(60);
  }

  @Test
  void bad_input_gives_one_clear_message() {
    UNet2DConditionModel unet = new UNet2DConditionModel(tiny(false), Init.normal(1, 0.02));
    Tensor t = Tensor.create(new float[] {1f}, 1).clone(), ctx = T.randn(2, ScalarType.Float, 1, 5, 6);
    assertThatThrownBy(() -> unet.forward(T.randn(1, ScalarType.Float, 1, 4, 8, 8), t, ctx)).hasMessageContaining("(B, 3, H, W)");
    assertThatThrownBy(() -> unet.forward(T.randn(1, ScalarType.Float, 1, 3, 7, 8), t, ctx)).hasMessageContaining("multiple of 2");
    assertThatThrownBy(() -> unet.forward(T.randn(1, ScalarType.Float, 1, 3, 8, 8), t, null)).hasMessageContaining("context must be (B, M, 6)");
    assertThatThrownBy(() -> new UNet2DConditionModel.Config(3, 3, new int[] {8, 12}, new boolean[] {true, true}, 1, 2, 6, 8, false))
        .hasMessageContaining("multiple of norm_num_groups");
  }
}
