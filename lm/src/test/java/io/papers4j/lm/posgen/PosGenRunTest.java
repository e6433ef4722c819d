package io.papers4j.lm.posgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.papers4j.core.tensor.Engine;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

class PosGenRunTest {

  @Test
  void training_batch_masks_the_seed_targets_and_the_last_position() {
    PosGenSpec spec = new PosGenSpec(17, 1, 3, 6, 8, 1, 1, 1);
    try (PointerScope s = new PointerScope()) {
      Tensor[] xy = PosGenRun.trainBatch(new int[][] {{1, 2, 3, 4, 10, 2}}, spec, 21);
      long[] in = new long[7];
      long[] tg = new long[7];
      xy[0].contiguous().data_ptr_long().get(in);
      xy[1].contiguous().data_ptr_long().get(tg);
      assertThat(in).containsExactly(21, 1, 2, 3, 4, 10, 2); // [EOS] x0 … x5
      assertThat(tg).containsExactly(-100, -100, -100, -100, 10, 2, -100); // predict x4, x5 only
    }
  }

  @Test
  void one_cycle_schedule_matches_torch_endpoints() {
    PosGenTrainConfig tc = new PosGenTrainConfig(100, 8, 1e-3, 0.01, 0.1, 8);
    assertThat(tc.lrAt(0)).isCloseTo(1e-3 / 25, within(1e-12));
    assertThat(tc.lrAt(9)).isCloseTo(1e-3, within(1e-12)); // peak at pct_start·total − 1
    assertThat(tc.lrAt(99)).isCloseTo(1e-3 / 25 / 1e4, within(1e-15));
    assertThat(tc.lrAt(50)).isLessThan(1e-3).isGreaterThan(1e-3 / 25 / 1e4);
  }

  @Test
  void a_tiny_run_trains_and_reports_id_ood_and_per_position_accuracy_for_both_encodings() {
    Engine.init(1);
    PosGenSpec spec = new PosGenSpec(5, 1, 3, 12, 24, 64, 16, 2);
    PosGenData data = PosGenData.generate(PosGenTask.RECURSIVE, spec);
    PosGenModelConfig mc = new PosGenModelConfig(10, 1, 32, 1, 16, 64, 0.1, 1e-6);
    PosGenTrainConfig tc = new PosGenTrainConfig(3, 8, 1e-3, 0.01, 0.1, 8);
    PosGenRun.Outcome o = PosGenRun.run(data, mc, tc, Protocol.TRAIN_PLAIN_EVAL_SCALED,
        PosGenEncoding.RESONANCE_ROPE, List.of(PosGenEncoding.RESONANCE_ROPE, PosGenEncoding.RESONANCE_YARN), 5, "t");
    assertThat(o.finalLoss()).isFinite();
    assertThat(o.accuracy()).containsOnlyKeys(PosGenEncoding.RESONANCE_ROPE, PosGenEncoding.RESONANCE_YARN);
    PosGenRun.Accuracy a = o.accuracy().get(PosGenEncoding.RESONANCE_YARN);
    assertThat(a.byPosition()).hasSize(24);
    assertThat(a.byPosition()[3]).isNaN();
    double id = 0;
    for (int i = 4; i < 12; i++) id += a.byPosition()[i];
    assertThat(a.id()).isCloseTo(id / 8, within(1e-12));
    double ood = 0;
    for (int i = 12; i < 24; i++) ood += a.byPosition()[i];
    assertThat(a.ood()).isCloseTo(ood / 12, within(1e-12));
  }

  @Test
  void code_protocol_trains_plain_and_paper_protocol_trains_scaled() {
    assertThat(PosGenEncoding.YARN.trainedAs(Protocol.TRAIN_PLAIN_EVAL_SCALED)).isEqualTo(PosGenEncoding.ROPE);
    assertThat(PosGenEncoding.RESONANCE_YARN.trainedAs(Protocol.TRAIN_PLAIN_EVAL_SCALED))
        .isEqualTo(PosGenEncoding.RESONANCE_ROPE);
    assertThat(PosGenEncoding.YARN.trainedAs(Protocol.TRAIN_SCALED)).isEqualTo(PosGenEncoding.YARN);
    // the code's eval-time YaRN for L = 64 → 256: s = 257/65, ramp from 257, β_fast 2
    var rc = PosGenEncoding.RESONANCE_YARN.rope(64, 64, 256);
    assertThat(rc.factor()).isCloseTo(257.0 / 65, within(1e-12));
    assertThat(rc.originalMaxPositionEmbeddings()).isEqualTo(257);
    assertThat(rc.betaFast()).isEqualTo(2);
    assertThat(rc.resonance()).isTrue();
  }
}
