package io.papers4j.lm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tensor.Precision;
import io.papers4j.lm.llama.LlamaConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class LmTrainBenchTest {
  @Test
  void step_flops_of_the_small_preset_match_a_hand_count() {
    // per layer: q,k,v,o 4·256² + gate,up,down 3·256·1024 = 1,048,576; 6 layers + head 8192·256
    double weights = 6 * 1_048_576.0 + 8192 * 256.0; // 8,388,608
    double attention = 12.0 * 6 * 8 * 128 * 128 * 256; // QKᵀ and AV, forward and backward
    assertThat(LmTrainBench.stepFlops(LlamaConfig.preset("small"), 8, 128))
        .isEqualTo(6 * weights * 8 * 128 + attention)
        .isEqualTo(53_955_526_656.0);
  }

  @Test
  void targets_are_stated_as_met_or_not() {
    LlamaConfig c = LlamaConfig.preset("small");
    GemmPeak peak = new GemmPeak(180, 360, 2048, 2048);
    List<LmTrainBench.Numbers> rows = List.of(
        row("papers4j", Precision.F32, 800), row("papers4j", Precision.BF16, 500),
        row("torch", Precision.F32, 900), row("torch", Precision.BF16, 600));
    String s = LmTrainBench.targets(rows, peak, c, 8, 128);
    assertThat(s).contains("papers4j bf16 / PyTorch f32: 0.56× wall** (target ≤ 0.6×: **met**)")
        .contains("papers4j bf16 / PyTorch bf16: 0.83× wall** (target ≤ 0.9×: **met**)")
        // 53.96 GFLOP in 0.5 s = 108 GFLOP/s = 30% of 360
        .contains("108 GFLOP/s = 30% of the measured bf16 GEMM peak");
    rows = List.of(rows.get(0), row("papers4j", Precision.BF16, 700), rows.get(2), rows.get(3));
    assertThat(LmTrainBench.targets(rows, peak, c, 8, 128))
        .contains("0.78× wall** (target ≤ 0.6×: **not met**)")
        .contains("1.17× wall** (target ≤ 0.9×: **not met**)");
  }

  @Test
  void a_bf16_step_of_a_tiny_model_runs_and_reports_its_precision() {
    Engine.init(1);
    LlamaConfig c = LlamaConfig.llama(64, 32, 64, 1, 4, 4, 32, 1e-5, 10000.0, false);
    LmTrainBench.Numbers n =
        LmTrainBench.runOurs(c, 2, 8, 2, 1, Precision.BF16, new PrintStream(new ByteArrayOutputStream()));
    assertThat(n.precision()).isEqualTo(Precision.BF16);
    assertThat(n.msPerStep()).isPositive();
    assertThat(n.tokensPerS()).isEqualTo(2 * 8 / (n.msPerStep() / 1000));
  }

  private static LmTrainBench.Numbers row(String engine, Precision p, double ms) {
    return new LmTrainBench.Numbers(engine, p, 2, 10_489_088, ms, 2 * ms, 1024 / (ms / 1000), 900, "x");
  }
}
