package io.papers4j.design2code;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.papers4j.core.io.AtomicFiles;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Builds a Design2Code-style test set from real pages in Debian packages: the Bootstrap 5 example
 * pages ({@code libjs-bootstrap5-doc}, left-to-right ones) and PostgreSQL 15 documentation pages
 * ({@code postgresql-doc-15}). Each page is turned into a self-contained single file as the
 * paper's pipeline does (CSS inlined; script, audio, iframe, map and svg removed; external
 * links and hrefs dropped; images replaced by the {@code rick.jpg} placeholder, placeholder
 * rectangles kept at their size) and its reference screenshot is rendered.
 *
 * <p>Layout of a set directory: {@code <id>.html}, {@code <id>.png}, {@code rick.jpg},
 * {@code manifest.json}.
 */
public final class BenchmarkSet {
  public static final Path BOOTSTRAP_EXAMPLES = Path.of("/usr/share/doc/libjs-bootstrap5/examples");
  public static final Path BOOTSTRAP_CSS = Path.of("/usr/share/javascript/bootstrap5/css/bootstrap.min.css");
  public static final Path POSTGRES_DOCS = Path.of("/usr/share/doc/postgresql-doc-15/html");
  public static final String PLACEHOLDER = "rick.jpg";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * Which pages to take.
   *
   * @param bootstrap at most this many Bootstrap examples (alphabetical; 0 = none)
   * @param postgres this many PostgreSQL pages, evenly spaced over the alphabetical list of pages
   *     between {@code minBytes} and {@code maxBytes}
   * @param minBytes smallest PostgreSQL page considered (2000)
   * @param maxBytes largest PostgreSQL page considered (9000: keeps pages to a few screens)
   * @param only if non-empty, exactly these Bootstrap example names
   */
  public record Selection(int bootstrap, int postgres, int minBytes, int maxBytes, List<String> only) {
    public static Selection full() {
      return new Selection(Integer.MAX_VALUE, 40, 2000, 9000, List.of());
    }

    /** Short pages that render and score in seconds. */
    public static Selection quick() {
      return new Selection(4, 2, 2000, 6000, List.of("pricing", "sign-in", "heroes", "product", "album", "checkout"));
    }
  }

  /** One page of the set. */
  public record Entry(String id, String source, String packageName, String licence, int width, int height, int htmlBytes) {}

  private BenchmarkSet() {}

