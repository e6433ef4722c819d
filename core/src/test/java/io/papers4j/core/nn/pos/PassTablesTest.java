package io.papers4j.core.nn.pos;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.nn.T;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

class PassTablesTest {

  /** RoPE that counts how often it builds its cos/sin tables. */
  static final class Counting extends RotaryEmbedding {
    int builds;

    Counting() {
      super(8, 10000.0);
    }

    @Override
    public Tensor[] cosSin(Tensor positions, ScalarType dtype) {
      builds++;
      return super.cosSin(positions, dtype);
    }
  }

  @Test
  void rope_tables_bound_in_a_pass_are_built_once_across_per_layer_scopes() {
    Counting rope = new Counting();
    try (NoGradGuard g = new NoGradGuard(); PointerScope pass = new PointerScope()) {
      Tensor positions = torch.arange(new org.bytedeco.pytorch.Scalar(5L));
      Tensor q = T.randn(1, ScalarType.Float, 2, 4, 5, 8);
      Tensor k = T.randn(2, ScalarType.Float, 2, 2, 5, 8);
      Tensor[] expected = rope.apply(q, k, positions); // builds once itself
      int before = rope.builds;
      PositionEncoding.AtPositions pe = rope.at(positions);
      for (int layer = 0; layer < 3; layer++) {
        try (PointerScope layerScope = new PointerScope()) { // as LlamaModel runs each layer in inference
          Tensor[] got = pe.apply(q, k);
          assertThat(torch.equal(got[0], expected[0])).as("layer %d q", layer).isTrue();
          assertThat(torch.equal(got[1], expected[1])).as("layer %d k", layer).isTrue();
        }
      }
      assertThat(rope.builds - before).isEqualTo(1);
    }
  }

  @Test
  void a_table_made_in_an_inner_scope_lives_until_the_bind_time_scope_closes() {
    Tensor kept;
    try (PointerScope pass = new PointerScope()) {
      PassTables tables = new PassTables();
      try (PointerScope layer = new PointerScope()) {
        kept = torch.ones(3);
        tables.keep(kept);
      }
      assertThat(kept.isNull()).isFalse();
      assertThat(kept.sum().item_double()).isEqualTo(3.0);
    }
    assertThat(kept.isNull()).isTrue(); // freed with the pass, not leaked
  }

  @Test
  void a_table_made_in_the_bind_time_scope_itself_is_left_to_it() {
    Tensor t;
    try (PointerScope pass = new PointerScope()) {
      PassTables tables = new PassTables();
      t = torch.ones(2);
      tables.keep(t); // no second reference: the scope frees it once
    }
    assertThat(t.isNull()).isTrue();
  }
}
