package io.papers4j.core.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The King James Bible from Debian's {@code bible-kjv} package: 31,102 verses, about 4.4 MB.
 *
 * <p>On first use this runs {@code bible -f 'gen1:1-rev22:21'} (one verse per line, {@code
 * "Ge1:1 In the beginning..."}), strips the references and caches the text under {@code
 * $PAPERS4J_HOME/corpora/kjv.txt}, one verse per line. The KJV text is in the public domain; the
 * {@code bible} program is GPL-2+.
 */
public final class KjvBible {
  public static final String NAME = "kjv";
  public static final int VERSES = 31_102;
  public static final String SOURCE =
      "King James Version, Debian package bible-kjv (text public domain; program GPL-2+)";

  /** {@code Ge1:1 }, {@code 1Sm2:3 }, {@code SSol8:14 }: book, chapter, ':', verse, one space. */
  private static final Pattern REFERENCE = Pattern.compile("^([1-3]?[A-Za-z]+)(\\d+):(\\d+) ");

  private KjvBible() {}

  /** The cached verse file. */
  public static Path cacheFile() {
    return Papers4jHome.resolve("corpora", "kjv.txt");
  }

  /** The corpus, one unit per verse. */
  public static TextCorpus load() {
    return TextCorpus.of(NAME, SOURCE, verses());
  }

  /** The verses without references, in canonical order (Genesis 1:1 first). */
  public static List<String> verses() {
    Path cache = cacheFile();
    try {
      if (!Files.exists(cache)) {
        List<String> verses = fromBibleProgram();
        String text = String.join("\n", verses) + "\n";
        io.papers4j.core.io.AtomicFiles.writeString(cache, text);
      }
      List<String> lines = Files.readAllLines(cache, StandardCharsets.UTF_8);
      if (lines.size() != VERSES) {
        throw new IllegalStateException(
            cache + " has " + lines.size() + " verses, expected " + VERSES + "; delete it to rebuild");
      }
      return lines;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read or write " + cache + ": " + e.getMessage(), e);
    }
  }

  /** Removes the leading reference of one line of {@code bible -f} output. */
  static String stripReference(String line) {
    Matcher m = REFERENCE.matcher(line);
    if (!m.find()) throw new IllegalArgumentException("not a verse line: " + line);
    return line.substring(m.end());
  }

  private static List<String> fromBibleProgram() throws IOException {
    Process p;
    try {
      p = new ProcessBuilder("bible", "-f", "gen1:1-rev22:21").redirectErrorStream(false).start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "the KJV corpus needs the 'bible' program from the Debian package bible-kjv, which is not"
              + " installed: install with scripts/setup (or apt-get install bible-kjv)", e);
    }
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("'bible -f gen1:1-rev22:21' failed; is bible-kjv installed?"
            + " install with scripts/setup");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    List<String> verses = new ArrayList<>(VERSES);
    for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) verses.add(stripReference(line.strip()));
    }
    if (verses.size() != VERSES) {
      throw new IllegalStateException(
          "bible printed " + verses.size() + " verses, expected " + VERSES + " (bible-kjv broken?)");
    }
    return verses;
  }
}
