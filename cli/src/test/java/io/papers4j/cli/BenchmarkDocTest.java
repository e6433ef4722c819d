package io.papers4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarkDocTest {
  @TempDir Path dir;

  @Test
  void rerunReplacesMeasurementsAndKeepsOtherSectionsAndNotes() throws Exception {
    Path doc = dir.resolve("BENCHMARKS.md");
    BenchmarkDoc.update(doc, "a", "bench a", "old table A");
    BenchmarkDoc.update(doc, "b", "bench b", "table B");
    String withNotes =
        Files.readString(doc)
            .replace(
                "old table A\n",
                "old table A\n\n<!-- notes:a -->\nWhy A is slow: measured by hand.\n<!-- /notes:a -->\n");
    Files.writeString(doc, withNotes);

    BenchmarkDoc.update(doc, "a", "bench a", "new table A");

    String text = Files.readString(doc);
    assertFalse(text.contains("old table A"), text);
    assertTrue(text.contains("new table A"), text);
    assertTrue(text.contains("table B"), text);
    int table = text.indexOf("new table A");
    int notes = text.indexOf("Why A is slow: measured by hand.");
    int end = text.indexOf("<!-- /bench:a -->");
    assertTrue(table < notes && notes < end, "notes follow the new measurements inside the section:\n" + text);
    assertEquals(1, text.split("Why A is slow", -1).length - 1, "notes carried once:\n" + text);
    assertTrue(text.indexOf("<!-- /bench:a -->") < text.indexOf("<!-- bench:b -->"), text);
  }

  @Test
  void sectionWithoutNotesGetsNone() throws Exception {
    Path doc = dir.resolve("BENCHMARKS.md");
    BenchmarkDoc.update(doc, "a", "bench a", "one");
    BenchmarkDoc.update(doc, "a", "bench a", "two");
    String text = Files.readString(doc);
    assertFalse(text.contains("notes:"), text);
    assertTrue(text.contains("two") && !text.contains("one\n"), text);
  }
}
