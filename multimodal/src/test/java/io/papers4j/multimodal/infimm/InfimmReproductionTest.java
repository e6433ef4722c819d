package io.papers4j.multimodal.infimm;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.report.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfimmReproductionTest {
  @Test
  void smokePresetRunsEndToEndAndWritesItsReport(@TempDir Path dir) throws Exception {
    Result r = new InfimmReproduction().run("smoke", dir);
    assertThat(Files.readString(dir.resolve("README.md"))).contains("| dynamic_no_pe |").contains("Claims").contains("| digit |")
        .contains("on the moving digit").contains("digit stage").contains("| part | calls | seconds |").contains("| arm | digit, own image | another page's image | black image |").contains("| stage 3 DYNAMIC | 3 |");
    assertThat(Files.exists(dir.resolve("result.json"))).isTrue();
    assertThat(Files.readString(dir.resolve("result.json"))).contains("dynamic_resampler_table_acc").contains("infimm-hd")
        .contains("base_digit_acc").contains("dynamic_digit_another_page_acc").contains("fixed_digit_black_image_acc").contains("claim_i_on_title_read");
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
