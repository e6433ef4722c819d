package io.papers4j.design2code;

import java.util.ArrayList;
import java.util.List;
import org.jsoup.nodes.Comment;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;

/** The paper's three prompting methods, worded as in the official {@code prompting/gpt4v.py}. */
public final class Prompts {
  private Prompts() {}

  private static final String TAIL =
      "Include all CSS code in the HTML file itself.\n"
          + "If it involves any images, use \"rick.jpg\" as the placeholder.\n"
          + "Some images on the webpage are replaced with a blue rectangle as the placeholder, use \"rick.jpg\" for those as well.\n"
          + "Do not hallucinate any dependencies to external files. You do not need to include JavaScript scripts for dynamic interactions.\n"
          + "Pay attention to things like size, text, position, and color of all the elements, as well as the overall layout.\n";

  /** Direct prompting: screenshot + instruction. */
  public static String direct() {
    return "You are an expert web developer who specializes in HTML and CSS.\n"
        + "A user will provide you with a screenshot of a webpage.\n"
        + "You need to return a single html file that uses HTML and CSS to reproduce the given website.\n"
        + TAIL
        + "Respond with the content of the HTML+CSS file:\n";
  }

  /** Text-augmented prompting: the reference's visible texts are given too. */
  public static String textAugmented(List<String> texts) {
    return "You are an expert web developer who specializes in HTML and CSS.\n"
        + "A user will provide you with a screenshot of a webpage, along with all texts that they want to put on the webpage.\n"
        + "The text elements are:\n" + String.join("\n", texts) + "\n"
        + "You should generate the correct layout structure for the webpage, and put the texts in the correct places so that the resultant webpage will look the same as the given one.\n"
        + "You need to return a single html file that uses HTML and CSS to reproduce the given website.\n"
        + TAIL
        + "Respond with the content of the HTML+CSS file (directly start with the code, do not add any additional explanation):\n";
  }

  /**
   * Self-revision prompting: the previous (text-augmented) HTML and the texts; the request also
   * carries the reference screenshot and the screenshot of the previous output. The official code
   * joins the already-joined text string character by character; we pass the list once, as the
   * prompt intends (documented in docs/design2code.md).
   */
  public static String revision(String previousHtml, List<String> texts) {
    return "You are an expert web developer who specializes in HTML and CSS.\n"
        + "I have an HTML file for implementing a webpage but it has some missing or wrong elements that are different from the original webpage. The current implementation I have is:\n"
        + previousHtml + "\n\n"
        + "I will provide the reference webpage that I want to build as well as the rendered webpage of the current implementation.\n"
        + "I also provide you all the texts that I want to include in the webpage here:\n"
        + String.join("\n", texts) + "\n\n"
        + "Please compare the two webpages and refer to the provided text elements to be included, and revise the original HTML implementation to make it look exactly like the reference webpage. Make sure the code is syntactically correct and can render into a well-formed webpage. You can use \"rick.jpg\" as the placeholder image file.\n"
        + "Pay attention to things like size, text, position, and color of all the elements, as well as the overall layout.\n"
        + "Respond directly with the content of the new revised and improved HTML file without any extra explanations:\n";
  }

  /**
   * Official {@code extract_text_from_html}: comments and style elements removed, then every
   * stripped non-empty text node outside script (and not the literal "html"), newlines → spaces,
   * whitespace runs collapsed.
   */
  public static List<String> visibleTexts(String html) {
    Document doc = Recolor.parse(html);
    doc.select("style").remove();
    List<String> out = new ArrayList<>();
    collect(doc, out);
    return out;
  }

  private static void collect(Node n, List<String> out) {
    if (n instanceof Comment) return;
    if (n instanceof TextNode t) {
      Node parent = t.parent();
      if (parent instanceof Element e && e.normalName().equals("script")) return;
      String s = PyStr.strip(t.getWholeText());
      if (!s.isEmpty() && !s.equals("html")) out.add(PyStr.collapse(s.replace("\n", " ")));
      return;
    }
    for (Node c : n.childNodes()) collect(c, out);
  }

  /** Official {@code cleanup_response}: strip code fences, anything before {@code <!DOCTYPE} and after {@code </html>}. */
  public static String cleanupResponse(String response) {
    String r = response;
    if (r.startsWith("```")) r = PyStr.strip(r.substring(3));
    if (r.endsWith("```")) r = PyStr.strip(r.substring(0, r.length() - 3));
    if (r.startsWith("html")) r = PyStr.strip(r.substring(4));
    int d = r.indexOf("<!DOCTYPE");
    if (d >= 0) r = r.substring(d);
    int e = r.indexOf("</html>");
    if (e >= 0) r = r.substring(0, e) + "</html>";
    return r;
  }
}
