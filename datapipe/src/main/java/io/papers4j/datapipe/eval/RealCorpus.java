package io.papers4j.datapipe.eval;

import io.papers4j.datapipe.filter.LanguageIdTrainer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Real text every Debian machine has (DATA.md A.3/A.4): the {@code copyright} files of installed
 * packages (many near-identical: the same licence with different holders), the common licences, the
 * KJV Bible by chapter (when {@code bible-kjv} is installed), and translated man pages.
 */
public final class RealCorpus {
  private RealCorpus() {}

  /** A text with an id and where it came from. */
  public record Text(String id, String source, String text) {}

  /** Up to {@code max} {@code /usr/share/doc/<package>/copyright} files, sorted by package. */
  public static List<Text> copyrightFiles(int max) throws IOException {
    List<Text> out = new ArrayList<>();
    Path doc = Path.of("/usr/share/doc");
    if (!Files.isDirectory(doc)) return out;
    List<Path> files;
    try (Stream<Path> s = Files.list(doc)) {
      files = s.map(p -> p.resolve("copyright")).filter(Files::isRegularFile).sorted().toList();
    }
    for (Path f : files) {
      if (out.size() >= max) break;
      byte[] b = Files.readAllBytes(f);
      if (b.length > 200_000) continue; // a few are concatenations of hundreds of licences
      out.add(new Text("copyright/" + f.getParent().getFileName(), "debian-copyright", new String(b, StandardCharsets.UTF_8)));
    }
    return out;
  }

  /** The full licence texts in /usr/share/common-licenses. */
  public static List<Text> commonLicenses() throws IOException {
    List<Text> out = new ArrayList<>();
    Path dir = Path.of("/usr/share/common-licenses");
    if (!Files.isDirectory(dir)) return out;
    try (Stream<Path> s = Files.list(dir)) {
      for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
        out.add(new Text("licence/" + f.getFileName(), "common-licenses", Files.readString(f)));
      }
    }
    return out;
  }

  /** KJV chapters via the {@code bible} program of Debian's bible-kjv (empty when it is absent). */
  public static List<Text> kjvChapters(int max) throws IOException, InterruptedException {
    List<Text> out = new ArrayList<>();
    if (!Files.isExecutable(Path.of("/usr/bin/bible"))) return out;
    Process p = new ProcessBuilder("/usr/bin/bible", "-f", "gen1:1-rev22:21").redirectErrorStream(true).start();
    String all = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    StringBuilder cur = new StringBuilder();
    String curChapter = null;
    for (String line : all.split("\n")) {
      // "Ge1:1 In the beginning..." → chapter key "Ge1"
      int colon = line.indexOf(':');
      int sp = line.indexOf(' ');
      if (colon < 0 || sp < colon) continue;
      String chapter = line.substring(0, colon);
      if (!chapter.equals(curChapter)) {
        if (curChapter != null) out.add(new Text("kjv/" + curChapter, "kjv", cur.toString().strip()));
        if (out.size() >= max) return out;
        curChapter = chapter;
        cur.setLength(0);
      }
      cur.append(line.substring(sp + 1).strip()).append('\n');
    }
    if (curChapter != null && out.size() < max) out.add(new Text("kjv/" + curChapter, "kjv", cur.toString().strip()));
    return out;
  }

  /** Translated man pages as plain text, {@code perLanguage} per language except English. */
  public static List<Text> foreignManPages(int perLanguage) throws IOException {
    List<Text> out = new ArrayList<>();
    for (LanguageIdTrainer.Sample s : LanguageIdTrainer.manPages(Path.of("/usr/share/man"), perLanguage)) {
      if (!s.language().equals("en")) out.add(new Text("man/" + s.language() + "/" + Path.of(s.path()).getFileName(), "man-" + s.language(), s.text()));
    }
    return out;
  }
}
