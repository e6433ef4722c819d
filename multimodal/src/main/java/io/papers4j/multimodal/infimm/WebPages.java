package io.papers4j.multimodal.infimm;

import io.papers4j.core.data.Papers4jHome;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Screenshots of real HTML pages from Debian's documentation packages, with reading questions taken
 * from each page's own DOM text (the issue's "screenshots of real Debian HTML pages rendered in
 * headless Chromium"). The pages come from {@code postgresql-doc-15} (DocBook: 1,169 pages) and
 * {@code python3.11-doc} (Sphinx: 530 pages), whichever are installed.
 *
 * <p>The questions are about the page's first heading ({@code <h1>} or {@code <h2>}, whichever comes
 * first; both themes put it at the top of the viewport, in large type):
 *
 * <ul>
 *   <li>"heading?" — the heading's text ("29.2. Disk Full Failure");
 *   <li>"section number?" — its leading number ("29.2", "Chapter 42." → "42", "Appendix F." → "F");
 *   <li>"name before the dash?" — the single word before " — " ("json — JSON encoder and decoder" → "json").
 * </ul>
 *
 * A question is asked only when its text and answer fit the model's {@value #MAX_TOKENS} byte tokens
 * ({@link InfimmModel#encodeText}). All are {@link Documents.Kind#READ} questions, graded by exact
 * match. The heading text is parsed from the HTML file itself: Sphinx's hidden permalink anchors
 * ({@code class="headerlink"}, shown only on hover) are dropped, tags removed, entities decoded and
 * white space collapsed, i.e. the text as the browser draws it.
 *
 * <p>Pages are split by a stable hash of their name: one in five is a held-out test page, never
 * trained on. Screenshots are cached under the data cache ({@code Papers4jHome}), never in the repository.
 */
public final class WebPages {
  /** Longest token sequence of both model presets: {@code <image>} + question + newline + answer + end of chunk. */
  public static final int MAX_TOKENS = 48;

  /** A Debian documentation package and where its HTML lives. */
  public record Source(String debianPackage, Path dir) {}

  /** The packages read here, in this order. */
  public static final List<Source> SOURCES = List.of(
      new Source("postgresql-doc-15", Path.of("/usr/share/doc/postgresql-doc-15/html")),
      new Source("python3.11-doc", Path.of("/usr/share/doc/python3.11/html")));

  /** One question about a page and its exact answer. */
  public record Question(String question, String answer) {}

  /** A page: its package, file, name ({@code package/relative/path.html}), heading and questions. */
  public record Page(String debianPackage, Path html, String name, String heading, List<Question> questions) {}

  /** Training pages or held-out test pages. */
  public enum Split { TRAIN, TEST }

  private static final Pattern HEADING_START = Pattern.compile("<h([12])(?:\\s[^>]*)?>", Pattern.CASE_INSENSITIVE);
  private static final Pattern HEADERLINK = Pattern.compile("<a\\s[^>]*class=\"headerlink\"[^>]*>.*?</a>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  private static final Pattern LINE_BREAK = Pattern.compile("<br\\s*/?>", Pattern.CASE_INSENSITIVE);
  private static final Pattern TAG = Pattern.compile("<[^>]*>", Pattern.DOTALL);
  private static final Pattern ENTITY = Pattern.compile("&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);");
  private static final Pattern NUMBER = Pattern.compile("^(?:(?:Chapter|Appendix|Part) )?((?:[0-9]+|[A-Z]|[IVXLC]+)(?:\\.[0-9]+)*)\\. \\S");
  private static final Pattern NAME_DASH = Pattern.compile("^(\\S+) \u2014 \\S");

  private WebPages() {}

  /** The first heading's visible text, or null when the document has no {@code <h1>}/{@code <h2>}. */
  public static String heading(String html) {
    Matcher m = HEADING_START.matcher(html);
    if (!m.find()) return null;
    String level = m.group(1);
    int end = html.toLowerCase(Locale.ROOT).indexOf("</h" + level, m.end());
    if (end < 0) return null;
    String inner = HEADERLINK.matcher(html.substring(m.end(), end)).replaceAll("");
    inner = LINE_BREAK.matcher(inner).replaceAll(" ");
    // headings hold inline elements only (span, code, a, em): removing a tag joins its text as drawn
    String text = decodeEntities(TAG.matcher(inner).replaceAll("")).replace("\u00b6", "");
    text = text.replace('\u00a0', ' ').replaceAll("\\s+", " ").strip();
    return text.isEmpty() ? null : text;
  }

  /** The questions of an HTML document (possibly none), in the order heading, number, name. */
  public static List<Question> questions(String html) {
    String h = heading(html);
    List<Question> out = new ArrayList<>();
    if (h == null) return out;
    add(out, "heading?", h);
    Matcher n = NUMBER.matcher(h);
    if (n.find()) add(out, "section number?", n.group(1));
    Matcher d = NAME_DASH.matcher(h);
    if (d.find()) add(out, "name before the dash?", d.group(1));
    return out;
  }

  private static void add(List<Question> out, String q, String a) {
    int tokens = 3 + q.getBytes(StandardCharsets.UTF_8).length + a.getBytes(StandardCharsets.UTF_8).length;
    if (tokens <= MAX_TOKENS) out.add(new Question(q, a));
  }

  /** Reads one page; {@code name} is how it is listed ({@code package/relative.html}). */
  public static Page read(String debianPackage, Path html, String name) {
    String text;
    try {
      text = Files.readString(html, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot read page " + html + ": " + e.getMessage());
    }
    return new Page(debianPackage, html, name, heading(text), List.copyOf(questions(text)));
  }

  /** The split a page name falls in (a stable hash: about one page in five is TEST). */
  public static Split split(String name) {
    return Math.floorMod(name.hashCode() * 0x9E3779B1, 5) == 0 ? Split.TEST : Split.TRAIN;
  }

  /**
   * {@code n} pages of {@code split} with at least one question, chosen by {@code seed} from the
   * installed packages of {@code sources} (all files sorted by name, then shuffled by the seed).
   */
  public static List<Page> pick(int n, long seed, Split split, List<Source> sources) {
    if (n < 1) throw new IllegalArgumentException("the number of pages must be >= 1, got " + n);
    List<String[]> files = new ArrayList<>(); // {package, path, name}
    for (Source s : sources) {
      if (!Files.isDirectory(s.dir())) continue;
      try (Stream<Path> walk = Files.walk(s.dir())) {
        walk.filter(p -> p.getFileName().toString().endsWith(".html") && Files.isRegularFile(p))
            .filter(p -> !s.dir().relativize(p).toString().startsWith("_"))
            .forEach(p -> files.add(new String[] {s.debianPackage(), p.toString(), s.debianPackage() + "/" + s.dir().relativize(p)}));
      } catch (IOException | RuntimeException e) {
        throw new IllegalStateException("cannot list " + s.dir() + ": " + e.getMessage());
      }
    }
    if (files.isEmpty()) {
      throw new IllegalStateException("no Debian HTML documentation found (looked in "
          + sources.stream().map(s -> s.dir().toString()).toList() + "): install the Debian packages "
          + sources.stream().map(Source::debianPackage).toList() + " (listed in scripts/deps/multimodal.run)");
    }
    files.sort((a, b) -> a[2].compareTo(b[2]));
    Collections.shuffle(files, new Random(seed));
    List<Page> out = new ArrayList<>();
    for (String[] f : files) {
      if (split(f[2]) != split) continue;
      Page p = read(f[0], Path.of(f[1]), f[2]);
      if (!p.questions().isEmpty()) out.add(p);
      if (out.size() == n) return out;
    }
    throw new IllegalStateException("only " + out.size() + " " + split.name().toLowerCase(Locale.ROOT)
        + " pages with questions are installed; asked for " + n);
  }

  /** {@link #pick(int, long, Split, List)} from {@link #SOURCES}. */
  public static List<Page> pick(int n, long seed, Split split) {
    return pick(n, seed, split, SOURCES);
  }

  /** Where the screenshot of {@code page} at {@code chromium}'s window is cached. */
  public static Path cached(Page page, ChromiumScreenshot chromium) {
    return Papers4jHome.resolve("infimm", "webshots", chromium.width() + "x" + chromium.height(), page.name() + ".png");
  }

  /** The screenshot of {@code page}: read from the cache, else rendered (and cached). */
  public static BufferedImage screenshot(Page page, ChromiumScreenshot chromium) {
    Path png = cached(page, chromium);
    if (Files.isRegularFile(png)) {
      try {
        BufferedImage img = ImageIO.read(png.toFile());
        if (img != null) return img;
      } catch (IOException e) {
        // an unreadable cache entry is rendered again
      }
    }
    return chromium.render(page.html(), png);
  }

  /** One sample per question of {@code page} over its screenshot (READ kind; the caption is the first answer). */
  public static List<Documents.Sample> samples(Page page, BufferedImage screenshot) {
    List<Documents.Sample> out = new ArrayList<>();
    for (Question q : page.questions()) {
      out.add(new Documents.Sample(screenshot, Documents.Kind.READ, q.question(), q.answer(), page.questions().get(0).answer()));
    }
    return out;
  }

  static String decodeEntities(String s) {
    Matcher m = ENTITY.matcher(s);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      String e = m.group(1);
      String r;
      if (e.startsWith("#x") || e.startsWith("#X")) r = codePoint(e.substring(2), 16, m.group());
      else if (e.startsWith("#")) r = codePoint(e.substring(1), 10, m.group());
      else r = switch (e) {
        case "amp" -> "&";
        case "lt" -> "<";
        case "gt" -> ">";
        case "quot" -> "\"";
        case "apos" -> "'";
        case "nbsp" -> "\u00a0";
        case "mdash" -> "\u2014";
        case "ndash" -> "\u2013";
        case "hellip" -> "\u2026";
        case "rsquo" -> "\u2019";
        case "lsquo" -> "\u2018";
        case "rdquo" -> "\u201d";
        case "ldquo" -> "\u201c";
        case "copy" -> "\u00a9";
        case "para" -> "\u00b6";
        default -> m.group(); // unknown names are drawn as written
      };
      m.appendReplacement(b, Matcher.quoteReplacement(r));
    }
    m.appendTail(b);
    return b.toString();
  }

  private static String codePoint(String digits, int radix, String original) {
    try {
      int cp = Integer.parseInt(digits, radix);
      return Character.isValidCodePoint(cp) ? new String(Character.toChars(cp)) : original;
    } catch (NumberFormatException e) {
      return original;
    }
  }
}
