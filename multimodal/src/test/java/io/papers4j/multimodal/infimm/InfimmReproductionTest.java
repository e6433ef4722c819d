package io.papers4j.multimodal.infimm;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.report.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfimmReproductionTest {
  @Test
  void smokePresetRunsEndToEndAndWritesItsReport(@TempDir Path dir) throws Exception {
    Result r = new InfimmReproduction().run("smoke", dir);
    assertThat(Files.readString(dir.resolve("README.md"))).contains("| dynamic_no_pe |").contains("Claims").contains("| digit |")
        .contains("on the moving digit").contains("digit stage").contains("| part | calls | seconds |").contains("| arm | digit, own image | another page's image | black image |").contains("| stage 3 DYNAMIC | 6 |").contains("| vision pretraining | 1 |")
        .contains(" general, 8 held-out |").contains("general within 3 on the 8 held-out general questions")
        .contains("| arm, per seed | digit | table | general, held-out |").contains("every arm of every seed starts from it");
    assertThat(Files.exists(dir.resolve("result.json"))).isTrue();
    assertThat(Files.readString(dir.resolve("result.json"))).contains("dynamic_resampler_table_acc").contains("infimm-hd")
        .contains("base_digit_acc").contains("dynamic_digit_another_page_acc").contains("fixed_digit_black_image_acc").contains("claim_i_on_title_read")
        .contains("base_general_set_acc").contains("dynamic_resampler_general_set_acc").contains("claim_i_general_question")
        .contains("fixed_digit_acc_per_seed").contains("dynamic_general_set_acc_per_seed");
    assertThat((java.util.List<?>) r.metrics().get("dynamic_table_acc_per_seed")).hasSize(2); // the smoke preset's two seeds
  }

  /** The arms train two at a time; each draws only from its seed and stage, so every number equals a one-at-a-time run's. */
  @Test
  void theArmsTrainedTwoAtATimeEqualTheArmsTrainedOneAtATime(@TempDir Path dir) throws Exception {
    InfimmReproduction oneAtATime = new InfimmReproduction();
    oneAtATime.workers = 1;
    Result one = oneAtATime.run("smoke", dir.resolve("one"));
    Result two = new InfimmReproduction().run("smoke", dir.resolve("two"));
    assertThat(two.metrics()).isEqualTo(one.metrics());
    assertThat(one.metrics()).containsKeys("base_read_acc", "dynamic_resampler_digit_acc", "gates_below_0.05_every_1");
  }

  /** Claim (i)'s "general within 3" is computed on the held-out general set where it was scored, else on the documents'. */
  @Test
  void theLadderJudgesGeneralOnTheHeldOutSetWhenThereIsOne() {
    java.util.function.BiFunction<Double, Double, Map<String, Double>> arm = (digit, general) -> new LinkedHashMap<>(Map.of("digit", digit, "general", general));
    Map<String, Map<String, Double>> mean = new LinkedHashMap<>(Map.of("base", arm.apply(5.0, 95.0), "fixed", arm.apply(10.0, 60.0),
        "dynamic", arm.apply(30.0, 55.0)));
    assertThat(InfimmReproduction.ladder(mean, "digit")).as("documents' general moves 40 points").isFalse();
    mean.get("base").put(InfimmReproduction.GENERAL_SET, 80.0);
    mean.get("dynamic").put(InfimmReproduction.GENERAL_SET, 77.5);
    assertThat(InfimmReproduction.ladder(mean, "digit")).as("the set moves 2.5").isTrue();
    mean.get("dynamic").put(InfimmReproduction.GENERAL_SET, 76.5);
    assertThat(InfimmReproduction.ladder(mean, "digit")).as("the set moves 3.5").isFalse();
  }

  /**
   * The quick preset's stages 2-3: every second sample a general question, stage 4 every fourth (seed mod 4 = 1); the rest
   * the documents with the digit mixed in, as without them.
   */
  @Test
  void theQuickStagesAskGeneralQuestionsInEverySecondSampleOfStagesTwoAndThreeAndEveryFourthOfStageFour() {
    InfimmReproduction.Preset quick = InfimmReproduction.preset("quick");
    assertThat(quick.stage4GeneralOneIn()).isEqualTo(4);
    for (int stage = 2; stage <= 4; stage++) {
      InfimmTraining.Data data = InfimmReproduction.stageData(quick, stage, 32, 96), plain = LoneDigit.mixedInto(InfimmTraining.documents(32, 96), 7);
      java.util.List<Documents.Kind> kinds = InfimmTraining.kinds(stage);
      int general = 0;
      for (long seed = 0; seed < 1200; seed++) {
        Documents.Sample s = data.sample(seed, kinds);
        if (stage < 4 ? seed % 2 == 1 : seed % 4 == 1) {
          assertThat(s.question()).isEqualTo("background?");
          assertThat(s.answer()).isEqualTo(Documents.sample(seed, 32, 96, java.util.List.of(Documents.Kind.GENERAL)).answer());
        } else {
          assertThat(s.question()).isEqualTo(plain.sample(seed, kinds).question());
          assertThat(s.answer()).isEqualTo(plain.sample(seed, kinds).answer());
        }
        if (s.kind() == Documents.Kind.GENERAL) general++;
      }
      if (stage < 4) assertThat(general).as("stage " + stage).isBetween(600 + 40, 600 + 160); // half, plus the documents' own
      else assertThat(general).as("stage 4").isBetween(300 + 30, 300 + 180); // a quarter, plus the documents' own
    }
    InfimmReproduction.Preset full = InfimmReproduction.preset("full");
    assertThat(full.stageGeneral()).isFalse();
    assertThat(full.stage4GeneralOneIn()).isZero();
    java.util.List<Documents.Kind> kinds = InfimmTraining.kinds(4);
    for (long seed = 0; seed < 40; seed++) {
      assertThat(InfimmReproduction.stageData(full, 4, 32, 96).sample(seed, kinds).question())
          .isEqualTo(InfimmTraining.documents(32, 96).sample(seed, kinds).question());
    }
  }

  /** The held-out general set: "background?" questions, the same for every call, each background colour well represented. */
  @Test
  void theHeldOutGeneralSetIsFixedGeneralQuestionsOfEveryColour() {
    Map<String, Integer> answers = new java.util.TreeMap<>();
    for (int i = 0; i < 200; i++) {
      Documents.Sample s = InfimmReproduction.generalQuestion(i, 32, 96);
      assertThat(s.kind()).isEqualTo(Documents.Kind.GENERAL);
      assertThat(s.question()).isEqualTo("background?");
      assertThat(InfimmReproduction.generalQuestion(i, 32, 96).answer()).isEqualTo(s.answer());
      answers.merge(s.answer(), 1, Integer::sum);
    }
    assertThat(answers).hasSize(3);
    assertThat(answers.values()).allSatisfy(n -> assertThat(n).isGreaterThan(40));
  }

  /** The quick preset's digit stage: about one sample in four a document, half of those asked "background?", the rest digit pages. */
  @Test
  void theQuickDigitStageAsksEverySecondDocumentItsGeneralQuestion() {
    InfimmTraining.Data pages = InfimmReproduction.digitPages(InfimmReproduction.preset("quick"), 32, 96);
    java.util.List<Documents.Kind> kinds = InfimmTraining.kinds(1);
    int captioned = 0, asked = 0;
    for (long seed = 0; seed < 1600; seed++) {
      Documents.Sample s = pages.sample(seed, kinds, 4.0);
      if (s.caption() == null) {
        asked++;
        Documents.Sample d = Documents.sample(seed, 32, 96, java.util.List.of(Documents.Kind.GENERAL));
        assertThat(s.question()).isEqualTo("background?");
        assertThat(s.answer()).isEqualTo(d.answer());
      } else if (s.caption().contains(" page, ")) {
        captioned++;
        assertThat(s.caption()).isEqualTo(Documents.sample(seed, 32, 96, kinds).caption());
      } else {

        assertThat(s.caption()).isEqualTo(LoneDigit.anywhere(seed, 4.0).caption());
      }
    }
    assertThat(captioned + asked).as("about one in four of 1,600").isBetween(320, 480);
    assertThat(asked).as("about half of the documents").isBetween((captioned + asked) * 2 / 5, (captioned + asked) * 3 / 5);
  }
}