  /** Builds the set into {@code out} (created if needed) and returns its entries. */
  public static List<Entry> build(Path out, Selection sel, Chromium browser) throws IOException {
    Files.createDirectories(out);
    writePlaceholder(out.resolve(PLACEHOLDER));
    Map<String, String> pages = new LinkedHashMap<>(); // id -> html
    Map<String, String[]> meta = new LinkedHashMap<>();
    if (sel.bootstrap() > 0) {
      require(BOOTSTRAP_EXAMPLES, "libjs-bootstrap5-doc");
      require(BOOTSTRAP_CSS, "libjs-bootstrap5");
      String css = Files.readString(BOOTSTRAP_CSS, StandardCharsets.UTF_8);
      List<Path> dirs;
      try (Stream<Path> s = Files.list(BOOTSTRAP_EXAMPLES)) {
        dirs = s.filter(p -> Files.isRegularFile(p.resolve("index.html"))).sorted().toList();
      }
      int taken = 0;
      for (Path d : dirs) {
        String name = d.getFileName().toString();
        if (!sel.only().isEmpty() && !sel.only().contains(name)) continue;
        if (taken >= sel.bootstrap()) break;
        String html = bootstrapPage(d, css);
        if (html == null) continue; // right-to-left example
        pages.put("bootstrap-" + name, html);
        meta.put("bootstrap-" + name, new String[] {d.resolve("index.html").toString(), "libjs-bootstrap5-doc", "CC-BY-3.0 (docs), MIT (code)"});
        taken++;
      }
    }
    if (sel.postgres() > 0) {
      require(POSTGRES_DOCS, "postgresql-doc-15");
      String css = Files.readString(POSTGRES_DOCS.resolve("stylesheet.css"), StandardCharsets.UTF_8);
      List<Path> candidates;
      try (Stream<Path> s = Files.list(POSTGRES_DOCS)) {
        candidates =
            s.filter(p -> p.toString().endsWith(".html"))
                .filter(p -> {
                  try {
                    long n = Files.size(p);
                    return n >= sel.minBytes() && n <= sel.maxBytes();
                  } catch (IOException e) {
                    return false;
                  }
                })
                .sorted()
                .toList();
      }
      int k = Math.min(sel.postgres(), candidates.size());
      for (int i = 0; i < k; i++) {
        Path p = candidates.get((int) ((long) i * candidates.size() / k));
        String id = "postgres-" + p.getFileName().toString().replace(".html", "");
        pages.put(id, clean(Files.readString(p, StandardCharsets.UTF_8), css));
        meta.put(id, new String[] {p.toString(), "postgresql-doc-15", "PostgreSQL Licence"});
      }
    }
    List<Entry> entries = new ArrayList<>();
    for (Map.Entry<String, String> e : pages.entrySet()) {
      Path html = out.resolve(e.getKey() + ".html");
      AtomicFiles.write(html, e.getValue().getBytes(StandardCharsets.UTF_8));
      String pruned = pruneCss(e.getValue(), browser.evaluateOn(html, PRUNE_CSS_JS));
      AtomicFiles.write(html, pruned.getBytes(StandardCharsets.UTF_8));
      e.setValue(pruned);
      BufferedImage shot = browser.screenshot(html);
      Path png = out.resolve(e.getKey() + ".png");
      AtomicFiles.write(png, tmp -> ImageIO.write(shot, "png", tmp.toFile()));
      String[] m = meta.get(e.getKey());
      entries.add(new Entry(e.getKey(), m[0], m[1], m[2], shot.getWidth(), shot.getHeight(), e.getValue().length()));
    }
    AtomicFiles.write(out.resolve("manifest.json"), JSON.writeValueAsBytes(entries));
    return entries;
  }

  /**
   * Keeps, per stylesheet, only the rules that can apply to this page (what CSS inliners and
   * "critical CSS" tools do): a style rule stays if any selector, with state pseudo-classes and
   * pseudo-elements removed, matches an element; @media/@supports blocks keep their matching
   * rules; other at-rules (font-face, keyframes) stay; anything in doubt stays. The order of the
   * rules, hence the cascade, is unchanged. Returns a JSON array of CSS texts, one per sheet.
   */
  static final String PRUNE_CSS_JS =
      "(() => { const strip = s => s.replace(/::?(before|after|placeholder|marker|selection|first-line|first-letter|backdrop|file-selector-button|-webkit-[\\w-]+|-moz-[\\w-]+)/g, '')"
          + ".replace(/:(hover|focus-visible|focus-within|focus|active|visited|checked|disabled|indeterminate|invalid|valid|placeholder-shown|autofill|read-only|required|target|empty|last-child|first-child|last-of-type|first-of-type|only-child|link|not\\([^)]*\\)|nth-child\\([^)]*\\)|nth-of-type\\([^)]*\\)|nth-last-child\\([^)]*\\))/g, '');"
          + " const keep = sel => { if (sel.includes(':root')) return true; const t = strip(sel).trim();"
          + " try { return document.querySelector(t === '' || /[>+~]$/.test(t) ? '*' : t) !== null; } catch (e) { return true; } };"
          + " const walk = rules => { let out = ''; for (const r of rules) {"
          + " if (r.type === 1) { if (r.selectorText.split(',').some(keep)) out += r.cssText + '\\n'; }"
          + " else if (r.type === 4) { const i = walk(r.cssRules); if (i) out += '@media ' + r.conditionText + ' {\\n' + i + '}\\n'; }"
          + " else if (r.type === 12) { const i = walk(r.cssRules); if (i) out += '@supports ' + r.conditionText + ' {\\n' + i + '}\\n'; }"
          + " else out += r.cssText + '\\n'; } return out; };"
          + " const sheets = []; for (const sh of document.styleSheets) { try { sheets.push(walk(sh.cssRules)); } catch (e) { sheets.push(null); } }"
          + " return JSON.stringify(sheets); })()";

