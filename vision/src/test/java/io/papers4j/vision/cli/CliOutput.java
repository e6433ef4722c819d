package io.papers4j.vision.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Standard output of a command run in-process, and the "name value" metric lines it printed. */
final class CliOutput {
  private CliOutput() {}

  /** Runs {@code command}, asserts exit code 0 and returns what it printed to standard output. */
  static String capture(Callable<Integer> command) throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      assertThat(command.call()).isZero();
    } finally {
      System.setOut(old);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    old.print(out);
    return out;
  }

  private static final Pattern METRIC = Pattern.compile("(?m)^\\s+([A-Za-z][\\w.+-]*)\\s+(-?\\d+\\.\\d+|NaN|-?Infinity)\\s*$");

  /** The indented "name value" lines of a command's output (printf {@code %.4f}: NaN and Infinity included). */
  static Map<String, Double> metrics(String out) {
    Map<String, Double> m = new LinkedHashMap<>();
    Matcher x = METRIC.matcher(out);
    while (x.find()) m.put(x.group(1), Double.parseDouble(x.group(2)));
    return m;
  }

  /** Asserts that the output printed the named metrics, each finite. */
  static Map<String, Double> assertFinite(String out, String... names) {
    Map<String, Double> m = metrics(out);
    assertThat(m).as("metric lines of:%n%s", out).containsKeys(names);
    for (String k : names) assertThat(m.get(k)).as(k).isFinite();
    return m;
  }
}
