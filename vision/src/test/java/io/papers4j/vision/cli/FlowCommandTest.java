package io.papers4j.vision.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.tensor.Engine;
import io.papers4j.vision.flow.FlowCheckpoint;
import io.papers4j.vision.flow.FlowConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** papers4j flow train and sample on captioned shapes at smoke size, and one message for each kind of bad input. */
class FlowCommandTest {
  @TempDir Path dir;

  @BeforeAll
  static void init() {
    Engine.init(1);
  }

  @SuppressWarnings("unchecked")
  static int run(String... args) throws Exception {
    CommandLine cl = new CommandLine(new FlowCommand());
    CommandLine.ParseResult pr = cl.parseArgs(args);
    return ((Callable<Integer>) pr.subcommand().commandSpec().userObject()).call();
  }

  @Test
  void trainThenSampleFromACaptionWritesACheckpointAGridAndOnePngPerSample() throws Exception {
    Path ck = dir.resolve("ck");
    assertThat(run("train", "--data", "shapes", "--arch", "mmdit", "--qk-norm", "--steps", "2", "--batch", "4", "--train-images", "8",
        "--threads", "1", "--out", ck.toString())).isZero();
    assertThat(ck.resolve("model.safetensors")).exists();
    assertThat(Files.readString(ck.resolve("config.json"))).contains("SD3Transformer2DModel", "\"qk_norm\" : \"rms_norm\"");
    assertThat(FlowCheckpoint.readConfig(ck).arch()).isEqualTo("mmdit");
    assertThat(dir.resolve(".ck.train")).doesNotExist();

    Path grid = dir.resolve("grid.png");
    assertThat(run("sample", "--model", ck.toString(), "--prompt", "large red circle centre", "--steps", "2", "--n", "3",
        "--out", grid.toString())).isZero();
    assertThat(grid).exists();
    try (var files = Files.list(dir.resolve("grid"))) {
      assertThat(files.count()).isEqualTo(3);
    }

    // eval: validation loss, FD/KID in the shapes classifier's features, attribute accuracy
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    java.io.PrintStream old = System.out;
    System.setOut(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      assertThat(run("eval", "--model", ck.toString(), "--samples", "6", "--steps", "2", "--classifier-steps", "2",
          "--classifier-images", "64", "--threads", "1")).isZero();
    } finally {
      System.setOut(old);
    }
    assertThat(buf.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("validation loss", "FD-Shapes", "KID-Shapes",
        "attribute-accuracy-colour", "attribute-accuracy ");
    assertThatThrownBy(() -> run("eval", "--model", ck.toString(), "--samples", "1")).hasMessageContaining("--samples must be >= 2");

    // bad input: one message each, and no grid written
    Path bad = dir.resolve("bad.png");
    assertThatThrownBy(() -> run("sample", "--model", ck.toString(), "--prompt", "  ", "--out", bad.toString()))
        .hasMessage("the prompt is empty");
    assertThatThrownBy(() -> run("sample", "--model", ck.toString(), "--prompt", "a b c d e f", "--out", bad.toString()))
        .hasMessageContaining("at most 4");
    assertThatThrownBy(() -> run("sample", "--model", ck.toString(), "--prompt", "purple circle", "--out", bad.toString()))
        .hasMessageContaining("unknown word 'purple'");
    assertThatThrownBy(() -> run("sample", "--model", ck.toString(), "--class", "3", "--out", bad.toString()))
        .hasMessageContaining("caption-conditional: use --prompt");
    assertThat(bad).doesNotExist();
    assertThat(dir.resolve("bad")).doesNotExist();
  }

  @Test
  void aMiniLmCaptionModelTrainsAndSamplesFromFreeText() throws Exception {
    Path ck = dir.resolve("mini");
    assertThat(run("train", "--data", "shapes", "--text", "minilm", "--arch", "dit", "--steps", "2", "--batch", "4", "--train-images", "8",
        "--threads", "1", "--out", ck.toString())).isZero();
    FlowConfig c = FlowCheckpoint.readConfig(ck);
    assertThat(c.conditioning()).isEqualTo("features");
    assertThat(c.contextDim()).isEqualTo(384);
    Path grid = dir.resolve("apple.png");
    assertThat(run("sample", "--model", ck.toString(), "--prompt", "a red apple", "--steps", "2", "--n", "2", "--out", grid.toString())).isZero();
    assertThat(grid).exists();
    String tooLong = "a very long prompt that has far more word pieces than the sixteen positions this model reads at all";
    assertThatThrownBy(() -> run("sample", "--model", ck.toString(), "--prompt", tooLong, "--out", dir.resolve("long.png").toString()))
        .hasMessageContaining("this model reads at most 16");
    assertThatThrownBy(() -> run("sample", "--model", ck.toString(), "--prompt", "", "--out", dir.resolve("e.png").toString()))
        .hasMessage("the prompt is empty");
    assertThat(dir.resolve("long.png")).doesNotExist();
  }

  @Test
  void anEmojiModelTrainsOnTheNotoEmojiNamesAndSamplesFromText() throws Exception {
    Path ck = dir.resolve("emoji");
    assertThatThrownBy(() -> run("train", "--data", "emoji", "--out", ck.toString())).hasMessageContaining("use --text minilm");
    assertThat(run("train", "--data", "emoji", "--text", "minilm", "--arch", "mmdit", "--steps", "2", "--batch", "4", "--threads", "1",
        "--out", ck.toString())).isZero();
    assertThat(Files.readString(ck.resolve("papers4j.json"))).contains("\"data\" : \"emoji\"", "all-MiniLM-L6-v2 (frozen)");
    Path grid = dir.resolve("apples.png");
    assertThat(run("sample", "--model", ck.toString(), "--prompt", "a red apple", "--steps", "2", "--n", "2", "--out", grid.toString())).isZero();
    assertThat(grid).exists();
    assertThat(FlowCheckpoint.readConfig(ck).prediction()).isEqualTo("x"); // the emoji default

    // one group of emoji-test.txt; eval scores the requested emoji among the group's and among all
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(io.papers4j.core.data.NotoEmoji.EMOJI_TEST), "needs Debian unicode-data");
    Path food = dir.resolve("food");
    assertThatThrownBy(() -> run("train", "--data", "emoji", "--text", "minilm", "--emoji-group", "fruit", "--out", food.toString()))
        .hasMessageContaining("--emoji-group must be all or one of smileys");
    assertThatThrownBy(() -> run("train", "--data", "shapes", "--emoji-group", "food", "--out", food.toString())).hasMessageContaining("needs --data emoji");
    assertThatThrownBy(() -> run("train", "--data", "emoji", "--text", "minilm", "--objective", "eps", "--prediction", "x", "--out", food.toString()))
        .hasMessageContaining("--objective rf only");
    assertThat(run("train", "--data", "emoji", "--text", "minilm", "--emoji-group", "food", "--steps", "2", "--batch", "4", "--threads", "1",
        "--out", food.toString())).isZero();
    assertThat(Files.readString(food.resolve("papers4j.json"))).contains("\"emoji_group\" : \"food\"", "\"prediction\" : \"x\"");
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    java.io.PrintStream old = System.out;
    System.setOut(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      assertThat(run("eval", "--model", food.toString(), "--samples", "4", "--steps", "2", "--classifier-steps", "2",
          "--classifier-images", "64", "--threads", "1")).isZero();
    } finally {
      System.setOut(old);
    }
    long n = io.papers4j.vision.gen.LabelledImages.emoji(io.papers4j.core.data.NotoEmoji.DEFAULT_FONT, 32, "food").count();
    assertThat(buf.toString(java.nio.charset.StandardCharsets.UTF_8))
        .contains("FD-Emoji", "among the " + n + " emoji trained on (group food; chance " + String.format(java.util.Locale.ROOT, "%.4f", 1.0 / n) + ")");
  }

