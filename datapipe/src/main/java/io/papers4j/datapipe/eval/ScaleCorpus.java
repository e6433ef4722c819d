package io.papers4j.datapipe.eval;

import io.papers4j.datapipe.JsonLines;
import io.papers4j.datapipe.eval.RealCorpus.Text;
import io.papers4j.datapipe.filter.LanguageIdTrainer;
import io.papers4j.datapipe.text.Words;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Corpora of any size (1k, 10k, 100k documents) made of real Debian text, with planted duplicates at
 * a stated rate, for the data pipeline's scale benchmark.
 *
 * <p>The real text on one machine is a few tens of MB, so a large corpus cannot be made of whole
 * distinct documents. Instead the real texts are cut into <em>units</em> of at most {@value
 * #MAX_UNIT_TOKENS} whitespace tokens (KJV verses, paragraph pieces of man pages, licences and
 * copyright files, runs of dpkg file-list lines), kept once each, and a document is {@code
 * minUnits..maxUnits} distinct units drawn from one source kind. Units are shorter than the
 * sub-document stage's 50-token window and two random documents share a unit with probability
 * about units²/pool, so documents neither repeat spans of each other nor are near-duplicates
 * except where one was planted: each document after the first is, with probability {@code
 * duplicateRate}, a copy of a uniformly drawn earlier unplanted document — half exact copies, half
 * near-duplicates at a token edit rate of 1, 2 or 5% ({@link Planter#edit}). Planted documents carry
 * {@code planted} (exact or near-RATE) and {@code of} (the source's id).
 *
 * <p>Deterministic by seed given the installed packages (the pool is read from sorted file lists);
 * the corpus of n documents is the first n documents of any larger one with the same seed and rate.
 */
public final class ScaleCorpus {
  private ScaleCorpus() {}

  /** Longest unit (tokens): below the sub-document stage's 50-token window. */
  public static final int MAX_UNIT_TOKENS = 40;

  /** Shortest unit kept (tokens). */
  static final int MIN_UNIT_TOKENS = 5;

  /**
   * @param duplicateRate probability that a document is a planted copy of an earlier one (0.1)
   * @param minUnits fewest units per document (6; with ~25-token units about 150 words)
   * @param maxUnits most units per document (18)
   */
  public record Config(double duplicateRate, int minUnits, int maxUnits, long seed) {
    public Config {
      if (duplicateRate < 0 || duplicateRate >= 1) throw new IllegalArgumentException("scale corpus: duplicateRate must be in [0, 1), got " + duplicateRate);
      if (minUnits < 1 || maxUnits < minUnits) throw new IllegalArgumentException("scale corpus: need 1 <= minUnits <= maxUnits, got " + minUnits + ".." + maxUnits);
    }

    public static Config defaults(long seed) {
      return new Config(0.10, 6, 18, seed);
    }
  }

  /** Units of one source kind and how they are joined into a document. */
  public record Kind(String name, double weight, String separator, List<String> units) {}

  /** Edit rates of planted near-duplicates. */
  public static final double[] NEAR_RATES = {0.01, 0.02, 0.05};

  /** One generated document. */
  public record ScaleDoc(String id, String source, String text, String planted, String of) {}

  /**
   * The unit pool from this machine's real text: English prose (KJV verses, English man pages,
   * licences and copyright files), translated man pages (for the language filter) and dpkg file
   * lists (real low-quality text for the heuristic rules). Kinds with no text are left out.
   */
  public static List<Kind> pool() throws IOException, InterruptedException {
    List<Kind> kinds = new ArrayList<>();
    List<String> kjv = new ArrayList<>();
    for (Text t : RealCorpus.kjvChapters(1189)) for (String verse : t.text().split("\n")) addUnits(kjv, verse, false);
    addKind(kinds, "kjv", 0.30, "\n", kjv);

    List<String> manEn = new ArrayList<>(), manForeign = new ArrayList<>();
    for (LanguageIdTrainer.Sample s : LanguageIdTrainer.manPages(Path.of("/usr/share/man"), 300)) {
      for (String para : s.text().split("\n\\s*\n")) addUnits(s.language().equals("en") ? manEn : manForeign, para, false);
    }
    addKind(kinds, "man-en", 0.25, "\n\n", manEn);
    List<String> legal = new ArrayList<>();
    for (Text t : RealCorpus.commonLicenses()) for (String para : t.text().split("\n\\s*\n")) addUnits(legal, para, false);
    for (Text t : RealCorpus.copyrightFiles(Integer.MAX_VALUE)) for (String para : t.text().split("\n\\s*\n")) addUnits(legal, para, false);
    addKind(kinds, "legal", 0.25, "\n\n", legal);
    addKind(kinds, "man-foreign", 0.12, "\n\n", manForeign);
    List<String> lists = new ArrayList<>();
    Path info = Path.of("/var/lib/dpkg/info");
    if (Files.isDirectory(info)) {
      try (Stream<Path> s = Files.list(info)) {
        for (Path p : s.filter(f -> f.toString().endsWith(".list")).sorted().toList()) addUnits(lists, Files.readString(p), true);
      }
    }
    addKind(kinds, "dpkg-list", 0.08, "\n", lists);
    int total = kinds.stream().mapToInt(k -> k.units().size()).sum();
    if (total < 1000) throw new IllegalStateException("scale corpus: found only " + total + " units of real text; is this a Debian system with bible-kjv and man pages?");
    return kinds;
  }

  private static void addKind(List<Kind> kinds, String name, double weight, String sep, List<String> units) {
    // Each unit once: a repeated unit would be a repeated span the corpus did not plant.
    List<String> distinct = new ArrayList<>(new java.util.LinkedHashSet<>(units));
    if (distinct.size() >= 100) kinds.add(new Kind(name, weight, sep, distinct));
  }

  /**
   * Cuts {@code text} into units of at most {@link #MAX_UNIT_TOKENS} tokens: consecutive tokens joined by
   * one space, or (for line lists) consecutive lines joined by newlines.
   */
  static void addUnits(List<String> out, String text, boolean lines) {
    List<String> toks = lines ? Stream.of(text.split("\n")).map(String::strip).filter(l -> !l.isEmpty()).toList() : Words.split(text);
    for (int i = 0; i < toks.size(); i += MAX_UNIT_TOKENS) {
      List<String> piece = toks.subList(i, Math.min(toks.size(), i + MAX_UNIT_TOKENS));
      if (piece.size() >= MIN_UNIT_TOKENS) out.add(String.join(lines ? "\n" : " ", piece));
    }
  }

  /** The first {@code n} documents for {@code c} over {@code pool}. */
  public static List<ScaleDoc> generate(List<Kind> pool, int n, Config c) {
    if (pool.isEmpty()) throw new IllegalArgumentException("scale corpus: empty unit pool");
    SplittableRandom rnd = new SplittableRandom(c.seed());
    double[] cum = new double[pool.size()];
    double w = 0;
    for (int k = 0; k < pool.size(); k++) cum[k] = w += pool.get(k).weight();
    List<String> vocab = new ArrayList<>();
    for (Kind k : pool) {
      if (!k.name().equals("kjv") && !k.name().equals("man-en") && !k.name().equals("legal")) continue;
      for (String u : k.units().subList(0, Math.min(2000, k.units().size()))) for (String t : Words.split(u)) if (t.chars().allMatch(Character::isLetter)) vocab.add(t);
    }
    if (vocab.isEmpty()) vocab.add("the");
    List<ScaleDoc> docs = new ArrayList<>(n);
    List<Integer> unplanted = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      if (i > 0 && rnd.nextDouble() < c.duplicateRate()) {
        ScaleDoc src = docs.get(unplanted.get(rnd.nextInt(unplanted.size())));
        if (rnd.nextBoolean()) {
          docs.add(new ScaleDoc("scale/" + i, src.source(), src.text(), "exact", src.id()));
        } else {
          double rate = NEAR_RATES[rnd.nextInt(NEAR_RATES.length)];
          String edited = Planter.edit(src.text(), rate, vocab, rnd);
          for (int tries = 0; edited.equals(src.text()) && tries < 20; tries++) edited = Planter.edit(src.text(), rate, vocab, rnd); // short texts may draw no edit
          docs.add(new ScaleDoc("scale/" + i, src.source(), edited, "near-" + rate, src.id()));
        }
        continue;
      }
      double x = rnd.nextDouble() * w;
      int k = 0;
      while (k < cum.length - 1 && x >= cum[k]) k++;
      Kind kind = pool.get(k);
      int units = c.minUnits() + rnd.nextInt(c.maxUnits() - c.minUnits() + 1);
      units = Math.min(units, kind.units().size());
      Set<Integer> used = new HashSet<>();
      StringBuilder sb = new StringBuilder();
      while (used.size() < units) {
        int u = rnd.nextInt(kind.units().size());
        if (!used.add(u)) continue;
        if (sb.length() > 0) sb.append(kind.separator());
        sb.append(kind.units().get(u));
      }
      unplanted.add(i);
      docs.add(new ScaleDoc("scale/" + i, kind.name(), sb.toString(), null, null));
    }
    return docs;
  }

  /** Cache file of the corpus of {@code n} documents under {@code dir}. */
  public static Path file(Path dir, int n, Config c) {
    return dir.resolve(String.format(Locale.ROOT, "scale-%d-seed%d-dup%.2f-u%d-%d.jsonl", n, c.seed(), c.duplicateRate(), c.minUnits(), c.maxUnits()));
  }

  /**
   * The corpus files for {@code sizes} under {@code dir}: those already there are reused (they are
   * written atomically, so a present file is complete); the missing ones are generated from one pool
   * and written. Returns the files in the order of {@code sizes}.
   */
  public static Map<Integer, Path> ensure(Path dir, List<Integer> sizes, Config c, java.io.PrintStream log) throws Exception {
    return ensure(dir, sizes, c, ScaleCorpus::pool, log);
  }

  /** Where the unit pool comes from ({@link #pool()} outside tests). */
  public interface PoolSource {
    List<Kind> get() throws Exception;
  }

  /** {@link #ensure(Path, List, Config, java.io.PrintStream)} with the pool from {@code source}, read only when a file is missing. */
  public static Map<Integer, Path> ensure(Path dir, List<Integer> sizes, Config c, PoolSource source, java.io.PrintStream log) throws Exception {
    Files.createDirectories(dir);
    Map<Integer, Path> files = new LinkedHashMap<>();
    int missing = 0;
    for (int n : sizes) {
      files.put(n, file(dir, n, c));
      if (!Files.exists(file(dir, n, c))) missing = Math.max(missing, n);
    }
    if (missing == 0) return files;
    long t0 = System.nanoTime();
    List<Kind> pool = source.get();
    List<ScaleDoc> docs = generate(pool, missing, c);
    log.printf(Locale.ROOT, "scale corpus: %,d units of real text in %d kinds, %,d documents generated (%.1f s)%n",
        pool.stream().mapToInt(k -> k.units().size()).sum(), pool.size(), docs.size(), (System.nanoTime() - t0) / 1e9);
    for (int n : sizes) if (!Files.exists(files.get(n))) write(files.get(n), docs.subList(0, n));
    return files;
  }

  /** Writes documents as JSON-lines ({@code id, text, source} and for planted ones {@code planted, of}), atomically. */
  public static void write(Path jsonl, List<ScaleDoc> docs) {
    JsonLines.write(jsonl, docs, (d, o) -> {
      o.put("id", d.id()).put("text", d.text()).put("source", d.source());
      if (d.planted() != null) o.put("planted", d.planted()).put("of", d.of());
    });
  }
}
