package io.papers4j.lm.galore;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.lm.cli.LmCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code papers4j lm train --optimizer …}: bad combinations fail with one clear line, before any work. */
class TrainCliOptionsTest {
  @TempDir Path tmp;

  private static String fail(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new LmCommand());
    cl.setErr(new PrintWriter(err));
    cl.setExecutionExceptionHandler((ex, c, p) -> {
      c.getErr().println("error: " + ex.getMessage());
      return 1;
    });
    assertThat(cl.execute(args)).as(String.join(" ", args)).isNotZero();
    return err.toString();
  }

  @Test
  void per_layer_with_clipping_unknown_optimizers_and_per_layer_alone_are_refused() {
    String out = tmp.resolve("run").toString();
    assertThat(fail("train", "--steps", "1", "--out", out, "--optimizer", "galore8bit", "--per-layer"))
        .contains("--per-layer").contains("--clip 0");
    assertThat(fail("train", "--steps", "1", "--out", out, "--optimizer", "sgd"))
        .contains("unknown optimizer 'sgd'").contains("galore8bit");
    assertThat(fail("train", "--steps", "1", "--out", out, "--per-layer", "--clip", "0"))
        .contains("--per-layer needs --optimizer");
    assertThat(Files.exists(tmp.resolve("run"))).isFalse();
  }
}
