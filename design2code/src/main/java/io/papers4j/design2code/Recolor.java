package io.papers4j.design2code;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Entities;

/**
 * The re-colouring step of the official OCR-free block detector ({@code process_html}): every
 * element gets a transparent background, and every text-bearing element (p, h1–h6, div, span, a,
 * b, li, table, td, th, button, footer, header, figcaption) gets its own text colour from a pool of
 * 16³ colours (each channel 10, 26, …, 250, shifted by {@code offset} mod 256) with opacity 1.
 */
public final class Recolor {
  private Recolor() {}

  static final Set<String> TEXT_TAGS =
      Set.of("p", "h1", "h2", "h3", "h4", "h5", "h6", "div", "span", "a", "b", "li", "table", "td", "th",
          "button", "footer", "header", "figcaption");

  /** The official ColorPool: channel values 10..250 step 16, popped from the end. */
  static final class ColorPool {
    private final List<String> pool = new ArrayList<>();

    ColorPool(int offset) {
      for (int r = 10; r <= 250; r += 16)
        for (int g = 10; g <= 250; g += 16)
          for (int b = 10; b <= 250; b += 16)
            pool.add(String.format("%02X%02X%02X", (r + offset) % 256, (g + offset) % 256, (b + offset) % 256));
    }

    String pop() {
      if (pool.isEmpty()) throw new IllegalStateException("more than 4096 text elements: the colour pool is exhausted");
      return pool.remove(pool.size() - 1);
    }
  }

  /** Parses HTML the way the rest of the module does. */
  static Document parse(String html) {
    Document doc = Jsoup.parse(html);
    doc.outputSettings().prettyPrint(false).charset("US-ASCII").escapeMode(Entities.EscapeMode.base);
    return doc;
  }

  /** Returns the re-coloured document (the input is not modified). */
  public static Document recolor(String html, int offset) {
    Document doc = parse(html);
    for (Element e : doc.getAllElements()) {
      if (e == doc) continue;
      updateStyle(e, "background-color", "rgba(255, 255, 255, 0.0)");
    }
    ColorPool pool = new ColorPool(offset);
    for (Element e : doc.getAllElements()) {
      if (e == doc || !TEXT_TAGS.contains(e.normalName())) continue;
      updateStyle(e, "color", "#" + pool.pop());
      updateStyle(e, "opacity", "1.0");
    }
    return doc;
  }

  /**
   * Official {@code update_style}: drop declarations starting with the property name, append
   * "{@code prop: value !important}", join with "; ".
   */
  static void updateStyle(Element e, String prop, String value) {
    List<String> kept = new ArrayList<>();
    for (String s : e.attr("style").split(";", -1)) {
      String t = PyStr.strip(s);
      if (!t.startsWith(prop) && !t.isEmpty()) kept.add(s);
    }
    kept.add(prop + ": " + value + " !important");
    e.attr("style", PyStr.strip(String.join("; ", kept)));
  }

  /** Inline text colour of an element as the official {@code get_color} reads it, or null. */
  static String inlineColor(Element e) {
    if (!e.hasAttr("style")) return null;
    String last = null;
    for (String s : e.attr("style").split(";", -1))
      if (s.contains("color") && !s.contains("background-color")) last = s;
    if (last == null) return null;
    String[] kv = last.split(":", -1);
    if (kv.length < 2) return null;
    String color = PyStr.strip(kv[1]).replace(" !important", "");
    if (color.isEmpty()) return null;
    if (color.charAt(0) == '#') return color;
    try {
      int[] rgb;
      if (color.startsWith("rgb")) {
        String[] parts = color.substring(4, color.length() - 1).split(",", -1);
        rgb = new int[parts.length];
        for (int k = 0; k < parts.length; k++) rgb[k] = Integer.parseInt(PyStr.strip(parts[k]));
        if (rgb.length != 3) return null;
      } else {
        rgb = NamedColors.rgb(color.toLowerCase(Locale.ROOT));
        if (rgb == null) return null;
      }
      return String.format("#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
    } catch (RuntimeException ex) {
      return null; // the official code warns and falls back to the parent colour
    }
  }
}