  /** Replaces the i-th {@code <style>} of the page by the i-th pruned sheet (null = keep). */
  static String pruneCss(String html, String sheetsJson) throws IOException {
    String[] sheets = JSON.readValue(sheetsJson, String[].class);
    Document doc = Recolor.parse(html);
    doc.outputSettings().charset("UTF-8");
    List<Element> styles = doc.select("style");
    if (styles.size() != sheets.length) return html; // unexpected sheet structure: keep everything
    for (int i = 0; i < sheets.length; i++) {
      if (sheets[i] == null) continue;
      Element st = styles.get(i);
      st.empty();
      st.appendChild(new org.jsoup.nodes.DataNode(sheets[i]));
    }
    return doc.outerHtml();
  }

  /** Reads a set's manifest. */
  public static List<Entry> read(Path dir) throws IOException {
    Path m = dir.resolve("manifest.json");
    if (!Files.isRegularFile(m)) throw new IOException("not a Design2Code set (no manifest.json): " + dir + " — run 'papers4j design2code build-set --out " + dir + "'");
    return List.of(JSON.readValue(m.toFile(), Entry[].class));
  }

  private static void require(Path p, String pkg) throws IOException {
    if (!Files.exists(p)) throw new IOException(p + " is missing: install the Debian package '" + pkg + "' (scripts/setup --reproduce)");
  }

  /**
   * A Bootstrap example is a Jekyll fragment: YAML front matter (title, extra_css, body_class,
   * html_class, direction) and a body. Returns a full page, or null for right-to-left examples.
   */
  static String bootstrapPage(Path dir, String bootstrapCss) throws IOException {
    String src = Files.readString(dir.resolve("index.html"), StandardCharsets.UTF_8);
    Map<String, String> front = new LinkedHashMap<>();
    List<String> extraCss = new ArrayList<>();
    String body = src;
    if (src.startsWith("---")) {
      int end = src.indexOf("\n---", 3);
      String yaml = src.substring(3, end);
      body = src.substring(src.indexOf('\n', end + 1) + 1);
      String list = null;
      for (String line : yaml.split("\n")) {
        if (line.startsWith("  - ") && list != null) {
          if (list.equals("extra_css")) extraCss.add(unquote(line.substring(4).trim()));
        } else if (line.contains(":")) {
          String k = line.substring(0, line.indexOf(':')).trim();
          String v = line.substring(line.indexOf(':') + 1).trim();
          front.put(k, unquote(v));
          list = v.isEmpty() ? k : null;
        }
      }
    }
    if ("rtl".equals(front.get("direction"))) return null;
    body = expandShortcodes(body);
    StringBuilder css = new StringBuilder(bootstrapCss);
    for (String c : extraCss) {
      if (c.startsWith("http")) continue; // external fonts: removed, as external links are
      Path f = dir.resolve(c).normalize();
      if (Files.isRegularFile(f)) css.append('\n').append(Files.readString(f, StandardCharsets.UTF_8));
    }
    String htmlClass = front.getOrDefault("html_class", "");
    String page =
        "<!doctype html><html lang=\"en\"" + (htmlClass.isEmpty() ? "" : " class=\"" + htmlClass + "\"") + "><head><meta charset=\"utf-8\">"
            + "<title>" + front.getOrDefault("title", dir.getFileName().toString()) + "</title></head>"
            + "<body" + (front.getOrDefault("body_class", "").isEmpty() ? "" : " class=\"" + front.get("body_class") + "\"") + ">"
            + body + "</body></html>";
    return clean(page, css.toString());
  }

