package io.papers4j.lm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.lm.reasoning.Sft;
import io.papers4j.lm.reasoning.SyntheticProblems;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ReasoningCommandTest {
  private static String fails(String... args) {
    CommandLine cl = new CommandLine(new ReasoningCommand());
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    cl.setExecutionExceptionHandler((e, c, p) -> {
      c.getErr().println("error: " + e.getMessage());
      return 1;
    });
    assertThat(cl.execute(args)).as(String.join(" ", args)).isNotEqualTo(0);
    return err.toString();
  }

  @Test
  void bad_input_gives_one_readable_message(@TempDir Path dir) throws Exception {
    assertThat(fails("eval")).contains("exactly one of --model DIR or --endpoint URL");
    assertThat(fails("eval", "--model", dir.resolve("nope").toString())).contains("no such directory");
    assertThat(fails("eval", "--endpoint", "ftp://x", "--problems", "1")).contains("http(s) URL");
    assertThat(fails("ei", "--out", dir.resolve("o").toString())).contains("--init-from DIR is required");
    assertThat(fails("sft", "--data", "mnist", "--out", dir.resolve("o").toString())).contains("--data must be gsm8k or synthetic");
    assertThat(fails("sft", "--difficulty", "extreme", "--out", dir.resolve("o").toString())).contains("difficulty must be easy, medium or hard");
    assertThat(fails("eval", "--endpoint", "http://127.0.0.1:9", "--data", "synthetic", "--difficulty", "x")).contains("difficulty must be easy, medium or hard");
    Files.createDirectories(dir.resolve("exists"));
    assertThat(fails("sft", "--out", dir.resolve("exists").toString())).contains("already exists");
    assertThat(fails("ppo", "--reward", "dense", "--out", dir.resolve("p").toString())).contains("--reward must be sparse or dense-orm");
    assertThat(fails("eval", "--endpoint", "http://127.0.0.1:9", "--data", "synthetic", "--max-new-tokens", "0")).contains("--max-new-tokens must be >= 1");
    assertThat(fails("sft", "--decay-from", "-1", "--decay-steps", "5", "--out", dir.resolve("d").toString())).contains("bad learning-rate decay");
  }

  @Test
  void sft_resolves_the_learning_rate_decay() {
    Sft.Fit constant = parsed(new ReasoningCommand.SftCmd(), "--out", "o", "--steps", "2400", "--lr", "1e-3").fit();
    assertThat(constant.decaySteps()).isZero();
    assertThat(constant.learningRate(2399)).isEqualTo(1e-3);
    Sft.Fit decayed = parsed(new ReasoningCommand.SftCmd(), "--out", "o", "--steps", "2400", "--lr", "1e-3", "--decay-from", "1200",
        "--decay-steps", "600").fit();
    assertThat(decayed.decayFrom()).isEqualTo(1200);
    assertThat(decayed.decaySteps()).isEqualTo(600);
    assertThat(decayed.learningRate(1199)).isEqualTo(1e-3);
    assertThat(decayed.learningRate(2399)).isCloseTo(1e-3 * Sft.Fit.DECAY_FLOOR, org.assertj.core.api.Assertions.within(1e-15));
  }

  @Test
  void the_token_budget_defaults_to_what_the_difficulty_level_needs() {
    // parsed as the CLI parses them, then resolved as every verb resolves them
    assertThat(parsed(new ReasoningCommand.SftCmd(), "--out", "o").c.maxNewTokens())
        .isEqualTo(SyntheticProblems.Difficulty.tokenBudget("easy")).isEqualTo(130);
    assertThat(parsed(new ReasoningCommand.EiCmd(), "--out", "o", "--difficulty", "medium").c.maxNewTokens()).isEqualTo(130);
    assertThat(parsed(new ReasoningCommand.PpoCmd(), "--out", "o", "--difficulty", "hard").c.maxNewTokens()).isEqualTo(160);
    assertThat(parsed(new ReasoningCommand.SftCmd(), "--out", "o", "--data", "gsm8k", "--difficulty", "hard").c.maxNewTokens()).isEqualTo(120);
    assertThat(parsed(new ReasoningCommand.SftCmd(), "--out", "o", "--difficulty", "hard", "--max-new-tokens", "77").c.maxNewTokens())
        .isEqualTo(77);
  }

  private static <T> T parsed(T verb, String... args) {
    new CommandLine(verb).parseArgs(args);
    return verb;
  }
}
