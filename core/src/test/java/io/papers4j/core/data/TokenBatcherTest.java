package io.papers4j.core.data;

import io.papers4j.core.train.Batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

class TokenBatcherTest {
  private static int[] stream(int n) {
    int[] t = new int[n];
    for (int i = 0; i < n; i++) t[i] = i * 7 % 1000; // distinct enough to locate windows
    return t;
  }

  private static long at(Tensor t, int b, int i) {
    return t.get(b).get(i).item_long();
  }

  @Test
  void targets_are_inputs_shifted_by_one_within_the_stream() {
    int[] tokens = stream(500);
    TokenBatcher tb = new TokenBatcher(tokens, 4, 16, 1);
    Batch batch = tb.next();
    assertThat(batch.inputs().sizes().vec().get()).containsExactly(4, 16);
    assertThat(batch.targets().sizes().vec().get()).containsExactly(4, 16);
    assertThat(batch.inputs().scalar_type().intern()).isEqualTo(ScalarType.Long);
    int[] starts = tb.starts(0);
    for (int b = 0; b < 4; b++) {
      for (int t = 0; t < 16; t++) {
        assertThat(at(batch.inputs(), b, t)).isEqualTo(tokens[starts[b] + t]);
        assertThat(at(batch.targets(), b, t)).isEqualTo(tokens[starts[b] + t + 1]);
      }
    }
  }

  @Test
  void batches_depend_only_on_seed_and_step_so_resume_is_exact() {
    int[] tokens = stream(10_000);
    TokenBatcher a = new TokenBatcher(tokens, 8, 32, 42);
    for (int i = 0; i < 5; i++) a.next();
    TokenBatcher resumed = new TokenBatcher(tokens, 8, 32, 42);
    resumed.seek(5);
    assertThat(resumed.next().inputs().equal(a.next().inputs())).isTrue();
    assertThat(new TokenBatcher(tokens, 8, 32, 43).starts(0)).isNotEqualTo(a.starts(0));
  }

  @Test
  void starts_cover_the_whole_valid_range() {
    int[] tokens = stream(40);
    TokenBatcher tb = new TokenBatcher(tokens, 16, 8, 3);
    Set<Integer> seen = new HashSet<>();
    for (int s = 0; s < 200; s++) for (int x : tb.starts(s)) seen.add(x);
    // N - T = 32 possible starts, 0..31; the last window ends exactly at the stream's end.
    assertThat(seen).hasSize(32).allMatch(x -> x >= 0 && x <= 31);
  }

  @Test
  void eval_batches_predict_every_token_once() {
    int[] tokens = stream(103);
    EvalBatches eval = new EvalBatches(tokens, 3, 10);
    assertThat(eval.windows()).isEqualTo(10);
    assertThat(eval.batches()).isEqualTo(4);
    assertThat(eval.tokensCovered()).isEqualTo(100);
    int rows = 0;
    long expectedTarget = 1;
    for (Batch b : eval) {
      int n = (int) b.inputs().size(0);
      for (int r = 0; r < n; r++) {
        for (int t = 0; t < 10; t++) {
          assertThat(at(b.targets(), r, t)).isEqualTo(tokens[(int) expectedTarget++]);
        }
      }
      rows += n;
    }
    assertThat(rows).isEqualTo(10);
  }

  @Test
  void too_short_a_stream_is_refused() {
    assertThatThrownBy(() -> new TokenBatcher(new int[5], 1, 5, 0)).hasMessageContaining("at least blockSize + 1");
  }
}
