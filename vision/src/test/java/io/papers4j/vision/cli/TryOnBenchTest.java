package io.papers4j.vision.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.papers4j.core.data.FashionMnist;
import io.papers4j.core.tensor.Engine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** papers4j bench tryon at toy size: one row per arm with its numbers, the load line, bad options. */
class TryOnBenchTest {
  @Test
  void bench_measures_every_arm_and_states_the_load() throws Exception {
    assumeTrue(Files.exists(FashionMnist.DEFAULT_DIR.resolve("t10k-images-idx3-ubyte.gz")), "needs Debian dataset-fashion-mnist");
    Engine.init(2);
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    String md = new TryOnBench().run(List.of("--widths", "8,16", "--batch", "2", "--steps", "1", "--warmup", "0", "--sample-n", "1",
        "--sample-steps", "1"), new PrintStream(buf, true));
    assertThat(md).contains("| fusion |", "| global |", "| concat |", "Load average", "training images/s");
    assertThat(md).doesNotContain("| false |"); // every arm's losses and samples were finite
    assertThat(buf.toString()).contains("fusion", "sampling");
    assertThatThrownBy(() -> new TryOnBench().run(List.of("--steps", "0"), new PrintStream(new ByteArrayOutputStream())))
        .hasMessageContaining("must be >= 1");
    assertThatThrownBy(() -> new TryOnBench().run(List.of("--arms", "dream", "--widths", "8,16"), new PrintStream(new ByteArrayOutputStream())))
        .hasMessageContaining("arm must be one of");
  }
}
