package io.papers4j.cli;

import io.papers4j.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

/**
 * Replaces (or appends) one benchmark's section of docs/BENCHMARKS.md, written atomically.
 *
 * <p>A section is regenerated whole on every run, so explanations written by hand into it would
 * vanish; text between {@code <!-- notes:NAME -->} and {@code <!-- /notes:NAME -->} inside the
 * section is carried over verbatim after the new measurements.
 */
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
    int i = text.indexOf(begin);
    int j = text.indexOf(end);
    boolean present = i >= 0 && j > i;
    String notes = present ? notesBlock(text.substring(i, j), name) : "";
    String section =
        begin + "\n## " + name + "\n\nCommand: `" + command + "` (" + LocalDate.now() + ", "
            + Runtime.getRuntime().availableProcessors() + " cores)\n\n" + body.strip() + "\n"
            + (notes.isEmpty() ? "" : "\n" + notes + "\n") + end;
    if (present) {
      text = text.substring(0, i) + section + text.substring(j + end.length());
    } else {
      text = text.stripTrailing() + "\n\n" + section + "\n";
    }
    AtomicFiles.writeString(doc, text);
  }

  /** The hand-written notes block of an old section, markers included, or "" when it has none. */
  static String notesBlock(String oldSection, String name) {
    String begin = "<!-- notes:" + name + " -->";
    String end = "<!-- /notes:" + name + " -->";
    int i = oldSection.indexOf(begin);
    int j = oldSection.indexOf(end);
    return i >= 0 && j > i ? oldSection.substring(i, j + end.length()) : "";
  }
}
