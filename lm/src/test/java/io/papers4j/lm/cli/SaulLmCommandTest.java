package io.papers4j.lm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SaulLmCommandTest {
  private static String fails(String... args) {
    CommandLine cl = new CommandLine(new SaulLmCommand());
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
    Files.createDirectories(dir.resolve("empty"));
    assertThat(fails("eval", "--model", dir.resolve("empty").toString())).contains("is not a model directory", "config.json");
    assertThat(fails("instruct", "--model", dir.resolve("nope").toString(), "--out", dir.resolve("o").toString()))
        .contains("no such directory");
    assertThat(fails("eval", "--endpoint", "ftp://x")).contains("http(s) URL");
    assertThat(fails("eval", "--endpoint", "http://127.0.0.1:1", "--corpus", dir.resolve("empty").toString()))
        .contains("is not a corpus built by");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path corpus = dir.resolve("corpus");
    Files.createDirectories(corpus);
    Files.writeString(corpus.resolve("manifest.json"), "{}");
    Files.createDirectories(corpus.resolve("legal"));
    assertThat(fails("eval", "--endpoint", "http://127.0.0.1:" + port, "--corpus", corpus.toString()))
        .contains("cannot reach endpoint http://127.0.0.1:" + port);
  }
}
