package io.papers4j.lm.saullm;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.data.NpmPackages;
import io.papers4j.core.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The legal corpus from real text on a Debian machine and npm (DATA.md A.4): the full texts of
 * the SPDX licence list with their metadata, Debian's common licences, the machine-readable
 * ({@code Format:} DEP-5) {@code copyright} files under {@code /usr/share/doc}, and the {@code
 * law} fortunes. Texts are NFKC-normalised, deduplicated ({@link Dedup}), typed (licence,
 * copyright, fortune) and split: a document is held out when the first 32 bits of its SHA-256,
 * mod 10, are 0 (about 10% of each type), so the split depends on the text only.
 */
public final class LegalCorpus {
  public static final String SPDX_PACKAGE = "spdx-license-list";
  public static final String SPDX_VERSION = "6.12.0";
  public static final int HELD_OUT_MOD = 10;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One document: type (licence, copyright, fortune), id, origin, text, metadata and held-out flag. */
  public record Doc(String type, String id, String origin, String text, Map<String, Object> meta, boolean heldOut) {
    public String sha256() {
      return Dedup.sha256(text);
    }
  }

  /** Kept documents and what deduplication removed. */
  public record Built(List<Doc> docs, int raw, int exactDuplicates, int nearDuplicates) {
    public List<Doc> train() {
      return docs.stream().filter(d -> !d.heldOut()).toList();
    }

    public List<Doc> heldOut() {
      return docs.stream().filter(Doc::heldOut).toList();
    }
  }

  private LegalCorpus() {}

  /** Whether a text goes to the held-out side (a function of its canonical SHA-256 only). */
  public static boolean heldOut(String text) {
    return Long.parseLong(Dedup.sha256(text).substring(0, 8), 16) % HELD_OUT_MOD == 0;
  }

  /** Reads every source on this machine, deduplicates and splits. */
  public static Built build() {
    List<Doc> raw = new ArrayList<>();
    raw.addAll(spdx(NpmPackages.fetch(SPDX_PACKAGE, SPDX_VERSION).resolve("spdx-full.json")));
    raw.addAll(commonLicenses(Path.of("/usr/share/common-licenses")));
    raw.addAll(copyrightFiles(Path.of("/usr/share/doc")));
    raw.addAll(fortunes(Path.of("/usr/share/games/fortunes/law"), "fortune"));
    return dedupAndSplit(raw);
  }

  /** Dedup (exact then MinHash, first kept) and the hash split. */
  public static Built dedupAndSplit(List<Doc> raw) {
    Dedup.Outcome o = Dedup.run(raw.stream().map(Doc::text).toList());
    List<Doc> kept = new ArrayList<>();
    for (int i : o.kept()) {
      Doc d = raw.get(i);
      kept.add(new Doc(d.type(), d.id(), d.origin(), d.text(), d.meta(), heldOut(d.text())));
    }
    return new Built(kept, raw.size(), o.exactDuplicates(), o.nearDuplicates());
  }

  static String clean(String s) {
    return Normalizer.normalize(s, Normalizer.Form.NFKC).replace("\r\n", "\n").strip();
  }

