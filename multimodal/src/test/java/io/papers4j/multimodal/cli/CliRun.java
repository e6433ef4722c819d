package io.papers4j.multimodal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Runs a command in-process with the CLI's one-line error handler ("error: message", exit 1). */
final class CliRun {
  private CliRun() {}

  static CommandLine cli(Object command, StringWriter err) {
    CommandLine cl = new CommandLine(command);
    cl.setErr(new PrintWriter(err));
    cl.setExecutionExceptionHandler((e, c, p) -> {
      c.getErr().println("error: " + e.getMessage());
      return 1;
    });
    return cl;
  }

  /** Asserts a non-zero exit and returns what the command wrote to standard error. */
  static String fails(Object command, String... args) {
    StringWriter err = new StringWriter();
    assertThat(cli(command, err).execute(args)).as(String.join(" ", args)).isNotEqualTo(0);
    return err.toString();
  }

  /** Asserts exit code 0 and returns what the command printed to standard output (also echoed). */
  static String ok(Object command, String... args) {
    StringWriter err = new StringWriter();
    PrintStream old = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertThat(cli(command, err).execute(args)).as(String.join(" ", args) + ": " + err).isEqualTo(0);
    } finally {
      System.setOut(old);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    old.print(printed);
    return printed;
  }
}
