package io.papers4j.datapipe.filter;

import io.papers4j.core.io.AtomicFiles;
import io.papers4j.datapipe.text.RoffText;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Trains {@link LanguageIdentifier} from real text: by default Debian's translated man pages
 * ({@code /usr/share/man/<lang>/man?/*.gz}, shipped by dpkg, apt, man-db, procps...; English from
 * {@code /usr/share/man/man?}). One page in five (by a stable hash of its path) is held out for
 * evaluation.
 *
 * <p>Per language: counts of every 1..3-gram, the {@code topK} most frequent kept with add-one
 * log-probabilities log((c + 1)/(N + V)); every other gram gets the remaining mass shared evenly,
 * log((N − N_top + 1)/(N + V)/(V − K + 1)) (N grams seen, V distinct, N_top the kept grams' count).
 */
public final class LanguageIdTrainer {
  private LanguageIdTrainer() {}

  /** Directory names under /usr/share/man mapped to the language code we report. */
  static final Map<String, String> MAN_DIRS =
      Map.ofEntries(
          Map.entry("", "en"), Map.entry("da", "da"), Map.entry("de", "de"), Map.entry("es", "es"),
          Map.entry("fr", "fr"), Map.entry("it", "it"), Map.entry("ja", "ja"), Map.entry("ko", "ko"),
          Map.entry("nl", "nl"), Map.entry("pl", "pl"), Map.entry("pt", "pt"), Map.entry("pt_BR", "pt"),
          Map.entry("ro", "ro"), Map.entry("ru", "ru"), Map.entry("sv", "sv"), Map.entry("tr", "tr"),
          Map.entry("uk", "uk"), Map.entry("zh_CN", "zh"), Map.entry("zh_TW", "zh"));

  /** A labelled text with its origin. */
  public record Sample(String language, String path, String text) {}

  /** Whether a page is held out (20%, by a stable hash of its file name). */
  public static boolean heldOut(Path page) {
    return Math.floorMod(io.papers4j.datapipe.text.Hash64.of(page.getFileName().toString()), 5) == 0;
  }

  /**
   * The man pages under {@code manRoot} as plain text, at most {@code maxPerLanguage} pages per
   * language (sorted by path, so the selection is stable). English pages are many; the cap keeps
   * the classes comparable.
   */
  public static List<Sample> manPages(Path manRoot, int maxPerLanguage) throws IOException {
    List<Sample> out = new ArrayList<>();
    Map<String, Integer> taken = new HashMap<>();
    for (Map.Entry<String, String> e : new TreeMap<>(MAN_DIRS).entrySet()) {
      Path dir = e.getKey().isEmpty() ? manRoot : manRoot.resolve(e.getKey());
      if (!Files.isDirectory(dir)) continue;
      List<Path> pages;
      try (Stream<Path> s = Files.list(dir)) {
        pages =
            s.filter(p -> p.getFileName().toString().matches("man[1-8]"))
                .flatMap(LanguageIdTrainer::listGz)
                .sorted()
                .toList();
      }
      for (Path p : pages) {
        if (taken.getOrDefault(e.getValue(), 0) >= maxPerLanguage) break;
        String text = RoffText.of(readGz(p));
        if (text.length() < 200) continue;
        out.add(new Sample(e.getValue(), p.toString(), text));
        taken.merge(e.getValue(), 1, Integer::sum);
      }
    }
    return out;
  }

  private static Stream<Path> listGz(Path dir) {
    try {
      return Files.list(dir).filter(p -> p.toString().endsWith(".gz") && Files.isRegularFile(p)).toList().stream();
    } catch (IOException e) {
      return Stream.empty();
    }
  }

  static String readGz(Path p) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Fits the model on {@code samples} and writes it (gzip TSV) atomically to {@code out}. */
  public static Map<String, Long> train(List<Sample> samples, int topK, Path out) throws IOException {
    Map<String, Map<String, Long>> counts = new TreeMap<>();
    for (Sample s : samples) {
      Map<String, Long> c = counts.computeIfAbsent(s.language(), k -> new HashMap<>());
      for (String g : LanguageIdentifier.grams(s.text())) c.merge(g, 1L, Long::sum);
    }
    Map<String, Long> sizes = new TreeMap<>();
    AtomicFiles.write(out, tmp -> {
      try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(tmp));
          Writer w = new OutputStreamWriter(os, StandardCharsets.UTF_8)) {
        w.write("#langid\t" + String.join(",", counts.keySet()) + "\n");
        for (Map.Entry<String, Map<String, Long>> e : counts.entrySet()) {
          Map<String, Long> c = e.getValue();
          long n = c.values().stream().mapToLong(Long::longValue).sum();
          double denom = n + c.size() + 1;
          sizes.put(e.getKey(), n);
          List<Map.Entry<String, Long>> top =
              c.entrySet().stream()
                  .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                  .limit(topK)
                  .toList();
          // Grams outside the kept list share the rest of the mass evenly, so a language trained on
          // more text is not penalised on rare grams (a plain 1/(N+V) would be).
          long keptMass = top.stream().mapToLong(Map.Entry::getValue).sum();
          double rest = (n - keptMass + 1) / denom / (c.size() - top.size() + 1);
          w.write(e.getKey() + "\t<unseen>\t" + (float) Math.log(rest) + "\n");
          for (Map.Entry<String, Long> g : top) {
            w.write(e.getKey() + "\t" + g.getKey() + "\t" + (float) Math.log((g.getValue() + 1) / denom) + "\n");
          }
        }
      }
    });
    return sizes;
  }

  /** Trains on the non-held-out man pages: {@code LanguageIdTrainer OUT.tsv.gz [manRoot] [topK]}. */
  public static void main(String[] args) throws IOException {
    Path out = Path.of(args.length > 0 ? args[0] : "langid.tsv.gz");
    Path root = Path.of(args.length > 1 ? args[1] : "/usr/share/man");
    int topK = args.length > 2 ? Integer.parseInt(args[2]) : 2500;
    List<Sample> all = manPages(root, 400);
    List<Sample> train = all.stream().filter(s -> !heldOut(Path.of(s.path()))).toList();
    Map<String, Long> sizes = train(train, topK, out);
    System.out.println("trained on " + train.size() + " pages; grams per language: " + sizes);
  }
}
