package io.papers4j.multimodal.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.tensor.Engine;
import io.papers4j.multimodal.infimm.ChromiumScreenshot;
import io.papers4j.multimodal.infimm.InfimmConfig;
import io.papers4j.multimodal.infimm.InfimmModel;
import io.papers4j.multimodal.infimm.VisionPretraining;
import io.papers4j.multimodal.infimm.WebPages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfimmCommandTest {
  private static String fails(String... args) {
    return CliRun.fails(new InfimmCommand(), args);
  }

  /** Runs the command and returns what it printed on stdout. */
  private static String ok(String... args) {
    return CliRun.ok(new InfimmCommand(), args);
  }

  private static Path tinyModel(Path dir) {
    new InfimmModel(new InfimmConfig(8, 32, 2, 2, 16, 16, 2, 32, 2, 2, 1, 2, 8, true, 0, 48), 1).save(dir, Map.of());
    return dir;
  }

  @Test
  void documentsDataAndEvaluationAndBadInput(@TempDir Path dir) throws Exception {
    Engine.init(2);
    Path model = tinyModel(dir.resolve("m"));
    assertThat(ok("eval", "--model", model.toString(), "--n", "4")).contains("accuracy");
    assertThat(ok("eval", "--model", model.toString(), "--n", "4", "--precision", "bf16")).contains("accuracy");
    ok("data", "documents", "--n", "2", "--out", dir.resolve("docs").toString());
    assertThat(dir.resolve("docs/001.png")).exists();
    List<String> lines = Files.readAllLines(dir.resolve("docs/questions.jsonl"));
    assertThat(lines).hasSize(2);
    assertThat(new ObjectMapper().readTree(lines.get(0)).get("image").asText()).isEqualTo("000.png");

    assertThat(ok("train", "--stage", "1", "--init-from", model.toString(), "--out", dir.resolve("raised").toString(), "--steps", "2", "--batch", "2",
        "--cross-rate", "10", "--cross-rate-from", "1", "--cross-rate-warmup", "1", "--cross-rate-decay-from", "1")).contains("stage 1: 2 steps");
    assertThat(new ObjectMapper().readTree(dir.resolve("raised/papers4j.json").toFile()).toString()).contains("\"cross_rate\"").contains("\"times\":10.0");
    JsonNode keptCls = new ObjectMapper().readTree(dir.resolve("raised/config.json").toFile());
    assertThat(keptCls.get("maskCls").asBoolean()).as("off unless asked").isFalse();
    ok("train", "--stage", "1", "--init-from", model.toString(), "--out", dir.resolve("masked").toString(), "--steps", "1", "--batch", "2", "--mask-cls");
    assertThat(new ObjectMapper().readTree(dir.resolve("masked/config.json").toFile()).get("maskCls").asBoolean()).as("recorded in config.json").isTrue();
    assertThat(InfimmModel.load(dir.resolve("masked"), null).config().maskCls()).isTrue();
    ok("train", "--stage", "1", "--init-from", model.toString(), "--out", dir.resolve("pretrained").toString(), "--steps", "1", "--batch", "2",
        "--vision-pretrain-steps", "2");
    JsonNode pretrained = new ObjectMapper().readTree(dir.resolve("pretrained/papers4j.json").toFile());
    assertThat(pretrained.toString()).as("the pretraining recorded").contains("\"vision_pretrain\"").contains("\"steps\":2")
        .contains("\"cycles\":" + VisionPretraining.DEFAULT_CYCLES);
    assertThat(InfimmModel.load(dir.resolve("pretrained"), null).vision.namedParameters().get("post_layernorm.weight")
        .equal(InfimmModel.load(model, null).vision.namedParameters().get("post_layernorm.weight"))).as("the ViT was trained").isFalse();
    assertThat(new ObjectMapper().readTree(dir.resolve("raised/papers4j.json").toFile()).toString()).as("absent unless asked").doesNotContain("vision_pretrain");
    assertThat(fails("train", "--stage", "1", "--out", dir.resolve("x").toString(), "--vision-pretrain-steps", "-1")).contains("--vision-pretrain-steps must be >= 0, got -1");
    assertThat(fails("train", "--stage", "1", "--out", dir.resolve("x").toString(), "--vision-pretrain-steps", "4", "--vision-pretrain-cycles", "5"))
        .contains("the vision pretraining cycles must be between 1 and the steps (4), got 5");
    assertThat(fails("train", "--stage", "1", "--out", dir.resolve("x").toString(), "--cross-rate", "0")).contains("--cross-rate must be a positive number, got 0.0");
    assertThat(fails("train", "--stage", "1", "--out", dir.resolve("x").toString(), "--data", "pdf")).contains("--data must be documents, web or mix, got pdf");
    assertThat(fails("eval", "--model", model.toString(), "--data", "mix")).contains("--data must be documents or web, got mix");
    assertThat(fails("eval", "--model", model.toString(), "--n", "0")).contains("--n must be >= 1");
    assertThat(fails("data", "pdf", "--out", dir.resolve("y").toString())).contains("data kind must be web or documents, got pdf");
    assertThat(fails("data", "web", "--split", "dev", "--out", dir.resolve("y").toString())).contains("--split must be train or test");
  }

  /** Real Debian pages: screenshots + questions written for a user, training on a mix, evaluation on held-out pages. */
  @Test
  void webPagesEndToEnd(@TempDir Path dir) throws Exception {
    assumeTrue(ChromiumScreenshot.available(), "the Debian package 'chromium' is not installed: web screenshots need headless Chromium");
    assumeTrue(WebPages.SOURCES.stream().anyMatch(s -> Files.isDirectory(s.dir())), "no Debian HTML documentation package (postgresql-doc-15, python3.11-doc) installed");
    Engine.init(2);
    String old = System.getProperty("papers4j.home");
    System.setProperty("papers4j.home", dir.resolve("home").toString());
    try {
      Path out = dir.resolve("web");
      ok("data", "web", "--n", "2", "--out", out.toString());
      List<String> lines = Files.readAllLines(out.resolve("questions.jsonl"));
      assertThat(lines).isNotEmpty();
      JsonNode first = new ObjectMapper().readTree(lines.get(0));
      assertThat(first.get("kind").asText()).isEqualTo("read");
      assertThat(out.resolve(first.get("image").asText())).exists();
      assertThat(javax.imageio.ImageIO.read(out.resolve(first.get("image").asText()).toFile()).getWidth()).isEqualTo(ChromiumScreenshot.WIDTH);
      try (var cached = Files.walk(dir.resolve("home/infimm/webshots"))) {
        assertThat(cached.filter(p -> p.toString().endsWith(".png")).count()).as("screenshots cached in the data home").isEqualTo(2);
      }
      Path model = tinyModel(dir.resolve("m"));
      ok("train", "--stage", "4", "--init-from", model.toString(), "--data", "mix", "--pages", "2", "--steps", "2", "--batch", "2",
          "--out", dir.resolve("m4").toString());
      assertThat(ok("eval", "--model", dir.resolve("m4").toString(), "--data", "web", "--n", "1")).contains("read");
    } finally {
      if (old == null) System.clearProperty("papers4j.home");
      else System.setProperty("papers4j.home", old);
    }
  }
}
