package io.papers4j.core.nn.unet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.T;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/** The optional extra self-attention tokens of {@link SelfAttentionHook}: off is unchanged, on is the concatenated attention's first rows. */
class SelfAttentionHookTest {
  private static UNet2DConditionModel.Config tiny() {
    return new UNet2DConditionModel.Config(3, 3, new int[] {8, 16}, new boolean[] {true, true}, 1, 2, 6, 4, false);
  }

  private static double maxDiff(Tensor a, Tensor b) {
    return a.sub(b).abs().max().item_double();
  }

  @Test
  void a_hook_returning_nothing_leaves_the_unet_unchanged_and_sees_every_block_input() {
    UNet2DConditionModel unet = new UNet2DConditionModel(tiny(), Init.normal(3, 0.2, ScalarType.Double));
    Tensor x = T.randn(1, ScalarType.Double, 2, 3, 8, 8), t = Tensor.create(new double[] {5, 700}, 2).clone();
    Tensor ctx = T.randn(2, ScalarType.Double, 2, 4, 6);
    List<Tensor> seen = new ArrayList<>();
    Tensor plain = unet.forward(x, t, ctx);
    Tensor hooked = unet.forward(x, t, ctx, null, null, null, h -> {
      seen.add(h);
      return null;
    });
    assertThat(maxDiff(plain, hooked)).isEqualTo(0.0);
    // down 8² (8 ch), down 4² (16), mid 4² (16), up 4² ×2 (16), up 8² ×2 (8)
    assertThat(seen).hasSize(unet.transformerBlockCount()).hasSize(7);
    long[][] shapes = {{2, 64, 8}, {2, 16, 16}, {2, 16, 16}, {2, 16, 16}, {2, 16, 16}, {2, 64, 8}, {2, 64, 8}};
    for (int i = 0; i < shapes.length; i++) assertThat(seen.get(i).shape()).containsExactly(shapes[i]);
  }

  @Test
  void duplicated_tokens_as_extras_give_the_plain_self_attention() {
    // softmax over [K; K] with values [V; V] halves every weight and counts every value twice
    BasicTransformerBlock block = new BasicTransformerBlock(8, 2, 4, 6, Init.normal(4, 0.3, ScalarType.Double));
    Tensor x = T.randn(5, ScalarType.Double, 2, 9, 8), ctx = T.randn(6, ScalarType.Double, 2, 3, 6);
    Tensor plain = block.forward(x, ctx);
    Tensor dup = block.forward(x, ctx, null, h -> h);
    assertThat(maxDiff(plain, dup)).isLessThan(1e-12);
  }

  @Test
  void extras_equal_the_first_rows_of_attention_over_the_concatenation() {
    // the literal form: h' = [h ; e] along tokens, h' + attn1(norm1(h')), keep the first N rows, then cross-attention and FF
    BasicTransformerBlock block = new BasicTransformerBlock(8, 2, 4, 6, Init.normal(7, 0.3, ScalarType.Double));
    Tensor h = T.randn(8, ScalarType.Double, 2, 9, 8), e = T.randn(9, ScalarType.Double, 2, 9, 8), ctx = T.randn(10, ScalarType.Double, 2, 3, 6);
    Tensor cat = torch.cat(new TensorVector(h, e), 1); // (B, 2N, C)
    Tensor a = cat.add(block.attn1.forward(block.norm1.forward(cat), null)).narrow(1, 0, 9); // (B, N, C)
    a = a.add(block.attn2.forward(block.norm2.forward(a), ctx));
    TensorVector hg = block.ffProj.forward(block.norm3.forward(a)).chunk(2, -1);
    Tensor literal = a.add(block.ffOut.forward(hg.get(0).mul(torch.gelu(hg.get(1)))));
    Tensor hooked = block.forward(h, ctx, null, x -> e);
    assertThat(hooked.shape()).containsExactly(2, 9, 8);
    assertThat(maxDiff(literal, hooked)).isLessThan(1e-12);
    assertThat(maxDiff(hooked, block.forward(h, ctx))).isGreaterThan(1e-3); // the extras do reach the output
  }

  @Test
  void extras_of_the_wrong_width_are_refused() {
    BasicTransformerBlock block = new BasicTransformerBlock(8, 2, 4, 0, Init.normal(4, 0.3));
    Tensor x = T.randn(5, ScalarType.Float, 2, 9, 8);
    assertThatThrownBy(() -> block.forward(x, null, null, h -> T.randn(1, ScalarType.Float, 2, 9, 7)))
        .hasMessageContaining("extra self-attention tokens must be (2, M, 8)");
  }
}
