package io.papers4j.multimodal.mlmfilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class AnswerFormatTest {
  private static final WebPool.Sources SCENES_ONLY = new WebPool.Sources(0, Path.of("/nonexistent"), 0, Path.of("/nonexistent"));

  @Test
  void each_format_writes_the_score_as_documented_and_the_parser_reads_it_back() {
    assertThat(AnswerFormat.PLAIN.answer(Metric.ITM, 95, false, "matches")).isEqualTo("95\nmatches");
    assertThat(AnswerFormat.PADDED.answer(Metric.ITM, 95, false, "matches")).isEqualTo("095\nmatches");
    assertThat(AnswerFormat.TWO_DIGITS.answer(Metric.ITM, 100, true, "matches")).isEqualTo("99\nmatches");
    assertThat(AnswerFormat.TWO_DIGITS.answer(Metric.CTQ, 7, true, "errors")).isEqualTo("7\nerrors");
    assertThat(AnswerFormat.PRESENCE.answer(Metric.ITM, 10, false, "other things")).isEqualTo("no\n010\nother things");
    assertThat(AnswerFormat.PRESENCE.answer(Metric.ITM, 100, true, "matches")).isEqualTo("yes\n100\nmatches");
    assertThat(AnswerFormat.PRESENCE.answer(Metric.ODF, 40, true, "1 right")).isEqualTo("040\n1 right"); // ITM only
    for (AnswerFormat f : AnswerFormat.values()) {
      for (Metric m : Metric.values()) {
        for (int s = 0; s <= 100; s++) {
          String a = f.answer(m, s, s % 2 == 0, "why");
          int expected = f == AnswerFormat.TWO_DIGITS ? Math.min(99, s) : s;
          assertThat(ScoreParser.read(a)).as(f + " " + m + " " + s).isEqualTo(OptionalInt.of(expected));
          if (f == AnswerFormat.PADDED) assertThat(a.indexOf('\n')).as("the score always ends at the fourth token").isEqualTo(3);
          if (f == AnswerFormat.TWO_DIGITS) assertThat(a.indexOf('\n')).as("never a third digit").isBetween(1, 2);
        }
      }
    }
    assertThatThrownBy(() -> AnswerFormat.PADDED.answer(Metric.ITM, 101, true, "x")).hasMessageContaining("0-100");
    assertThat(AnswerFormat.parse(" Presence ")).isEqualTo(AnswerFormat.PRESENCE);
    assertThatThrownBy(() -> AnswerFormat.parse("fixed")).hasMessage("unknown --answer-format 'fixed' (plain, padded, two_digits, presence)");
  }

  @Test
  void presence_first_itm_answers_say_whether_the_captions_first_object_is_drawn() {
    List<WebPool.Pair> pool = WebPool.build(300, 11, SCENES_ONLY);
    List<Instructions.Instruction> plain = Instructions.scored(pool, 5, 3), presence = Instructions.scored(pool, 5, 3, AnswerFormat.PRESENCE);
    assertThat(presence).hasSameSizeAs(plain);
    int yes = 0, no = 0;
    for (int i = 0; i < plain.size(); i++) {
      Instructions.Instruction a = plain.get(i), b = presence.get(i);
      assertThat(b.score()).as("the teacher's scores do not depend on the format").isEqualTo(a.score());
      if (!b.tag().equals("itm")) {
        assertThat(b.answer()).isEqualTo(AnswerFormat.PADDED.answer(Metric.ODF, b.score(), true, a.answer().substring(a.answer().indexOf('\n') + 1)));
        continue;
      }
      WebPool.Pair p = pool.get(i / 4);
      String first = b.answer().substring(0, b.answer().indexOf('\n'));
      switch (p.defect()) {
        case "clean", "swap", "partial", "noisy" -> assertThat(first).as(p.caption()).isEqualTo("yes");
        case "wrong_object", "junk" -> assertThat(first).as(p.caption()).isEqualTo("no");
        default -> { }
      }
      boolean drawn = !p.structure().mentions().isEmpty() && Captions.present(p.scene(), p.structure().mentions().get(0).shape());
      assertThat(first).isEqualTo(drawn ? "yes" : "no");
      if (drawn) yes++; else no++;
    }
    assertThat(yes).isPositive();
    assertThat(no).isPositive();
  }

  @Test
  void a_contrast_caption_on_another_scene_is_present_only_where_its_shape_is_drawn() {
    List<WebPool.Pair> pool = WebPool.build(200, 12, SCENES_ONLY);
    List<Instructions.Instruction> c = Instructions.contrast(pool, 40, 0, 1, AnswerFormat.PRESENCE);
    int absent = 0;
    for (int i = 0; i < c.size(); i++) {
      Instructions.Instruction x = c.get(i), own = c.get(i - i % 2); // (own, other) per metric
      if (!x.tag().equals("itm")) continue;
      WebPool.Pair caption = pool.stream().filter(p -> p.image() == own.image()).findFirst().orElseThrow();
      WebPool.Pair image = pool.stream().filter(p -> p.image() == x.image()).findFirst().orElseThrow();
      List<Captions.Mention> ms = caption.structure().mentions();
      boolean drawn = !ms.isEmpty() && Captions.present(image.scene(), ms.get(0).shape());
      assertThat(x.answer()).startsWith((drawn ? "yes" : "no") + "\n" + String.format("%03d", x.score()) + "\n");
      if (!drawn) absent++;
    }
    assertThat(absent).isPositive();
  }

  @Test
  void the_recipe_writes_its_format_and_defaults_to_plain() {
    MlmFilterTraining.Options o = new MlmFilterTraining.Options(1, 2, 1e-3, 0);
    MlmFilterTraining.Recipe plain = new MlmFilterTraining.Recipe(40, 40, 4, 5, true, o);
    MlmFilterTraining.Recipe padded = new MlmFilterTraining.Recipe(40, 40, 4, 5, true, o, 0, AnswerFormat.PADDED);
    assertThat(plain.format()).isEqualTo(AnswerFormat.PLAIN);
    List<Instructions.Instruction> a = MlmFilterTraining.instructions(plain, SCENES_ONLY), b = MlmFilterTraining.instructions(padded, SCENES_ONLY);
    assertThat(b).hasSameSizeAs(a);
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i).tag().equals("vqa")) assertThat(b.get(i).answer()).isEqualTo(a.get(i).answer());
      else assertThat(b.get(i).answer()).startsWith(String.format("%03d\n", a.get(i).score()));
    }
    assertThatThrownBy(() -> new MlmFilterTraining.Recipe(40, 40, 4, 5, true, o, 0, null)).hasMessageContaining("answer format");
  }
}