  @Test
  void theMiniLmFeaturesAreZeroPastThePromptAndThePooledVectorIsUnitLength() {
    io.papers4j.vision.flow.FlowTextEncoder enc = io.papers4j.vision.flow.FlowTextEncoder.load(16);
    io.papers4j.vision.flow.Cond c = enc.encode(java.util.List.of("red circle", "small blue square top-left"));
    assertThat(c.context().shape()).containsExactly(2, 16, 384);
    // "red circle" is [CLS] red circle [SEP]: positions 4.. are padding
    assertThat(c.context().select(0, 0).narrow(0, 4, 12).abs().max().item_double()).isZero();
    assertThat(c.context().select(0, 0).narrow(0, 0, 4).abs().max().item_double()).isPositive();
    assertThat(c.pooled().norm().item_double() / Math.sqrt(2)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
  }

  @Test
  void badOptionsAndForeignCheckpointsGiveOneMessage() throws Exception {
    assertThatThrownBy(() -> run("train", "--data", "fashion-mnist", "--image-size", "30", "--out", dir.resolve("x").toString()))
        .hasMessageContaining("--image-size 30 is not a multiple of 28");
    assertThatThrownBy(() -> run("train", "--arch", "unet", "--out", dir.resolve("x").toString())).hasMessageContaining("--arch must be one of");
    assertThatThrownBy(() -> run("train", "--t-sampler", "beta", "--out", dir.resolve("x").toString())).hasMessageContaining("unknown t-sampler");
    assertThatThrownBy(() -> run("train", "--data", "shapes", "--text", "clip", "--out", dir.resolve("x").toString())).hasMessageContaining("--text must be words or minilm");
    assertThatThrownBy(() -> run("train", "--objective", "edm", "--out", dir.resolve("x").toString())).hasMessageContaining("rf, eps or v");
    assertThat(dir.resolve("x")).doesNotExist();
    Path foreign = dir.resolve("foreign");
    Files.createDirectories(foreign);
    Files.writeString(foreign.resolve("config.json"), "{\"model_type\": \"llama\"}");
    assertThatThrownBy(() -> run("sample", "--model", foreign.toString(), "--class", "1", "--out", dir.resolve("g.png").toString()))
        .hasMessageContaining("is not a flow checkpoint");
    assertThatThrownBy(() -> FlowCommand.classIndex("hat", 10)).hasMessageContaining("unknown class 'hat'");
    assertThat(FlowCommand.classIndex("Sneaker", 10)).isEqualTo(7);
    assertThat(FlowCommand.classIndex("pullover", 10)).isEqualTo(2);
    assertThat(FlowCommand.classIndex("9", 10)).isEqualTo(9);
    assertThatThrownBy(() -> FlowCommand.condition(FlowConfig.fashionMnist("dit"), "1", "red", 2)).hasMessageContaining("exactly one");
    assertThatThrownBy(() -> FlowCommand.condition(FlowConfig.fashionMnist("dit"), null, "red", 2)).hasMessageContaining("class-conditional");
    assertThatThrownBy(() -> FlowCommand.condition(FlowConfig.fashionMnist("dit"), "10", null, 2)).hasMessageContaining("unknown class '10'");
  }
}
