package io.papers4j.multimodal.infimm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebPagesTest {
  private static String resource(String name) throws Exception {
    try (var in = WebPagesTest.class.getResourceAsStream("/infimm/webpages/" + name)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  private static List<WebPages.Question> qs(String... pairs) {
    List<WebPages.Question> out = new ArrayList<>();
    for (int i = 0; i < pairs.length; i += 2) out.add(new WebPages.Question(pairs[i], pairs[i + 1]));
    return out;
  }

  /** Questions of real-shaped DocBook and Sphinx pages, exact, as written by hand and by tools/reference/infimm_web_questions.py. */
  @Test
  void questionsOfTheTestPagesAreExact() throws Exception {
    assertThat(WebPages.questions(resource("pg-section.html"))).isEqualTo(qs("heading?", "29.2. Disk Full Failure", "section number?", "29.2"));
    assertThat(WebPages.questions(resource("pg-appendix.html")))
        .isEqualTo(qs("heading?", "Appendix A. PostgreSQL Error Codes", "section number?", "A"));
    assertThat(WebPages.questions(resource("python-module.html")))
        .as("the hidden ¶ permalink is dropped, the em dash entity decoded, the <h3> of the navigation bar ignored")
        .isEqualTo(qs("heading?", "json \u2014 JSON encoder and decoder", "name before the dash?", "json"));
    assertThat(WebPages.questions(resource("python-chapter.html")))
        .as("a heading longer than the 48-token budget is not asked; its number is")
        .isEqualTo(qs("section number?", "4"));
    // the independent parse (Python's html.parser) gives the same questions for every page
    JsonNode golden = new ObjectMapper().readTree(resource("questions.json"));
    assertThat(golden.size()).isEqualTo(4);
    for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) golden::fields) {
      List<WebPages.Question> expected = new ArrayList<>();
      for (JsonNode q : e.getValue()) expected.add(new WebPages.Question(q.get(0).asText(), q.get(1).asText()));
      assertThat(WebPages.questions(resource(e.getKey()))).as(e.getKey()).isEqualTo(expected);
    }
  }

  @Test
  void headingTextIsWhatTheBrowserDraws() {
    assertThat(WebPages.heading("<p>no heading</p><h3>Navigation</h3>")).isNull();
    assertThat(WebPages.heading("<h2 class=\"title\">Part&#160;II.&#xA0;The <code>SQL</code>\n Language</h2>")).isEqualTo("Part II. The SQL Language");
    assertThat(WebPages.questions("<h2>Part II. The SQL Language</h2>")).isEqualTo(qs("heading?", "Part II. The SQL Language", "section number?", "II"));
    assertThat(WebPages.heading("<h1>a &amp; b &lt;c&gt; &bogus; &#99999999;</h1>")).isEqualTo("a & b <c> &bogus; &#99999999;");
    assertThat(WebPages.heading("<h1>  </h1>")).isNull();
    assertThat(WebPages.heading("<h1>never closed")).isNull();
    assertThat(WebPages.questions("<h2>SELECT</h2>")).isEqualTo(qs("heading?", "SELECT"));
  }

  @Test
  void pagesArePickedBySeedFromTheirSplitAndBadInputIsOneMessage(@TempDir Path dir) throws Exception {
    Path html = Files.createDirectories(dir.resolve("html"));
    for (int i = 0; i < 40; i++) Files.writeString(html.resolve("p" + i + ".html"), "<h2>" + (i + 1) + ". Page " + i + "</h2>");
    Files.writeString(html.resolve("none.html"), "<p>no heading</p>");
    Files.createDirectories(html.resolve("_static"));
    Files.writeString(html.resolve("_static/skipped.html"), "<h1>skipped</h1>");
    List<WebPages.Source> src = List.of(new WebPages.Source("fake-doc", html), new WebPages.Source("absent-doc", dir.resolve("absent")));
    List<WebPages.Page> a = WebPages.pick(5, 7, WebPages.Split.TRAIN, src), b = WebPages.pick(5, 7, WebPages.Split.TRAIN, src);
    assertThat(a).isEqualTo(b);
    assertThat(WebPages.pick(5, 8, WebPages.Split.TRAIN, src)).isNotEqualTo(a);
    List<WebPages.Page> test = WebPages.pick(3, 7, WebPages.Split.TEST, src);
    for (WebPages.Page p : a) {
      assertThat(WebPages.split(p.name())).isEqualTo(WebPages.Split.TRAIN);
      assertThat(p.name()).startsWith("fake-doc/p");
      assertThat(p.questions()).isNotEmpty();
    }
    for (WebPages.Page p : test) assertThat(WebPages.split(p.name())).isEqualTo(WebPages.Split.TEST);
    assertThat(a.stream().map(WebPages.Page::name)).doesNotContainAnyElementsOf(test.stream().map(WebPages.Page::name).toList());
    WebPages.Page p = a.get(0);
    BufferedImage img = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
    List<Documents.Sample> s = WebPages.samples(p, img);
    assertThat(s).hasSize(p.questions().size());
    assertThat(s.get(0).kind()).isEqualTo(Documents.Kind.READ);
    assertThat(s.get(0).question()).isEqualTo("heading?");
    assertThat(s.get(0).caption()).isEqualTo(p.heading());

    assertThatThrownBy(() -> WebPages.pick(41, 0, WebPages.Split.TRAIN, src)).hasMessageContaining("pages with questions are installed; asked for 41");
    assertThatThrownBy(() -> WebPages.pick(1, 0, WebPages.Split.TRAIN, List.of(new WebPages.Source("postgresql-doc-15", dir.resolve("absent")))))
        .hasMessageContaining("no Debian HTML documentation found").hasMessageContaining("postgresql-doc-15");
    assertThatThrownBy(() -> WebPages.pick(0, 0, WebPages.Split.TRAIN, src)).hasMessageContaining("must be >= 1");
    assertThatThrownBy(() -> WebPages.read("x", dir.resolve("missing.html"), "x/missing.html")).hasMessageContaining("cannot read page");
    Files.write(dir.resolve("latin1.html"), new byte[] {'<', 'h', '1', '>', (byte) 0xE9, '<'});
    assertThatThrownBy(() -> WebPages.read("x", dir.resolve("latin1.html"), "x/latin1.html")).hasMessageContaining("cannot read page");
  }

  /** --data mix: Java2D documents at even seeds, the web pool at odd seeds; a pool draw is a function of its seed. */
  @Test
  void mixAlternatesDocumentsAndThePool() {
    BufferedImage img = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
    List<Documents.Sample> pool = List.of(new Documents.Sample(img, Documents.Kind.READ, "heading?", "SELECT", "SELECT"),
        new Documents.Sample(img, Documents.Kind.READ, "section number?", "29.2", "29.2"));
    InfimmTraining.Data mix = InfimmTraining.alternate(InfimmTraining.documents(16, 40), InfimmTraining.pool(pool));
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (long seed = 0; seed < 40; seed++) {
      Documents.Sample s = mix.sample(seed, null);
      if (seed % 2 == 0) {
        assertThat(pool).doesNotContain(s);
        assertThat(s.question()).isEqualTo(Documents.sample(seed, 16, 40, null).question());
      } else {
        assertThat(pool).contains(s);
        assertThat(mix.sample(seed, null)).isSameAs(s);
        seen.add(s.answer());
      }
    }
    assertThat(seen).containsExactlyInAnyOrder("SELECT", "29.2");
    assertThatThrownBy(() -> InfimmTraining.pool(List.of())).hasMessageContaining("pool is empty");
  }
}
