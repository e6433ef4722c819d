package io.papers4j.lm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.nn.Init;
import io.papers4j.core.tensor.Engine;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import io.papers4j.lm.reasoning.CharTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReasoningBenchTest {
  private static LlamaModel tiny() {
    LlamaConfig c = LlamaConfig.llama(CharTokenizer.VOCAB, 32, 64, 1, 2, 2, 256, 1e-5, 10000.0, true);
    return new LlamaModel(c, Init.normal(3, 0.5), null);
  }

  @Test
  void our_row_counts_completion_and_sampled_tokens_of_a_batch() {
    Engine.init(1);
    List<long[]> prompts = ReasoningBench.prompts(3);
    ReasoningBench.Row r = ReasoningBench.runOurs(tiny(), prompts, 6, 1);
    assertThat(r.batch()).isEqualTo(3);
    assertThat(r.sampled()).isBetween(3L, 18L); // each row samples 1..6 tokens (it may stop at its end token)
    assertThat(r.tokens()).isGreaterThanOrEqualTo(r.sampled());
    assertThat(r.tokensPerS()).isEqualTo(r.tokens() / r.seconds());
  }

  @Test
  void the_pytorch_peer_samples_the_same_model_and_counts_its_tokens(@TempDir Path tmp) throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of(LmTrainBench.PYTHON)), "needs /usr/bin/python3 with torch");
    Path script = Path.of("../" + ReasoningBench.TORCH_SCRIPT);
    try {
      LmTrainBench.checkTorch(script);
    } catch (IllegalStateException e) {
      Assumptions.abort("PyTorch peer unavailable: " + e.getMessage());
    }
    Engine.init(1);
    LlamaModel m = tiny();
    LlamaCheckpoint.save(m, tmp.resolve("m"), Checkpoint.runInfo(Map.of(), 3, "none", 0));
    Files.writeString(tmp.resolve("p.json"), ReasoningBench.promptsJson(ReasoningBench.prompts(2)));
    List<JsonNode> lines = TorchPeer.run(List.of(LmTrainBench.PYTHON, script.toString(), "--model", tmp.resolve("m").toString(),
        "--prompts", tmp.resolve("p.json").toString(), "--batches", "1,2", "--new", "5", "--repeats", "1", "--threads", "1"));
    assertThat(TorchPeer.longs(lines.get(0).get("check_tokens"))).containsExactly(TorchPeer.checkTokens(m));
    List<Integer> batches = new ArrayList<>();
    for (JsonNode j : lines.subList(1, lines.size())) {
      batches.add(j.get("batch").asInt());
      assertThat(j.get("sampled").asLong()).isBetween((long) j.get("batch").asInt(), 5L * j.get("batch").asInt());
      assertThat(j.get("tokens").asLong()).isGreaterThanOrEqualTo(j.get("sampled").asLong());
    }
    assertThat(batches).containsExactly(1, 2);
  }

  @Test
  void ratios_compare_completion_tokens_per_second_per_batch() {
    List<ReasoningBench.Row> rows = List.of(new ReasoningBench.Row("papers4j", 16, 2.0, 2000, 1800),
        new ReasoningBench.Row("pytorch-eager", 16, 4.0, 2000, 1800));
    assertThat(ReasoningBench.ratios(rows)).contains("batch 16: papers4j samples **2.00×** PyTorch eager's completion tokens/s (1000 vs 500)");
  }
}
