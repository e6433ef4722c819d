package io.papers4j.design2code;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;

/**
 * Graded candidates made from a reference page, each imitating one kind of generation error, for
 * the metric-behaviour study of the reproduction.
 */
public final class Degradations {
  private Degradations() {}

  /** The variants, in the order they are reported. */
  public enum Variant {
    IDENTICAL("identical", "the reference itself"),
    COLORS_STRIPPED("colors_stripped", "all text black, all backgrounds and borders neutral; layout untouched"),
    LAYOUT_SHUFFLED("layout_shuffled", "children of every element put in a seeded random order"),
    TRUNCATED("truncated", "body HTML cut at 60% of its length (head and CSS kept), as a generation stopped by the token limit"),
    TEXT_ONLY("text_only", "the visible texts as plain paragraphs, no layout or style");
    public final String key, description;

    Variant(String key, String description) {
      this.key = key;
      this.description = description;
    }
  }

  public static String apply(Variant v, String html, long seed) {
    return switch (v) {
      case IDENTICAL -> html;
      case COLORS_STRIPPED -> stripColors(html);
      case LAYOUT_SHUFFLED -> shuffle(html, seed);
      case TRUNCATED -> truncate(html, 0.6);
      case TEXT_ONLY -> textOnly(html);
    };
  }

  /** Keeps everything before {@code <body} and the first {@code keep} share of the rest. */
  static String truncate(String html, double keep) {
    int body = html.toLowerCase(java.util.Locale.ROOT).indexOf("<body");
    int start = Math.max(0, body);
    return html.substring(0, start + (int) ((html.length() - start) * keep));
  }

  static String stripColors(String html) {
    Document doc = Recolor.parse(html);
    doc.outputSettings().charset("UTF-8");
    doc.body().appendElement("style").appendChild(new org.jsoup.nodes.DataNode(
        "*,*::before,*::after{color:#000 !important;background-color:transparent !important;"
            + "background-image:none !important;border-color:#000 !important;box-shadow:none !important}"));
    return doc.outerHtml();
  }

  static String shuffle(String html, long seed) {
    Document doc = Recolor.parse(html);
    doc.outputSettings().charset("UTF-8");
    Random rng = new Random(seed);
    for (Element e : new ArrayList<>(doc.body().getAllElements())) {
      List<Node> kids = new ArrayList<>(e.childNodes());
      long elements = kids.stream().filter(n -> n instanceof Element).count();
      if (elements < 2) continue;
      Collections.shuffle(kids, rng);
      for (Node k : kids) k.remove();
      for (Node k : kids) e.appendChild(k);
    }
    return doc.outerHtml();
  }

  static String textOnly(String html) {
    StringBuilder sb = new StringBuilder("<html><body>");
    for (String t : Prompts.visibleTexts(html)) sb.append("<p>").append(org.jsoup.nodes.Entities.escape(t)).append("</p>");
    return sb.append("</body></html>").toString();
  }
}
