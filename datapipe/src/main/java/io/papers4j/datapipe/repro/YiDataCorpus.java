package io.papers4j.datapipe.repro;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.datapipe.JsonLines;
import io.papers4j.datapipe.eval.Planter;
import io.papers4j.datapipe.eval.RealCorpus.Text;
import io.papers4j.datapipe.eval.RealCorpus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The yi-data corpus: real Debian text (copyright files, licences, KJV chapters, translated man
 * pages, dpkg file lists as real low-quality text) followed by planted duplicates (exact copies,
 * near-duplicates at controlled edit rates, a paragraph pasted into many documents). Planted
 * documents come last, so they are the later copies the dedup stages should remove.
 */
public final class YiDataCorpus {
  private YiDataCorpus() {}

  /** Sizes of one preset. */
  public record Sizes(int copyright, int kjv, int manPerLanguage, int fileLists, int exactCopies, int nearPerRate, int pasted) {}

  public static final double[] EDIT_RATES = {0.01, 0.02, 0.05, 0.10, 0.20};

  /** The shared paragraph: GPL-3's first preamble paragraph, pasted into {@code pasted} documents. */
  static String sharedParagraph() throws IOException {
    Path gpl = Path.of("/usr/share/common-licenses/GPL-3");
    if (Files.exists(gpl)) {
      String t = Files.readString(gpl);
      int at = t.indexOf("The GNU General Public License is a free");
      if (at >= 0) return t.substring(at, t.indexOf("\n\n", at)).strip();
    }
    return "The licenses for most software and other practical works are designed to take away your "
        + "freedom to share and change the works. By contrast, the GNU General Public License is intended "
        + "to guarantee your freedom to share and change all versions of a program, to make sure it remains "
        + "free software for all its users.";
  }

  static List<Text> dpkgFileLists(int max) throws IOException {
    List<Text> out = new ArrayList<>();
    Path info = Path.of("/var/lib/dpkg/info");
    if (!Files.isDirectory(info)) return out;
    try (Stream<Path> s = Files.list(info)) {
      for (Path p : s.filter(f -> f.toString().endsWith(".list")).sorted().toList()) {
        if (out.size() >= max) break;
        String t = Files.readString(p);
        if (t.length() > 500 && t.length() < 200_000) out.add(new Text("dpkg-list/" + p.getFileName(), "dpkg-list", t));
      }
    }
    return out;
  }

  /** Writes the corpus as JSON-lines and returns its documents in order. */
  public static List<Text> build(Sizes z, long seed, Path jsonl) throws Exception {
    List<Text> real = new ArrayList<>();
    real.addAll(RealCorpus.copyrightFiles(z.copyright()));
    real.addAll(RealCorpus.commonLicenses());
    List<Text> kjv = RealCorpus.kjvChapters(z.kjv() + z.pasted());
    real.addAll(kjv.subList(0, Math.min(z.kjv(), kjv.size())));
    List<Text> fresh = kjv.subList(Math.min(z.kjv(), kjv.size()), kjv.size()); // chapters not in the corpus
    real.addAll(RealCorpus.foreignManPages(z.manPerLanguage()));
    real.addAll(dpkgFileLists(z.fileLists()));
    if (real.size() < 100) throw new IllegalStateException("yi-data: found only " + real.size() + " real documents; is this a Debian system?");
    // Sources of planted copies: English prose-like documents only (copyright files, licences, KJV).
    List<Text> sources = real.stream().filter(t -> !t.source().startsWith("man-") && !t.source().equals("dpkg-list")).toList();
    List<String> vocab = Planter.vocabulary(sources.stream().map(Text::text).toList(), 50_000);
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Text> all = new ArrayList<>(real);
    for (int i = 0; i < z.exactCopies(); i++) {
      Text s = sources.get(rnd.nextInt(sources.size()));
      all.add(new Text("planted/exact/" + i + "/" + s.id(), "planted-exact", s.text()));
    }
    for (double rate : EDIT_RATES) {
      for (int i = 0; i < z.nearPerRate(); i++) {
        Text s = sources.get(rnd.nextInt(sources.size()));
        all.add(new Text("planted/near-" + rate + "/" + i + "/" + s.id(), "planted-near-" + rate, Planter.edit(s.text(), rate, vocab, rnd)));
      }
    }
    String para = sharedParagraph();
    // Real chapters the corpus does not hold yet, each with the shared paragraph pasted in: new
    // documents whose only repeated content is that paragraph (without the Bible: heavily edited copies).
    for (int i = 0; i < z.pasted(); i++) {
      String body = i < fresh.size() ? fresh.get(i).text() : Planter.edit(sources.get(rnd.nextInt(sources.size())).text(), 0.5, vocab, rnd);
      all.add(new Text("planted/paragraph/" + i, "planted-paragraph", Planter.withParagraph(body, para)));
    }
    JsonLines.write(jsonl, all, (t, o) -> o.put("id", t.id()).put("text", t.text()).put("source", t.source()));
    return all;
  }

  /**
   * Labelled examples for the quality classifier: English prose (1: man pages and KJV chapters from
   * Revelation backwards, which the corpus never holds) vs machine text (0: dpkg md5sums/conffiles).
   */
  static void writeQualityLabels(Path jsonl, int perClass) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<String> lines = new ArrayList<>();
    List<Text> kjv = RealCorpus.kjvChapters(1189);
    for (int i = kjv.size() - 1; i >= Math.max(0, kjv.size() - perClass / 2); i--) {
      lines.add(json.createObjectNode().put("text", kjv.get(i).text()).put("label", 1).toString());
    }
    Path man1 = Path.of("/usr/share/man/man1");
    int good = lines.size();
    if (Files.isDirectory(man1)) {
      try (Stream<Path> s = Files.list(man1)) {
        for (Path p : s.filter(f -> f.toString().endsWith(".gz")).sorted().toList()) {
          if (good >= perClass) break;
          String t = io.papers4j.datapipe.text.RoffText.of(readGz(p));
          if (t.length() < 500) continue;
          lines.add(json.createObjectNode().put("text", t).put("label", 1).toString());
          good++;
        }
      }
    }
    int bad = 0;
    try (Stream<Path> s = Files.list(Path.of("/var/lib/dpkg/info"))) {
      for (Path p : s.filter(f -> f.toString().endsWith(".md5sums") || f.toString().endsWith(".conffiles")).sorted().toList()) {
        if (bad >= perClass) break;
        String t = Files.readString(p);
        if (t.length() < 200) continue;
        lines.add(json.createObjectNode().put("text", t).put("label", 0).toString());
        bad++;
      }
    }
    if (good < 20 || bad < 20) throw new IllegalStateException("yi-data: too few labelled quality examples (" + good + " good, " + bad + " bad)");
    Files.write(jsonl, lines, StandardCharsets.UTF_8);
  }

  private static String readGz(Path p) throws IOException {
    try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(p))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
