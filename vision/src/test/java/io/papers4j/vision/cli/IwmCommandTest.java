package io.papers4j.vision.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.tensor.Engine;
import io.papers4j.vision.iwm.IwmCheckpoint;
import io.papers4j.vision.iwm.IwmConfig;
import io.papers4j.vision.iwm.IwmModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code papers4j iwm ...}: bad input gives one readable line naming the command and the problem. */
class IwmCommandTest {
  @TempDir static Path dir;
  static Path model;

  @BeforeAll
  static void tinyCheckpoint() {
    Engine.init(1);
    model = dir.resolve("tiny");
    IwmCheckpoint.save(model, new IwmModel(new IwmConfig(16, 4, 16, 1, 2, 16, 1, 2, "feature"), 1), Map.of("step", 0));
  }

  /** Runs {@code iwm args...} with the CLI's error convention; returns stderr, asserting a non-zero exit. */
  private static String fails(String... args) {
    CommandLine cl = new CommandLine(new IwmCommand());
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    cl.setExecutionExceptionHandler((e, c, p) -> {
      c.getErr().println("papers4j " + c.getCommandSpec().qualifiedName() + ": error: " + e.getMessage());
      return 1;
    });
    assertThat(cl.execute(args)).as(String.join(" ", args)).isNotEqualTo(0);
    String text = err.toString();
    assertThat(text).as("no stack trace").doesNotContain("\tat ");
    return text;
  }

  @Test
  void trainRejectsBadOptionsBeforeTraining() {
    String out = dir.resolve("o").toString();
    assertThat(fails("train", "--conditioning", "film", "--out", out)).contains("iwm train: error:").contains("none, feature or sequence");
    assertThat(fails("train", "--augment", "blur", "--out", out)).contains("--augment must be jitter or jitter+destructive");
    assertThat(fails("train", "--steps", "0", "--out", out)).contains("steps and batch must be >= 1");
    assertThat(fails("train", "--predictor-depth", "0", "--out", out)).contains("predictor width");
    assertThat(fails("train", "--data", "mnist", "--out", out)).contains("--data must be shapes, tango, emoji or photos");
    assertThat(fails("train", "--crop-scale", "2", "--out", out)).contains("crop scale must be 0 (no crop) or in (0, 1]");
    assertThat(fails("train", "--conditioning", "feature")).contains("--out");
    assertThat(Files.exists(dir.resolve("o"))).isFalse();
  }

  @Test
  void evaluationCommandsNameTheBadInput() throws Exception {
    assertThat(fails("mrr", "--model", dir.resolve("missing").toString())).contains("iwm mrr: error:").contains("missing");
    assertThat(fails("probe", "--model", model.toString(), "--head", "svm")).contains("--head must be linear or attentive");
    assertThat(fails("finetune", "--model", model.toString(), "--what", "decoder")).contains("--what must be predictor, random-predictor, encoder or end-to-end");
    assertThat(fails("mrr", "--model", model.toString(), "--data", "tango")).contains("--data tango needs 32 px models");
    assertThat(fails("mrr", "--model", model.toString(), "--bank", "1")).contains("--bank must be >= 2");
    Path foreign = dir.resolve("foreign");
    Files.createDirectories(foreign);
    Files.writeString(foreign.resolve("config.json"), "{\"model_type\": \"llama\"}");
    assertThat(fails("probe", "--model", foreign.toString())).contains("expected iwm");
  }

  /** Every verb of the issue answers {@code --help} with exit 0 and lists the options the issue names. */
  @Test
  void everyVerbHasHelpWithTheIssuesOptions() {
    Map<String, java.util.List<String>> verbs = new java.util.LinkedHashMap<>();
    verbs.put("train", java.util.List.of("--conditioning", "none, feature or sequence", "--predictor-depth", "--augment", "jitter or jitter+destructive", "--out"));
    verbs.put("mrr", java.util.List.of("--model", "--bank", "--images"));
    verbs.put("probe", java.util.List.of("--model", "--head", "linear", "attentive"));
    verbs.put("finetune", java.util.List.of("--model", "--what", "predictor", "random-predictor", "encoder", "end-to-end"));
    for (Map.Entry<String, java.util.List<String>> v : verbs.entrySet()) {
      CommandLine cl = new CommandLine(new IwmCommand());
      StringWriter out = new StringWriter();
      cl.setOut(new PrintWriter(out));
      assertThat(cl.execute(v.getKey(), "--help")).as(v.getKey()).isZero();
      assertThat(out.toString()).as(v.getKey()).contains("Usage: iwm " + v.getKey()).contains(v.getValue());
    }
  }

  /** {@code iwm train} writes the three checkpoint files, and {@code iwm mrr} reads them and prints chance beside the score. */
  @Test
  void trainWritesACheckpointThatMrrReads() throws Exception {
    Path out = dir.resolve("trained");
    String[] data = {"--train-images", "16", "--test-images", "4"};
    String trained = CliOutput.capture(() -> new CommandLine(new IwmCommand()).execute(java.util.stream.Stream.concat(java.util.stream.Stream.of(
        "train", "--conditioning", "sequence", "--predictor-depth", "1", "--augment", "jitter", "--steps", "2", "--batch", "4", "--out",
        out.toString()), java.util.Arrays.stream(data)).toArray(String[]::new)));
    assertThat(trained).contains("saved " + out);
    for (String f : java.util.List.of("config.json", "model.safetensors", "papers4j.json")) assertThat(out.resolve(f)).exists();
    assertThat(IwmCheckpoint.load(out).config()).isEqualTo(IwmConfig.small("sequence", 1));
    String mrr = CliOutput.capture(() -> new CommandLine(new IwmCommand()).execute(java.util.stream.Stream.concat(java.util.stream.Stream.of(
        "mrr", "--model", out.toString(), "--images", "2", "--bank", "4"), java.util.Arrays.stream(data)).toArray(String[]::new)));
    assertThat(mrr).contains("on 2 images").contains("chance H_4/4 = 0.5208");
  }

  /** The evaluation verbs with the model's forward passes under bf16 autocast: each prints a finite score. */
  @Test
  void evaluationCommandsRunInBf16() throws Exception {
    String[] tiny = {"--model", model.toString(), "--train-images", "32", "--test-images", "16", "--precision", "bf16"};
    java.util.regex.Pattern number = java.util.regex.Pattern.compile("(?:MRR|top-1) (-?[0-9.]+|NaN|-?Infinity)");
    for (String[] args : java.util.List.of(new String[] {"mrr", "--images", "4", "--bank", "4"}, new String[] {"probe", "--epochs", "2"},
        new String[] {"probe", "--head", "attentive", "--steps", "2"}, new String[] {"finetune", "--what", "predictor", "--steps", "2"},
        new String[] {"finetune", "--what", "encoder", "--steps", "2"}, new String[] {"finetune", "--what", "end-to-end", "--steps", "2"})) {
      String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(tiny)).toArray(String[]::new);
      String out = CliOutput.capture(() -> new CommandLine(new IwmCommand()).execute(all));
      assertThat(out).as(String.join(" ", args)).contains("bf16");
      java.util.regex.Matcher x = number.matcher(out);
      assertThat(x.find()).as(out).isTrue();
      assertThat(Double.parseDouble(x.group(1))).as(out).isFinite();
    }
  }
}
