package io.papers4j.multimodal.mlmfilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.papers4j.core.data.NotoEmoji;
import io.papers4j.core.data.TangoIcons;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContrastInstructionsTest {
  private static final Path NONE = Path.of("/nonexistent");

  private static List<WebPool.Pair> scenes(int n, long seed) {
    return WebPool.build(n, seed, new WebPool.Sources(0, NONE, 0, NONE));
  }

  private static WebPool.Pair owner(List<WebPool.Pair> pool, Instructions.Instruction x) {
    return pool.stream().filter(p -> p.image() == x.image()).findFirst().orElseThrow();
  }

  private static java.util.Set<Integer> shapes(Scene s) {
    return s.objects().stream().map(Scene.Obj::shape).collect(java.util.stream.Collectors.toSet());
  }

  @Test
  void each_caption_is_asked_with_its_own_image_and_another_scored_by_the_oracle_from_each_scene() {
    List<WebPool.Pair> pool = scenes(120, 4);
    List<Instructions.Instruction> c = Instructions.contrast(pool, 50, 0, 1);
    assertThat(c).hasSize(200);
    int cleanPairs = 0;
    for (int i = 0; i < c.size(); i += 2) {
      Instructions.Instruction own = c.get(i), other = c.get(i + 1);
      assertThat(other.field()).isEqualTo(own.field());
      assertThat(other.tag()).isEqualTo(own.tag()).isIn("itm", "odf");
      assertThat(other.image()).isNotSameAs(own.image());
      WebPool.Pair p = owner(pool, own), q = owner(pool, other);
      assertThat(p.caption()).isEqualTo(own.field());
      assertThat(p.defect()).isNotEqualTo("junk");
      Metric m = own.tag().equals("itm") ? Metric.ITM : Metric.ODF;
      assertThat(own.score()).isEqualTo(p.truth().score(m));
      assertThat(other.score()).isEqualTo(Oracle.scene(q.scene(), p.structure()).score(m));
      assertThat(own.answer()).startsWith(own.score() + "\n");
      assertThat(other.answer()).startsWith(other.score() + "\n");
      // the point of the pairs: a clean caption names every object of its scene (ITM 100), so on a scene with other
      // shapes the same text scores lower
      if (m == Metric.ITM && p.defect().equals("clean") && !shapes(q.scene()).equals(shapes(p.scene()))) {
        assertThat(other.score()).as(p.caption()).isLessThan(own.score());
        cleanPairs++;
      }
    }
    assertThat(cleanPairs).isPositive();
  }

  @Test
  void a_clean_scene_caption_matches_its_own_scene_and_scores_as_the_oracle_says_on_another() {
    WebPool.Pair clean = scenes(200, 5).stream().filter(p -> p.defect().equals("clean")).findFirst().orElseThrow();
    assertThat(WebPool.truthWith(clean, clean).scores()).containsExactly(clean.truth().scores());
    Scene elsewhere = new Scene(List.of(new Scene.Obj((clean.scene().objects().get(0).shape() + 1) % Scene.SHAPES.size(), 0, 0, 0)), false, 3);
    WebPool.Pair other = new WebPool.Pair("x", clean.image(), "", null, elsewhere, "scene", "clean");
    Oracle.Truth t = WebPool.truthWith(clean, other);
    assertThat(t.score(Metric.ITM)).isLessThan(clean.truth().score(Metric.ITM));
    assertThat(t.scores()).containsExactly(Oracle.scene(elsewhere, clean.structure()).scores());
  }

  @Test
  void a_real_name_with_another_icon_or_emoji_scores_as_a_name_that_does_not_match() {
    assumeThat(Files.isRegularFile(NotoEmoji.DEFAULT_FONT)).as("install " + NotoEmoji.DEBIAN_PACKAGE).isTrue();
    assumeThat(Files.isDirectory(TangoIcons.DEFAULT_DIR)).as("install " + TangoIcons.DEBIAN_PACKAGE).isTrue();
    List<WebPool.Pair> pool = WebPool.build(300, 6, WebPool.Sources.standard());
    for (String source : List.of("emoji", "tango")) {
      List<WebPool.Pair> real = pool.stream().filter(p -> p.source().equals(source)).toList();
      WebPool.Pair named = real.stream().filter(p -> p.defect().equals("clean")).findFirst().orElseThrow();
      WebPool.Pair other = real.stream().filter(p -> !p.image().equal(named.image())).findFirst().orElseThrow();
      int words = named.caption().split("\\s+").length;
      Oracle.Truth expected = source.equals("emoji") ? Oracle.emoji(false, Captions.Text.FLUENT, words) : Oracle.icon(false, Captions.Text.FLUENT, words);
      assertThat(WebPool.truthWith(named, other).scores()).containsExactly(expected.scores());
      assertThat(WebPool.truthWith(named, other).score(Metric.ITM)).isLessThan(named.truth().score(Metric.ITM));
      assertThat(WebPool.truthWith(named, named).scores()).containsExactly(named.truth().scores());
      WebPool.Pair shuffled = real.stream().filter(p -> p.defect().equals("shuffled")).findFirst().orElseThrow();
      assertThat(WebPool.contrastable(shuffled)).isFalse();
    }
    WebPool.Pair scene = pool.stream().filter(p -> p.scene() != null && WebPool.contrastable(p)).findFirst().orElseThrow();
    WebPool.Pair emoji = pool.stream().filter(p -> p.source().equals("emoji")).findFirst().orElseThrow();
    assertThatThrownBy(() -> WebPool.truthWith(scene, emoji)).hasMessageContaining("scored with a emoji image");
    List<Instructions.Instruction> mixed = Instructions.contrast(pool, 80, 0, 2);
    for (int i = 0; i < mixed.size(); i += 2) assertThat(owner(pool, mixed.get(i + 1)).source()).isEqualTo(owner(pool, mixed.get(i)).source());
  }

  @Test
  void the_recipe_takes_contrast_instructions_out_of_the_scored_budget_and_leaves_the_default_unchanged() {
    WebPool.Sources none = new WebPool.Sources(0, NONE, 0, NONE);
    MlmFilterTraining.Options o = new MlmFilterTraining.Options(1, 4, 1e-3, 3);
    MlmFilterTraining.Recipe plain = new MlmFilterTraining.Recipe(80, 100, 10, 5, true, o);
    MlmFilterTraining.Recipe mixed = new MlmFilterTraining.Recipe(80, 100, 10, 5, true, o, 0.3);
    assertThat(plain.contrastShare()).isZero();
    // without contrast: 100 score-uniform instructions of the teacher, then the generic questions, as before the option
    List<WebPool.Pair> source = WebPool.build(80, 7_000_000L + 3, none);
    List<Instructions.Instruction> before = new java.util.ArrayList<>(
        ScoreUniform.sample(Instructions.scored(source, 5, 3), Instructions.Instruction::score, 100, 10, 3));
    before.addAll(Instructions.generic(source, 10, 3));
    List<Instructions.Instruction> a = MlmFilterTraining.instructions(plain, none);
    assertThat(a).extracting(Instructions.Instruction::answer).isEqualTo(before.stream().map(Instructions.Instruction::answer).toList());
    assertThat(a).extracting(Instructions.Instruction::field).isEqualTo(before.stream().map(Instructions.Instruction::field).toList());
    assertThat(mixed.contrastCaptions()).isEqualTo(7); // floor(0.3 · 100 / 4)
    List<Instructions.Instruction> m = MlmFilterTraining.instructions(mixed, none);
    assertThat(m).hasSize(a.size());
    assertThat(m.subList(72, 100)).extracting(Instructions.Instruction::tag).containsOnly("itm", "odf");
    for (int i = 72; i < 100; i += 2) assertThat(m.get(i + 1).field()).isEqualTo(m.get(i).field());
    assertThat(m.stream().filter(x -> x.tag().equals("vqa")).count()).isEqualTo(10);
    assertThatThrownBy(() -> new MlmFilterTraining.Recipe(80, 100, 10, 5, true, o, 1.0)).hasMessageContaining("--contrast-share must be in [0, 1)");
    assertThatThrownBy(() -> new MlmFilterTraining.Recipe(80, 100, 10, 5, true, o, -0.1)).hasMessageContaining("--contrast-share must be in [0, 1)");
    assertThatThrownBy(() -> Instructions.contrast(scenes(10, 1), -1, 0, 0)).hasMessageContaining(">= 0");
  }
}
