package io.papers4j.lm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tensor.Precision;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateBenchTest {
  static final LlamaConfig TINY = LlamaConfig.llama(64, 32, 64, 2, 4, 2, 64, 1e-5, 10000.0, false);

  @Test
  void our_rows_time_prefill_and_decode_for_each_precision() {
    Engine.init(1);
    LlamaModel m = new LlamaModel(TINY, 3);
    for (Precision p : Precision.values()) {
      GenerateBench.Row r = GenerateBench.runOurs(m, p, 2, 8, 4, 1);
      assertThat(r.precision()).isEqualTo(p);
      assertThat(r.prefillMs()).isPositive();
      assertThat(r.msPerToken()).isEqualTo(r.decodeStepMs() / 2);
      assertThat(r.prefillTokensPerS()).isEqualTo(2 * 8 / (r.prefillMs() / 1000));
    }
  }

  @Test
  void the_pytorch_peer_loads_our_weights_and_generates_the_same_greedy_tokens(@TempDir Path tmp) throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of(LmTrainBench.PYTHON)), "needs /usr/bin/python3 with torch");
    Path script = Path.of("../" + GenerateBench.TORCH_SCRIPT);
    try {
      LmTrainBench.checkTorch(script);
    } catch (IllegalStateException e) {
      Assumptions.abort("PyTorch peer unavailable: " + e.getMessage());
    }
    Engine.init(1);
    LlamaModel m = new LlamaModel(TINY, 3); // GQA 4/2, untied head
    LlamaCheckpoint.save(m, tmp.resolve("m"), Checkpoint.runInfo(Map.of(), 3, "none", 0));
    List<GenerateBench.Row> rows = GenerateBench.runTorch(script, tmp.resolve("m"), new int[] {1, 2}, 8, 2, 1, 1);
    assertThat(rows).hasSize(4); // f32 and bf16 × batch 1 and 2
    assertThat(rows).allMatch(r -> r.engine().startsWith("pytorch-eager") && r.decodeStepMs() > 0);
    long[] ours = TorchPeer.checkTokens(m);
    System.out.println("greedy tokens papers4j " + java.util.Arrays.toString(ours) + " PyTorch "
        + java.util.Arrays.toString(GenerateBench.peerCheckTokens));
    assertThat(GenerateBench.peerCheckTokens).containsExactly(ours);
  }

  @Test
  void targets_compare_time_per_token_per_precision_and_batch() {
    List<GenerateBench.Row> rows = List.of(
        new GenerateBench.Row("papers4j", Precision.F32, 16, 100, 32, 128),
        new GenerateBench.Row("pytorch-eager", Precision.F32, 16, 200, 40, 128),
        new GenerateBench.Row("papers4j", Precision.BF16, 1, 100, 12, 128),
        new GenerateBench.Row("pytorch-eager", Precision.BF16, 1, 80, 10, 128));
    assertThat(GenerateBench.targets(rows))
        .contains("f32 batch 16: **decode time per token 0.80× PyTorch's** (target ≤ 1.0×: **met**), prefill time 0.50×")
        .contains("bf16 batch 1: **decode time per token 1.20× PyTorch's** (target ≤ 1.0×: **not met**), prefill time 1.25×");
  }

  @Test
  void interleaved_rounds_judge_the_median_of_the_per_round_ratios() {
    // the peer drifts from round to round; each ratio is taken within its round
    List<List<GenerateBench.Row>> rounds = List.of(
        List.of(new GenerateBench.Row("papers4j", Precision.F32, 16, 100, 32, 128),
            new GenerateBench.Row("pytorch-eager", Precision.F32, 16, 100, 40, 128)), // 0.80×
        List.of(new GenerateBench.Row("papers4j", Precision.F32, 16, 120, 48, 128),
            new GenerateBench.Row("pytorch-eager", Precision.F32, 16, 100, 40, 128)), // 1.20×
        List.of(new GenerateBench.Row("papers4j", Precision.F32, 16, 150, 60, 128),
            new GenerateBench.Row("pytorch-eager", Precision.F32, 16, 100, 66.6666666667, 128))); // 0.90×
    assertThat(GenerateBench.roundTargets(rounds)).isEqualTo("- f32 batch 16: **decode time per token 0.90× PyTorch's**"
        + " (median of 3 interleaved rounds: 0.80, 1.20, 0.90; target ≤ 1.0×: **met**), prefill time 1.20× (rounds:"
        + " 1.00, 1.20, 1.50)\n");
    List<GenerateBench.Row> table = GenerateBench.acrossRounds(rounds);
    assertThat(table).hasSize(2);
    assertThat(table.get(0).engine()).isEqualTo("papers4j");
    assertThat(table.get(0).decodeStepMs()).isEqualTo(48); // median of 32, 48, 60
    assertThat(table.get(0).prefillMs()).isEqualTo(120);
    assertThat(table.get(1).decodeStepMs()).isEqualTo(40); // median of 40, 40, 66.7
  }

  @Test
  void the_cpu_line_names_the_model_and_the_bfloat16_extensions() {
    String amd = "processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse4_2 avx avx2 fma\n\nprocessor\t: 1\n"
        + "model name\t: AMD EPYC\nflags\t\t: fpu sse4_2 avx avx2 fma\n";
    assertThat(GenerateBench.cpu(amd)).isEqualTo("AMD EPYC (avx2; no AVX-512)");
    String spr = "model name\t: Intel(R) Xeon(R) Platinum 8481C\nflags\t\t: avx2 avx512f avx512_bf16 amx_bf16 amx_tile\n";
    assertThat(GenerateBench.cpu(spr)).isEqualTo("Intel(R) Xeon(R) Platinum 8481C (avx2, avx512f, avx512_bf16, amx_bf16)");
    assertThat(GenerateBench.cpu("")).isEqualTo("unknown (none of avx2, avx512f, avx512_bf16, amx_bf16; no AVX-512)");
  }
}
