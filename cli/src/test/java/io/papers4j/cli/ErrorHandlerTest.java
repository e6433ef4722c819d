package io.papers4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class ErrorHandlerTest {
  @Command(name = "papers4j", subcommands = Flow.class)
  static final class Root implements Runnable {
    public void run() {}
  }

  @Command(name = "flow", subcommands = Train.class)
  static final class Flow implements Runnable {
    public void run() {}
  }

  @Command(name = "train")
  static final class Train implements Callable<Integer> {
    public Integer call() {
      throw new IllegalArgumentException("--steps must be >= 1, got 0");
    }
  }

  @Test
  void theErrorLineNamesTheWholeCommandPathAndExitsWithOne() {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new Root()).setExecutionExceptionHandler(new ErrorHandler()).setErr(new PrintWriter(err, true));
    assertThat(cl.execute("flow", "train")).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("papers4j flow train: error: --steps must be >= 1, got 0");
  }
}
