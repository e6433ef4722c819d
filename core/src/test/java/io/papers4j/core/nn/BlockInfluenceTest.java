package io.papers4j.core.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.papers4j.core.tensor.Engine;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BlockInfluenceTest {
  @BeforeAll
  static void engine() {
    Engine.seed(7);
  }

  @Test
  void layer_with_zero_residual_branch_has_zero_influence_and_magnitude() {
    Tensor x = torch.randn(2, 5, 8);
    BlockInfluence bi = new BlockInfluence(1);
    bi.add(List.of(x, x.clone()), null);
    assertThat(bi.blockInfluence()[0]).isCloseTo(0.0, offset(1e-6));
    assertThat(bi.relativeMagnitude()[0]).isCloseTo(0.0, offset(1e-6));
  }

  @Test
  void hand_computed_cases_negation_orthogonal_and_scaling() {
    // Token vectors chosen by hand: e1 -> -e1 (cos -1), e1 -> e2 (cos 0), e1 -> 3 e1 (cos 1).
    Tensor x = Tensor.create(new float[] {1, 0, 1, 0, 1, 0}, 1, 3, 2);
    Tensor y = Tensor.create(new float[] {-1, 0, 0, 1, 3, 0}, 1, 3, 2);
    BlockInfluence bi = new BlockInfluence(1);
    bi.add(List.of(x, y), null);
    // mean cos = (-1 + 0 + 1)/3 = 0, so BI = 1.
    assertThat(bi.blockInfluence()[0]).isCloseTo(1.0, offset(1e-6));
    // ‖y−x‖/‖y‖ = 2/1, √2/1, 2/3 -> mean (2 + √2 + 2/3)/3.
    assertThat(bi.relativeMagnitude()[0]).isCloseTo((2 + Math.sqrt(2) + 2.0 / 3) / 3, offset(1e-6));
  }

  @Test
  void padding_tokens_are_ignored_and_zero_vectors_count_as_half() {
    Tensor x = Tensor.create(new float[] {1, 0, 0, 0}, 1, 2, 2);
    Tensor y = Tensor.create(new float[] {1, 0, 5, 5}, 1, 2, 2);
    BlockInfluence masked = new BlockInfluence(1);
    masked.add(List.of(x, y), Tensor.create(new long[] {1, 0}, 1, 2));
    assertThat(masked.blockInfluence()[0]).isCloseTo(0.0, offset(1e-6));
    BlockInfluence all = new BlockInfluence(1);
    all.add(List.of(x, y), null);
    // second token has x = 0: NaN cosine -> 0.5 as in the official code; mean cos 0.75.
    assertThat(all.blockInfluence()[0]).isCloseTo(0.25, offset(1e-6));
  }

  @Test
  void accumulates_over_batches_as_a_token_weighted_mean() {
    Tensor a = torch.randn(1, 4, 6);
    Tensor b = torch.randn(1, 4, 6);
    Tensor c = torch.randn(1, 2, 6);
    Tensor d = torch.randn(1, 2, 6);
    BlockInfluence split = new BlockInfluence(1);
    split.add(List.of(a, b), null);
    split.add(List.of(c, d), null);
    BlockInfluence joint = new BlockInfluence(1);
    joint.add(List.of(torch.cat(new org.bytedeco.pytorch.TensorVector(a, c), 1),
        torch.cat(new org.bytedeco.pytorch.TensorVector(b, d), 1)), null);
    assertThat(split.blockInfluence()[0]).isCloseTo(joint.blockInfluence()[0], offset(1e-6));
  }

  @Test
  void wrong_number_of_hidden_states_is_a_clear_error() {
    BlockInfluence bi = new BlockInfluence(3);
    Tensor x = torch.randn(1, 2, 4);
    assertThatThrownBy(() -> bi.add(List.of(x, x), null))
        .hasMessageContaining("expected 4 hidden states for 3 layers");
    assertThatThrownBy(bi::blockInfluence).hasMessageContaining("no calibration tokens");
  }
}
