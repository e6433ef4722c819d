package io.papers4j.vision.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.core.tensor.Engine;
import io.papers4j.vision.pixart.PixArtCheckpoint;
import io.papers4j.vision.pixart.PixArtConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** papers4j pixart train, weak-to-strong train and sample at smoke size, and one message for each kind of bad input. */
class PixArtCommandTest {
  @TempDir Path dir;

  @BeforeAll
  static void init() {
    Engine.init(1);
  }

  @SuppressWarnings("unchecked")
  static int run(String... args) throws Exception {
    CommandLine cl = new CommandLine(new PixArtCommand());
    CommandLine.ParseResult pr = cl.parseArgs(args);
    return ((Callable<Integer>) pr.subcommand().commandSpec().userObject()).call();
  }

  @Test
  void trainThenWeakToStrongThenSample() throws Exception {
    Path weak = dir.resolve("weak");
    assertThat(run("train", "--steps", "2", "--batch", "4", "--train-images", "8", "--width", "16", "--depth", "2", "--heads", "2",
        "--threads", "1", "--out", weak.toString())).isZero();
    assertThat(PixArtCheckpoint.readConfig(weak).kvLayers()).isEmpty();
    assertThat(dir.resolve(".weak.train")).doesNotExist();

    // weak-to-strong: 56 px (PE interpolation from the 14×14 grid), long captions, deep KV compression with average init
    Path strong = dir.resolve("strong");
    assertThat(run("train", "--init-from", weak.toString(), "--image-size", "56", "--captions", "long", "--kv-compress", "deep",
        "--steps", "1", "--batch", "2", "--train-images", "4", "--threads", "1", "--out", strong.toString())).isZero();
    PixArtConfig c = PixArtCheckpoint.readConfig(strong);
    assertThat(c.imageSize()).isEqualTo(56);
    assertThat(c.baseSize()).isEqualTo(14);
    assertThat(c.kvLayers()).isEqualTo(List.of(1));
    assertThat(c.maxTextTokens()).isEqualTo(32);
    assertThat(Files.readString(strong.resolve("papers4j.json"))).contains("init_from", "tensors copied");

    Path grid = dir.resolve("grid.png");
    assertThat(run("sample", "--model", strong.toString(), "--class", "sneaker", "--steps", "2", "--n", "2", "--out", grid.toString())).isZero();
    assertThat(grid).exists();
    try (var files = Files.list(dir.resolve("grid"))) {
      assertThat(files.count()).isEqualTo(2);
    }

    // eval with sampling under bf16 autocast (the evaluator stays float32): every score printed and finite
    String home = System.getProperty("papers4j.home");
    System.setProperty("papers4j.home", dir.resolve("home").toString()); // the toy evaluation classifier is cached there
    String bf16;
    try {
      bf16 = CliOutput.capture(() -> run("eval", "--model", weak.toString(), "--n", "4", "--real", "8", "--steps", "2", "--seeds", "1",
          "--classifier-steps", "2", "--classifier-images", "64", "--threads", "1", "--precision", "bf16"));
    } finally {
      if (home == null) System.clearProperty("papers4j.home");
      else System.setProperty("papers4j.home", home);
    }
    assertThat(bf16).contains("bf16");
    java.util.regex.Matcher scores = java.util.regex.Pattern.compile(" (\\S+) (-?[0-9.]+(?:e[-+]?[0-9]+)?|NaN|-?Infinity)").matcher(bf16.lines()
        .filter(l -> l.startsWith("seed 1")).findFirst().orElseThrow());
    java.util.Map<String, Double> m = new java.util.LinkedHashMap<>();
    while (scores.find()) m.put(scores.group(1), Double.parseDouble(scores.group(2)));
    assertThat(m).containsKeys("FD-FashionMNIST", "conditional-accuracy", "images_per_s");
    m.forEach((k, v) -> assertThat(v).as(k).isFinite());

    Path bad = dir.resolve("bad.png");
    assertThatThrownBy(() -> run("sample", "--model", weak.toString(), "--prompt", "  ", "--out", bad.toString())).hasMessageContaining("is empty");
    assertThatThrownBy(() -> run("sample", "--model", weak.toString(), "--prompt",
        "a very long caption with far too many words for a model that reads sixteen word pieces at most", "--out", bad.toString()))
        .hasMessageContaining("this model reads at most 16");
    assertThatThrownBy(() -> run("sample", "--model", weak.toString(), "--out", bad.toString())).hasMessageContaining("exactly one of --prompt and --class");
    assertThatThrownBy(() -> run("sample", "--model", dir.resolve("nothing").toString(), "--class", "1", "--out", bad.toString()))
        .hasMessageContaining("nothing");
    assertThatThrownBy(() -> run("train", "--kv-mode", "nearest", "--kv-compress", "deep", "--out", bad.toString()))
        .hasMessageContaining("kv mode must be one of");
    assertThatThrownBy(() -> run("train", "--image-size", "30", "--out", bad.toString())).hasMessageContaining("multiple of 28");
    assertThatThrownBy(() -> run("train", "--init-from", dir.resolve("nothing").toString(), "--out", bad.toString()))
        .hasMessageContaining("is not a directory");
    assertThat(bad).doesNotExist();
  }
}
