package io.papers4j.multimodal.movie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotTest {
  @Test
  void grammar_writes_the_three_levels_and_round_trips_through_json(@TempDir Path dir) {
    Plot p = PlotGrammar.expand("a lost dog finds home", 3, new PlotGrammar.Size(3, 2, 2), "noir");
    assertThat(p.chapters()).hasSize(3);
    assertThat(p.chapters().get(0).scenes()).hasSize(2);
    assertThat(p.frames()).hasSize(12);
    assertThat(p.characters()).hasSize(3);
    assertThat(p.style().keyword()).isEqualTo("noir");
    assertThat(p.allQa()).extracting(Plot.Qa::type).contains("overview", "plot", "temporal");
    // every frame of a chapter is at the chapter's location and uses the characters' fixed looks
    for (Plot.Chapter c : p.chapters()) {
      for (Plot.Scene s : c.scenes()) for (Plot.Frame f : s.frames()) assertThat(f.location()).isEqualTo(c.location());
    }
    for (Plot.Frame f : p.frames()) {
      for (int i = 0; i < f.characters().size(); i++) {
        String name = f.characters().get(i);
        assertThat(f.looks().get(i)).isEqualTo(p.characters().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow().look());
        assertThat(f.description()).contains(f.looks().get(i)).startsWith("at the " + f.location());
      }
    }
    Path file = dir.resolve("plot.json");
    p.write(file);
    assertThat(Plot.read(file)).isEqualTo(p);
    assertThat(PlotGrammar.expand("a lost dog finds home", 3, new PlotGrammar.Size(3, 2, 2), "noir")).isEqualTo(p);
  }

  @Test
  void temporal_answers_follow_the_chapter_order() {
    Plot p = PlotGrammar.expand("pirates", 1, new PlotGrammar.Size(4, 1, 2), null);
    List<String> order = p.chapters().stream().map(Plot.Chapter::location).toList();
    for (Plot.Qa q : p.allQa()) {
      if (q.question().equals("where does the story begin?")) assertThat(q.answer()).isEqualTo(order.get(0));
      if (q.question().equals("where does the story end?")) assertThat(q.answer()).isEqualTo(order.get(3));
      if (q.question().startsWith("where does the story go after the ")) {
        String from = q.question().substring("where does the story go after the ".length(), q.question().length() - 1);
        assertThat(q.answer()).isEqualTo(order.get(order.indexOf(from) + 1));
      }
      if (q.type().equals("overview") && q.question().startsWith("how many")) assertThat(q.answer()).isEqualTo("four");
    }
  }

  @Test
  void questions_on_a_hand_made_clip() {
    Plot.Frame a = new Plot.Frame("x", "forest", List.of("A"), List.of("a man in red"), "walking", "calm");
    Plot.Frame b = new Plot.Frame("x", "cave", List.of("B"), List.of("a woman in blue"), "sitting", "calm");
    List<Plot.Qa> qa = PlotGrammar.questions(List.of(a, a, b), new SplittableRandom(0));
    assertThat(qa).contains(new Plot.Qa("overview", "who is the main character?", "a man in red"),
        new Plot.Qa("overview", "how many places does the story visit?", "two"),
        new Plot.Qa("plot", "who is at the cave?", "a woman in blue"),
        new Plot.Qa("temporal", "where does the story go after the forest?", "cave"),
        new Plot.Qa("temporal", "where does the story end?", "cave"));
    assertThat(qa.stream().filter(q -> q.question().startsWith("which comes first")).findFirst().orElseThrow().answer()).isEqualTo("forest");
  }

  @Test
  void flat_generation_loses_look_consistency_beyond_its_window() {
    double expanded = 0, flat = 0;
    for (long s = 0; s < 5; s++) {
      expanded += Consistency.lookConsistency(PlotGrammar.expand("a heist", s, new PlotGrammar.Size(4, 2, 3), "comic"));
      flat += Consistency.lookConsistency(PlotGrammar.flat("a heist", s, new PlotGrammar.Size(4, 2, 3), "comic", 2));
    }
    assertThat(expanded / 5).isEqualTo(1.0);
    assertThat(flat / 5).isLessThan(1.0);
    Plot f = PlotGrammar.flat("a heist", 0, new PlotGrammar.Size(4, 2, 3), "comic", 2);
    assertThat(Plot.parse(f.toJson())).isEqualTo(f);
  }

  @Test
  void schema_errors_name_the_bad_field() throws Exception {
    Plot p = PlotGrammar.expand("space", 0, new PlotGrammar.Size(2, 1, 2), "dream");
    ObjectNode root = (ObjectNode) Plot.JSON.readTree(p.toJson());
    ((ObjectNode) root.get("chapters").get(1).get("scenes").get(0).get("frames").get(1)).put("action", "dancing");
    assertThatThrownBy(() -> Plot.parse(root.toString())).hasMessage(
        "plot JSON: chapters[1].scenes[0].frames[1].action: 'dancing' is not one of " + StoryWorld.ACTIONS);
    ObjectNode r2 = (ObjectNode) Plot.JSON.readTree(p.toJson());
    r2.remove("overview");
    assertThatThrownBy(() -> Plot.parse(r2.toString())).hasMessage("plot JSON: overview: missing");
    ObjectNode r3 = (ObjectNode) Plot.JSON.readTree(p.toJson());
    ((ObjectNode) r3.get("style")).put("keyword", "baroque");
    assertThatThrownBy(() -> Plot.parse(r3.toString())).hasMessageContaining("style.keyword: 'baroque' is not one of");
    ObjectNode r4 = (ObjectNode) Plot.JSON.readTree(p.toJson());
    ((ObjectNode) r4.get("characters").get(0)).put("look", "a tall person");
    assertThatThrownBy(() -> Plot.parse(r4.toString())).hasMessageContaining("characters[0].look:");
    ObjectNode r5 = (ObjectNode) Plot.JSON.readTree(p.toJson());
    ((ObjectNode) r5.get("chapters").get(0).get("scenes").get(0).get("dialogues").get(0)).put("after", 7);
    assertThatThrownBy(() -> Plot.parse(r5.toString())).hasMessage("plot JSON: chapters[0].scenes[0].dialogues[0].after: must be a frame index in [0, 1]");
  }

  @Test
  void truncated_and_malformed_json_give_one_message(@TempDir Path dir) throws Exception {
    String json = PlotGrammar.expand("space", 0, new PlotGrammar.Size(2, 1, 2), "dream").toJson();
    assertThatThrownBy(() -> Plot.parse(json.substring(0, json.length() / 2))).hasMessageStartingWith("plot is not valid JSON (truncated or malformed)");
    assertThatThrownBy(() -> Plot.parse("[1, 2]")).hasMessage("plot JSON: (root): must be a JSON object");
    assertThatThrownBy(() -> Plot.parse("")).hasMessage("plot JSON is empty");
    assertThatThrownBy(() -> Plot.read(dir.resolve("none.json"))).hasMessageContaining("plot file not found");
    Files.writeString(dir.resolve("bad.json"), "{\"title\": 3}");
    assertThatThrownBy(() -> Plot.read(dir.resolve("bad.json"))).hasMessageEndingWith("plot JSON: title: must be a string, got number");
  }
}
