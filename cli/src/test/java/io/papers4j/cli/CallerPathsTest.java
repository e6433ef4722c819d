package io.papers4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.cli.Location;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CallerPathsTest {
  private static Path modelOption(CommandLine cl, String value) {
    CommandLine.ParseResult parsed = cl.parseArgs("lm", "info", "--model", value);
    return parsed.subcommand().subcommand().matchedOptionValue("--model", null);
  }

  @Test
  void relative_path_options_resolve_against_the_callers_directory() {
    Path caller = Path.of("/tmp/somewhere/work").toAbsolutePath();
    CommandLine cl = Papers4j.commandLine(new CallerPaths(caller));
    assertThat(modelOption(cl, "runs/tiny")).isEqualTo(caller.resolve("runs/tiny"));
    assertThat(modelOption(cl, "../runs/tiny")).isEqualTo(Path.of("/tmp/somewhere/runs/tiny").toAbsolutePath());
    assertThat(modelOption(cl, "/abs/model")).isEqualTo(Path.of("/abs/model"));
  }

  @Test
  void without_a_callers_directory_paths_are_taken_as_given() {
    CommandLine cl = Papers4j.commandLine(null);
    assertThat(modelOption(cl, "runs/tiny")).isEqualTo(Path.of("runs/tiny"));
  }

  @Test
  void location_options_resolve_local_paths_and_keep_uris() {
    Path caller = Path.of("/tmp/somewhere/work").toAbsolutePath();
    CommandLine cl = Papers4j.commandLine(new CallerPaths(caller));
    CommandLine.ParseResult run = cl.parseArgs("datapipe", "run", "--input", "corpus/*.jsonl", "--output", "s3a://b/out")
        .subcommand().subcommand();
    assertThat(run.<Location>matchedOptionValue("--input", null).value()).isEqualTo(caller.resolve("corpus/*.jsonl").toString());
    assertThat(run.<Location>matchedOptionValue("--output", null).value()).isEqualTo("s3a://b/out");
  }
}
