package io.papers4j.lm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.io.Checkpoint;
import io.papers4j.core.tensor.Engine;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.llama.LlamaModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class YiCommandTest {
  @Test
  void upscale_with_yi9b_copies_the_relative_range_of_yi_9b(@TempDir Path dir) {
    Engine.init();
    LlamaConfig cfg = LlamaConfig.llama(256, 16, 32, 8, 2, 2, 16, 1e-5, 10000.0, true);
    LlamaCheckpoint.save(new LlamaModel(cfg, 3), dir.resolve("base"), Map.of());
    int rc = new CommandLine(new YiCommand()).execute("upscale", "--model", dir.resolve("base").toString(),
        "--duplicate", "yi9b", "--out", dir.resolve("up").toString());
    assertThat(rc).isZero();
    assertThat(LlamaCheckpoint.readConfig(dir.resolve("up")).numHiddenLayers()).isEqualTo(12);
    // 8 layers: Yi-9B's 12-27 of 32 is 3-6, copies inserted after layer 6
    assertThat(Checkpoint.readRunInfo(dir.resolve("up")).get("yi_layer_sources"))
        .isEqualTo(List.of(0, 1, 2, 3, 4, 5, 6, 3, 4, 5, 6, 7));
  }
}