  /** SPDX full texts; metadata: spdx id, name, osiApproved, copyleft (our family rule). */
  public static List<Doc> spdx(Path fullJson) {
    Map<String, Map<String, Object>> all;
    try {
      all = JSON.readValue(fullJson.toFile(), new TypeReference<TreeMap<String, Map<String, Object>>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the SPDX list " + fullJson + ": " + e.getMessage(), e);
    }
    List<Doc> out = new ArrayList<>();
    for (var e : all.entrySet()) {
      Object text = e.getValue().get("licenseText");
      if (!(text instanceof String t) || t.isBlank()) continue;
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("spdx", e.getKey());
      meta.put("name", String.valueOf(e.getValue().get("name")));
      meta.put("osiApproved", Boolean.TRUE.equals(e.getValue().get("osiApproved")));
      meta.put("copyleft", LicenceFacts.copyleft(e.getKey()));
      out.add(new Doc("licence", "spdx:" + e.getKey(), SPDX_PACKAGE + "@" + SPDX_VERSION, clean(t), meta, false));
    }
    return out;
  }

  /** Debian's /usr/share/common-licenses (symbolic links resolve to the same text; dedup drops them). */
  public static List<Doc> commonLicenses(Path dir) {
    List<Doc> out = new ArrayList<>();
    for (Path p : list(dir)) {
      String t = read(p);
      if (t == null || t.isBlank()) continue;
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("debian", p.getFileName().toString());
      out.add(new Doc("licence", "debian:" + p.getFileName(), dir.toString(), clean(t), meta, false));
    }
    return out;
  }

  /** DEP-5 copyright files; metadata: the first Files stanza's License and the holders and years. */
  public static List<Doc> copyrightFiles(Path docRoot) {
    List<Doc> out = new ArrayList<>();
    for (Path pkg : list(docRoot)) {
      Path f = pkg.resolve("copyright");
      if (!Files.isRegularFile(f)) continue;
      String t = read(f);
      if (t == null || !t.startsWith("Format:")) continue;
      Map<String, Object> meta = Dep5.facts(t);
      meta.put("package", pkg.getFileName().toString());
      out.add(new Doc("copyright", "debian-copyright:" + pkg.getFileName(), f.toString(), clean(t), meta, false));
    }
    return out;
  }

  /** Records of a fortune file (separated by lines holding only %). */
  public static List<Doc> fortunes(Path file, String type) {
    String t = read(file);
    if (t == null) return List.of();
    List<Doc> out = new ArrayList<>();
    int i = 0;
    for (String rec : t.split("(?m)^%\\s*$")) {
      if (rec.isBlank()) continue;
      out.add(new Doc(type, file.getFileName() + ":" + i++, file.toString(), clean(rec), Map.of(), false));
    }
    return out;
  }

  /** Writes DIR/legal/TYPE/{train,heldout}.jsonl, DIR/manifest.json (hashes) and DIR/README.md (data card). */
  public static void write(Built b, GeneralCorpus.Texts general, Path dir) {
    Map<String, List<Doc>> byType = new TreeMap<>();
    for (Doc d : b.docs()) byType.computeIfAbsent(d.type(), k -> new ArrayList<>()).add(d);
    Map<String, Object> manifest = new LinkedHashMap<>();
    Map<String, Object> counts = new TreeMap<>();
    List<String> trainHashes = new ArrayList<>();
    List<String> heldHashes = new ArrayList<>();
    for (var e : byType.entrySet()) {
      StringBuilder tr = new StringBuilder();
      StringBuilder ho = new StringBuilder();
      int nt = 0;
      int nh = 0;
      long chars = 0;
      for (Doc d : e.getValue()) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", d.id());
        row.put("type", d.type());
        row.put("origin", d.origin());
        row.put("sha256", d.sha256());
        row.put("meta", d.meta());
        row.put("text", d.text());
        String line = json(row) + "\n";
        chars += d.text().length();
        if (d.heldOut()) {
          ho.append(line);
          nh++;
          heldHashes.add(d.sha256());
        } else {
          tr.append(line);
          nt++;
          trainHashes.add(d.sha256());
        }
      }
      AtomicFiles.writeString(dir.resolve("legal").resolve(e.getKey()).resolve("train.jsonl"), tr.toString());
      AtomicFiles.writeString(dir.resolve("legal").resolve(e.getKey()).resolve("heldout.jsonl"), ho.toString());
      counts.put(e.getKey(), Map.of("train", nt, "heldout", nh, "chars", chars));
    }
    AtomicFiles.writeString(dir.resolve("general").resolve("train.txt"), String.join("\n", general.train()) + "\n");
    AtomicFiles.writeString(dir.resolve("general").resolve("heldout.txt"), String.join("\n", general.heldOut()) + "\n");
    manifest.put("raw_documents", b.raw());
    manifest.put("exact_duplicates_removed", b.exactDuplicates());
    manifest.put("near_duplicates_removed", b.nearDuplicates());
    manifest.put("legal", counts);
    manifest.put("general", Map.of("train_units", general.train().size(), "heldout_units", general.heldOut().size(),
        "source", general.source()));
    manifest.put("train_sha256", trainHashes);
    manifest.put("heldout_sha256", heldHashes);
    AtomicFiles.writeString(dir.resolve("manifest.json"), json(manifest));
    AtomicFiles.writeString(dir.resolve("README.md"), dataCard(b, counts, general));
  }

