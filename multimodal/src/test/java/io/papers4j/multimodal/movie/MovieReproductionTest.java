package io.papers4j.multimodal.movie;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.io.AnimatedGif;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MovieReproductionTest {
  @Test
  void smoke_preset_runs_end_to_end_and_writes_its_report(@TempDir Path dir) throws Exception {
    new MovieReproduction().run("smoke", dir);
    String readme = Files.readString(dir.resolve("README.md"));
    assertThat(readme).contains("| immobilised |").contains("| temporal |").contains("contact_sheet.png");
    assertThat(Files.readString(dir.resolve("result.json"))).contains("\"moviellm\"").contains("style_distance_immobilised")
        .contains("qa_with_synthetic_temporal_em").contains("claim_iii_synthetic_helps_temporal_most").contains("\"style_image_source\" : \"generated\"");
    assertThat(dir.resolve("contact_sheet.png")).exists();
    assertThat(dir.resolve("qa_by_type.png")).exists();
    assertThat(AnimatedGif.read(dir.resolve("example_movie/movie.gif"))).hasSize(12);
  }
}
