package io.papers4j.cli;

import io.papers4j.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

/** Replaces (or appends) one benchmark's section of docs/BENCHMARKS.md, written atomically. */
final class BenchmarkDoc {
  private BenchmarkDoc() {}

  static void update(Path doc, String name, String command, String body) throws IOException {
    String begin = "<!-- bench:" + name + " -->";
    String end = "<!-- /bench:" + name + " -->";
    String text =
        Files.exists(doc)
            ? Files.readString(doc)
            : "# Benchmarks\n\nEvery section is written by the command it names, on our 2-core CPU"
                + " machine unless it says otherwise.\n";
    String section =
        begin + "\n## " + name + "\n\nCommand: `" + command + "` (" + LocalDate.now() + ", "
            + Runtime.getRuntime().availableProcessors() + " cores)\n\n" + body.strip() + "\n" + end;
    int i = text.indexOf(begin);
    int j = text.indexOf(end);
    if (i >= 0 && j > i) {
      text = text.substring(0, i) + section + text.substring(j + end.length());
    } else {
      text = text.stripTrailing() + "\n\n" + section + "\n";
    }
    AtomicFiles.writeString(doc, text);
  }
}