  private static final java.util.regex.Pattern SHORTCODE = java.util.regex.Pattern.compile("\\{\\{<\\s*(/?)([\\w.]+)([^>]*)>\\}\\}");
  private static final java.util.regex.Pattern ATTR = java.util.regex.Pattern.compile("(\\w+)=\"([^\"]*)\"");

  /**
   * Expands the Hugo shortcodes the examples use: {@code year} and {@code param docs_version}
   * become text, {@code placeholder} becomes a placeholder image of the given size and classes
   * (the paper's "blue rectangle" placeholders), {@code docsref} a dead link, the rest vanish.
   */
  static String expandShortcodes(String body) {
    java.util.regex.Matcher m = SHORTCODE.matcher(body);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String name = m.group(2), args = m.group(3), rep = "";
      if (m.group(1).isEmpty()) {
        switch (name) {
          case "year" -> rep = "2022";
          case "param" -> rep = "5.2";
          case "docsref" -> rep = "#";
          case "placeholder" -> {
            StringBuilder img = new StringBuilder("<img src=\"" + PLACEHOLDER + "\" class=\"bd-placeholder-img");
            java.util.regex.Matcher a = ATTR.matcher(args);
            Map<String, String> at = new LinkedHashMap<>();
            while (a.find()) at.put(a.group(1), a.group(2));
            if (at.containsKey("class")) img.append(' ').append(at.get("class"));
            img.append('"');
            if (at.containsKey("width")) img.append(" width=\"").append(at.get("width")).append('"');
            if (at.containsKey("height")) img.append(" height=\"").append(at.get("height")).append('"');
            rep = img.append(">").toString();
          }
          default -> rep = "";
        }
      }
      m.appendReplacement(sb, java.util.regex.Matcher.quoteReplacement(rep));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private static String unquote(String s) {
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
  }

  /**
   * The paper's page clean-up: inline the CSS, drop scripts/audio/iframes/maps/svg and external
   * links, remove hrefs, and point every image at the placeholder (placeholder SVG rectangles
   * become placeholder images of the same size so the layout is kept).
   */
  static String clean(String html, String css) {
    Document doc = Recolor.parse(html);
    doc.outputSettings().charset("UTF-8");
    doc.select("link").remove();
    doc.select("script, audio, iframe, map, noscript").remove();
    for (Element svg : doc.select("svg")) {
      if (svg.hasClass("bd-placeholder-img")) {
        Element img = new Element("img").attr("src", PLACEHOLDER);
        for (String a : new String[] {"width", "height", "class"}) if (svg.hasAttr(a)) img.attr(a, svg.attr(a));
        svg.replaceWith(img);
      } else {
        svg.remove();
      }
    }
    for (Element img : doc.select("img, video, source")) {
      img.attr("src", PLACEHOLDER);
      img.removeAttr("srcset");
    }
    for (Element a : doc.select("[href]")) a.removeAttr("href");
    doc.head().prependElement("style").appendChild(new org.jsoup.nodes.DataNode(css));
    if (doc.head().selectFirst("meta[charset]") == null) doc.head().prependElement("meta").attr("charset", "utf-8");
    return doc.outerHtml();
  }

  /** A deterministic stand-in photo for {@code rick.jpg} (the official placeholder image is not shipped). */
  public static void writePlaceholder(Path p) {
    if (Files.exists(p)) return;
    BufferedImage img = new BufferedImage(400, 300, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setPaint(new GradientPaint(0, 0, new Color(70, 110, 170), 400, 300, new Color(200, 170, 120)));
    g.fillRect(0, 0, 400, 300);
    g.setColor(new Color(60, 60, 60));
    g.fillOval(150, 60, 100, 110);
    g.fillRect(120, 180, 160, 120);
    g.dispose();
    AtomicFiles.write(p, tmp -> ImageIO.write(img, "jpg", tmp.toFile()));
  }
}