  static String dataCard(Built b, Map<String, Object> counts, GeneralCorpus.Texts g) {
    StringBuilder s = new StringBuilder("# SaulLM legal corpus (papers4j)\n\n");
    s.append("Built by `papers4j saullm corpus build` from text on this machine.\n\n");
    s.append("## Sources and licences\n\n");
    s.append("- npm `").append(SPDX_PACKAGE).append('@').append(SPDX_VERSION)
        .append("` (CC0-1.0): SPDX licence full texts with name and osiApproved; `copyleft` is our rule by licence family.\n");
    s.append("- Debian `/usr/share/common-licenses`: the licences' own terms (verbatim copying allowed).\n");
    s.append("- Debian `/usr/share/doc/*/copyright` in machine-readable DEP-5 format (each package's licence).\n");
    s.append("- Debian `fortunes`, topic `law` (quotes of mixed origin; the package is BSD).\n\n");
    s.append("## Processing\n\nNFKC, CRLF to LF; exact dedup by SHA-256 of the white-space-collapsed lower-cased text; ")
        .append("MinHash (word 5-shingles, 128 hashes, 16 bands) near-dedup at Jaccard >= 0.8, first kept.\n\n");
    s.append(String.format(java.util.Locale.ROOT, "Raw documents %d; exact duplicates removed %d; near duplicates removed %d.%n%n",
        b.raw(), b.exactDuplicates(), b.nearDuplicates()));
    s.append("## Split\n\nA document is held out when its SHA-256 (first 32 bits) mod 10 is 0; held-out documents ")
        .append("are never trained on (manifest.json lists both sides' hashes).\n\n| type | train | held out | chars |\n|---|---|---|---|\n");
    for (var e : counts.entrySet()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> c = (Map<String, Object>) e.getValue();
      s.append("| ").append(e.getKey()).append(" | ").append(c.get("train")).append(" | ").append(c.get("heldout"))
          .append(" | ").append(c.get("chars")).append(" |\n");
    }
    s.append("\n## General corpus (base model and replay)\n\n").append(g.source()).append(": ")
        .append(g.train().size()).append(" training units, ").append(g.heldOut().size()).append(" held out.\n");
    return s.toString();
  }

  /** Reads the training (or held-out) documents of every type from a built corpus directory. */
  public static List<Doc> read(Path dir, boolean heldOut) {
    Path legal = dir.resolve("legal");
    if (!Files.isDirectory(legal)) {
      throw new IllegalArgumentException(dir + " is not a corpus built by 'papers4j saullm corpus build' (no legal/)");
    }
    List<Doc> out = new ArrayList<>();
    for (Path type : list(legal)) {
      Path f = type.resolve(heldOut ? "heldout.jsonl" : "train.jsonl");
      if (!Files.isRegularFile(f)) continue;
      try {
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          if (line.isBlank()) continue;
          Map<String, Object> row = JSON.readValue(line, new TypeReference<LinkedHashMap<String, Object>>() {});
          @SuppressWarnings("unchecked")
          Map<String, Object> meta = (Map<String, Object>) row.getOrDefault("meta", Map.of());
          out.add(new Doc((String) row.get("type"), (String) row.get("id"), (String) row.get("origin"),
              (String) row.get("text"), meta, heldOut));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("malformed corpus file " + f + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  static String json(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Path> list(Path dir) {
    if (!Files.isDirectory(dir)) return List.of();
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  static String read(Path p) {
    try {
      return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    }
  }

  /** Copyright-line facts of a DEP-5 file. */
  static final class Dep5 {
    private static final Pattern YEARS = Pattern.compile("\\b(19[6-9]\\d|20[0-4]\\d)\\b");

    private Dep5() {}

    static Map<String, Object> facts(String text) {
      Map<String, Object> m = new LinkedHashMap<>();
      String licence = null;
      List<String> holders = new ArrayList<>();
      List<String> years = new ArrayList<>();
      boolean inCopyright = false;
      boolean filesStar = false;
      for (String line : text.split("\n")) {
        if (line.startsWith("Files:")) {
          filesStar = line.substring(6).strip().equals("*");
          inCopyright = false;
        } else if (line.startsWith("Copyright:")) {
          inCopyright = filesStar;
          if (filesStar) holderLine(line.substring(10), holders, years);
        } else if (line.startsWith("License:")) {
          inCopyright = false;
          if (filesStar && licence == null) licence = line.substring(8).strip();
        } else if (inCopyright && (line.startsWith(" ") || line.startsWith("\t"))) {
          holderLine(line, holders, years);
        } else {
          inCopyright = false;
        }
      }
      if (licence != null) m.put("license", licence);
      m.put("holders", holders);
      m.put("years", years);
      return m;
    }

    private static void holderLine(String raw, List<String> holders, List<String> years) {
      String s = raw.strip();
      if (s.isEmpty() || s.equals(".")) return;
      Matcher y = YEARS.matcher(s);
      while (y.find()) if (!years.contains(y.group(1))) years.add(y.group(1));
      String h = s.replaceAll("(?i)^(copyright|\\(c\\)|©)\\s*", "").replaceAll("^[0-9,\\-\\s]+", "").strip();
      if (!h.isEmpty() && !holders.contains(h)) holders.add(h);
    }
  }
}
