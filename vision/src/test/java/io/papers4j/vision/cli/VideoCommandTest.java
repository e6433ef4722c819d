package io.papers4j.vision.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.tensor.Engine;
import io.papers4j.vision.video.MovingSprites;
import io.papers4j.vision.video.VideoIO;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** papers4j video train|animate|eval end to end at toy size, and one message per bad input. */
class VideoCommandTest {
  @TempDir Path dir;
  final StringWriter err = new StringWriter();

  int run(String... args) {
    Engine.init(2);
    CommandLine cl = new CommandLine(new VideoCommand());
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  @Test
  void train_animate_eval_and_bad_input() throws Exception {
    Path model = dir.resolve("a"), fp = dir.resolve("fp");
    String[] tiny = {"--size", "16", "--frames", "4", "--widths", "8,16", "--batch", "2", "--base-batch", "4"};
    assertThat(run(concat(new String[] {"train", "--arm", "a", "--steps", "2", "--base-steps", "2", "--out", model.toString()}, tiny)))
        .as(err.toString()).isZero();
    assertThat(dir.resolve("a-image/model.safetensors")).exists();
    assertThat(model.resolve("config.json")).exists();
    assertThat(Files.readString(model.resolve("config.json"))).contains("\"model_type\" : \"papers4j-atomovideo\"", "v/linear+zsnr");
    // frame-prediction fine-tune from the I2V model, arm B from the same image model
    assertThat(run(concat(new String[] {"train", "--init", model.toString(), "--given", "2", "--steps", "2", "--out", fp.toString()}, tiny)))
        .as(err.toString()).isZero();
    assertThat(run(concat(new String[] {"train", "--arm", "b", "--base", dir.resolve("a-image").toString(), "--steps", "1", "--out",
        dir.resolve("b").toString()}, tiny))).as(err.toString()).isZero();
    // animate a PNG
    MovingSprites.Videos v = new MovingSprites(MovingSprites.Spec.sprites(16), 1).videos(0, 1, 1);
    Path png = dir.resolve("in.png");
    Files.write(png, pngBytes(VideoIO.frames(v.frames().select(0, 0)).get(0)));
    Path gif = dir.resolve("out.gif");
    assertThat(run("animate", "--model", fp.toString(), "--image", png.toString(), "--motion", "left-fast", "--class", "red", "--frames", "4",
        "--extend", "2", "--steps", "2", "--out", gif.toString())).as(err.toString()).isZero();
    assertThat(VideoIO.readGif(gif)).hasSize(4 + 2 * 2);
    assertThat(dir.resolve("out.png")).exists();
    assertThat(run("eval", "--model", model.toString(), "--n", "2", "--steps", "2")).as(err.toString()).isZero();
    assertThat(run("eval", "--model", fp.toString(), "--n", "2", "--steps", "2", "--rollouts", "1")).as(err.toString()).isZero();
    // both evaluations with the video model under bf16 autocast; the measures that are defined for any clip are finite
    // (speed, direction and trajectory are NaN by definition when no sprite is tracked in a toy model's frames)
    for (Path m : List.of(model, fp)) {
      String bf16 = CliOutput.capture(() -> run("eval", "--model", m.toString(), "--n", "2", "--steps", "2", "--rollouts", "1", "--precision", "bf16"));
      assertThat(bf16).contains("bf16");
      CliOutput.assertFinite(bf16, "first_frame_ssim", "adjacent_consistency", "brightness_error", "tracked");
    }
    // bad input, each with one message
    assertThat(run("train", "--arm", "d", "--out", dir.resolve("x").toString())).isNotZero();
    assertThat(run("animate", "--model", dir.resolve("none").toString(), "--image", png.toString(), "--out", gif.toString())).isNotZero();
    assertThat(run("animate", "--model", model.toString(), "--image", dir.resolve("none.png").toString(), "--out", gif.toString())).isNotZero();
    assertThat(run("animate", "--model", model.toString(), "--image", png.toString(), "--motion", "sideways", "--out", gif.toString())).isNotZero();
    assertThat(run("animate", "--model", model.toString(), "--image", png.toString(), "--out", dir.resolve("x.mp4").toString())).isNotZero();
    assertThat(run("eval", "--model", dir.resolve("a-image").toString())).isNotZero();
    assertThat(err.toString()).contains("--arm must be a, b or c", "model directory not found", "no such image", "unknown motion 'sideways'",
        "--out must be a .gif file", "is not a video-model checkpoint: config.json has model_type papers4j-video-image, expected papers4j-atomovideo");
  }

  /** Real motion: train on the Muybridge cat and skimage's GIF, animate the cat's first frame; eval refuses (no known trajectories). */
  @Test
  void train_and_animate_on_real_motion() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(io.papers4j.core.data.SkimageData.DIR.resolve("no_time_for_that_tiny.gif")),
        "needs python3-skimage");
    Path model = dir.resolve("m");
    String[] tiny = {"--size", "16", "--frames", "4", "--widths", "8,16", "--batch", "2", "--base-batch", "4"};
    assertThat(run(concat(new String[] {"train", "--data", "muybridge", "--x0-head", "--steps", "2", "--base-steps", "2", "--out", model.toString()},
        tiny))).as(err.toString()).isZero();
    assertThat(Files.readString(model.resolve("config.json"))).contains("\"x0_head\" : true");
    Path cat = model.resolve("examples/muybridge-cat.png");
    assertThat(VideoIO.readImageRaw(cat).getWidth()).isEqualTo(16);
    Path gif = dir.resolve("cat.gif");
    assertThat(run("animate", "--model", model.toString(), "--image", cat.toString(), "--class", "muybridge-cat", "--motion", "right-slow", "--frames", "4",
        "--steps", "2", "--out", gif.toString())).as(err.toString()).isZero();
    assertThat(VideoIO.readGif(gif)).hasSize(4);
    assertThat(run("animate", "--model", model.toString(), "--image", cat.toString(), "--class", "red", "--out", gif.toString())).isNotZero();
    assertThat(run("eval", "--model", model.toString(), "--n", "2")).isNotZero();
    assertThat(run(concat(new String[] {"train", "--data", "muybridge", "--out", dir.resolve("x").toString()}, new String[] {"--frames", "25"})))
        .isNotZero();
    assertThat(err.toString()).contains("unknown --class 'red' (expected one of muybridge-cat, skimage-gif)", "no known trajectories",
        "--frames must be at most 24");
  }

  static byte[] pngBytes(java.awt.image.BufferedImage img) throws Exception {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(img, "png", b);
    return b.toByteArray();
  }

  static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
