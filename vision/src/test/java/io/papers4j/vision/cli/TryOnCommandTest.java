package io.papers4j.vision.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.papers4j.core.data.FashionMnist;
import io.papers4j.core.tensor.Engine;
import io.papers4j.vision.tryon.TryOnEval;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** papers4j tryon train, data, run and eval at toy size, and one message for each kind of bad input. */
class TryOnCommandTest {
  @TempDir Path dir;

  @BeforeAll
  static void init() {
    assumeTrue(Files.exists(FashionMnist.DEFAULT_DIR.resolve("t10k-images-idx3-ubyte.gz")), "needs Debian dataset-fashion-mnist");
    Engine.init(2);
  }

  @SuppressWarnings("unchecked")
  static int run(String... args) throws Exception {
    CommandLine cl = new CommandLine(new TryOnCommand());
    CommandLine.ParseResult pr = cl.parseArgs(args);
    return ((Callable<Integer>) pr.subcommand().commandSpec().userObject()).call();
  }

  @Test
  void train_data_run_and_eval_end_to_end_with_clear_errors() throws Exception {
    System.setProperty("papers4j.home", dir.resolve("home").toString());
    Path ck = dir.resolve("ck"), ex = dir.resolve("ex");
    assertThat(run("train", "--arm", "fusion", "--tiny", "--steps", "2", "--batch", "2", "--out", ck.toString())).isZero();
    assertThat(ck.resolve("model.safetensors")).exists();
    assertThat(ck.resolve("non_ema").resolve("model.safetensors")).as("the trained weights beside the EMA").exists();
    Path wide = dir.resolve("wide");
    assertThat(run("train", "--arm", "global", "--widths", "16,32", "--ema", "0", "--steps", "1", "--batch", "2", "--out", wide.toString())).isZero();
    assertThat(Files.readString(wide.resolve("config.json"))).containsPattern("\\[\\s*16,\\s*32\\s*\\]");
    assertThat(wide.resolve("non_ema")).doesNotExist();
    assertThatThrownBy(() -> run("train", "--tiny", "--widths", "16,32", "--out", dir.resolve("x").toString())).hasMessageContaining("exclude");
    assertThat(Files.readString(ck.resolve("config.json"))).contains("papers4j-tryon", "unet_garm", "UNet2DConditionModel");
    assertThat(run("data", "--out", ex.toString(), "--n", "2")).isZero();
    assertThat(ex.resolve("person_0000.png")).exists();
    assertThat(ex.resolve("garment_0001.png")).exists();
    String category = Files.readAllLines(ex.resolve("categories.txt")).get(0).split(" ")[1];

    Path out = dir.resolve("out.png");
    assertThat(run("run", "--model", ck.toString(), "--person", ex.resolve("person_0000.png").toString(), "--garment",
        ex.resolve("garment_0000.png").toString(), "--mask", ex.resolve("mask_0000.png").toString(), "--category", category,
        "--steps", "2", "--out", out.toString())).isZero();
    BufferedImage img = ImageIO.read(out.toFile());
    assertThat(img.getWidth()).isEqualTo(32);
    // bf16 autocast: the same try-on within a few grey levels (the pixels outside the mask are the person's in both)
    Path out16 = dir.resolve("out16.png");
    assertThat(run("run", "--model", ck.toString(), "--person", ex.resolve("person_0000.png").toString(), "--garment",
        ex.resolve("garment_0000.png").toString(), "--mask", ex.resolve("mask_0000.png").toString(), "--category", category,
        "--steps", "2", "--out", out16.toString(), "--precision", "bf16")).isZero();
    BufferedImage img16 = ImageIO.read(out16.toFile());
    double diff = 0;
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        for (int sh = 0; sh <= 16; sh += 8) diff += Math.abs(((img.getRGB(x, y) >> sh) & 255) - ((img16.getRGB(x, y) >> sh) & 255));
      }
    }
    assertThat(diff / (32 * 32 * 3)).as("mean |f32 - bf16| per channel, in grey levels").isLessThan(8.0);

    // a person of another size is resized with a note; without --mask the mask is computed
    BufferedImage big = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    BufferedImage small = ImageIO.read(ex.resolve("person_0000.png").toFile());
    big.createGraphics().drawImage(small, 0, 0, 64, 64, null);
    Path bigPng = dir.resolve("big.png");
    ImageIO.write(big, "png", bigPng.toFile());
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    System.setErr(new PrintStream(err, true));
    try {
      assertThat(run("run", "--model", ck.toString(), "--person", bigPng.toString(), "--garment", ex.resolve("garment_0000.png").toString(),
          "--steps", "2", "--out", dir.resolve("out2.png").toString())).isZero();
    } finally {
      System.setErr(old);
    }
    assertThat(err.toString()).contains("is 64×64, resized to 32×32", "no --mask given");

    // bad input: one message each
    Path text = Files.writeString(dir.resolve("notes.png"), "not a picture");
    assertThatThrownBy(() -> run("run", "--model", ck.toString(), "--person", text.toString(), "--garment", ex.resolve("garment_0000.png").toString(),
        "--out", dir.resolve("x.png").toString())).hasMessageContaining("is not an image");
    assertThatThrownBy(() -> run("run", "--model", ck.toString(), "--person", dir.resolve("missing.png").toString(), "--garment",
        ex.resolve("garment_0000.png").toString(), "--out", dir.resolve("x.png").toString())).hasMessageContaining("does not exist");
    BufferedImage blank = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
    Path blankPng = dir.resolve("blank.png");
    ImageIO.write(blank, "png", blankPng.toFile());
    assertThatThrownBy(() -> run("run", "--model", ck.toString(), "--person", blankPng.toString(), "--garment", ex.resolve("garment_0000.png").toString(),
        "--out", dir.resolve("x.png").toString())).hasMessageContaining("cannot compute a garment mask");
    assertThatThrownBy(() -> run("run", "--model", ck.toString(), "--person", ex.resolve("person_0000.png").toString(), "--garment",
        ex.resolve("garment_0000.png").toString(), "--category", "hat", "--out", dir.resolve("x.png").toString())).hasMessageContaining("--category must be one of");
    assertThatThrownBy(() -> run("run", "--model", dir.resolve("nothing").toString(), "--person", ex.resolve("person_0000.png").toString(), "--garment",
        ex.resolve("garment_0000.png").toString(), "--mask", ex.resolve("mask_0000.png").toString(), "--out", dir.resolve("x.png").toString()))
        .hasMessageContaining("no checkpoint directory");
    assertThatThrownBy(() -> run("train", "--arm", "zip", "--out", dir.resolve("z").toString())).hasMessageContaining("arm must be one of");
    assertThat(dir.resolve("x.png")).doesNotExist();

    assertThat(run("eval", "--model", ck.toString(), "--n", "4", "--steps", "2", "--classifier-images", "32", "--classifier-steps", "2")).isZero();
    // the same evaluation with the try-on model under bf16 autocast: every metric printed and finite
    String bf16 = CliOutput.capture(() -> run("eval", "--model", ck.toString(), "--n", "4", "--steps", "2", "--classifier-images", "32",
        "--classifier-steps", "2", "--precision", "bf16"));
    assertThat(bf16).contains("bf16");
    CliOutput.assertFinite(bf16, "ssim", "texture_fidelity", TryOnEval.FD, TryOnEval.KID + "_x1000");
  }
}
