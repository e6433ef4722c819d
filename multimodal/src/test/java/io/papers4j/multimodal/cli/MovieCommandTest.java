package io.papers4j.multimodal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.papers4j.core.io.AnimatedGif;
import io.papers4j.core.tensor.Engine;
import io.papers4j.multimodal.movie.KeyframeConfig;
import io.papers4j.multimodal.movie.KeyframeDit;
import io.papers4j.multimodal.movie.Plot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MovieCommandTest {
  private static String fails(String... args) {
    return CliRun.fails(new MovieCommand(), args);
  }

  private static void ok(String... args) {
    CliRun.ok(new MovieCommand(), args);
  }

  @Test
  void plot_frames_style_dataset_train_eval_end_to_end_and_bad_input_gives_one_message(@TempDir Path dir) throws Exception {
    Engine.init(2);
    Path plot = dir.resolve("plot.json");
    ok("plot", "--theme", "a lost treasure", "--size", "2x1x2", "--style", "noir", "--out", plot.toString());
    assertThat(Plot.read(plot).frames()).hasSize(4);
    Path t2i = dir.resolve("t2i");
    new KeyframeDit(new KeyframeConfig(16, 4, 16, 1, 2, 384, 48, "x"), 0).save(t2i, Map.of());
    ok("style", "--model", t2i.toString(), "--keyword", "noir", "--style-steps", "1", "--images", "2", "--out", dir.resolve("noir.safetensors").toString());
    ok("frames", "--plot", plot.toString(), "--model", t2i.toString(), "--style-embedding", dir.resolve("noir.safetensors").toString(),
        "--steps", "2", "--out", dir.resolve("movie").toString());
    assertThat(AnimatedGif.read(dir.resolve("movie/movie.gif"))).hasSize(4);
    ok("style", "--model", t2i.toString(), "--keyword", "noir", "--steps", "1", "--images", "2", "--out", dir.resolve("noir16.safetensors").toString(),
        "--precision", "bf16");
    ok("style", "--model", t2i.toString(), "--keyword", "noir", "--steps", "1", "--images", "2", "--style-source", "procedural", "--out",
        dir.resolve("noirp.safetensors").toString());
    assertThat(dir.resolve("noirp.safetensors")).exists();
    ok("frames", "--plot", plot.toString(), "--model", t2i.toString(), "--style-embedding", dir.resolve("noir16.safetensors").toString(), "--steps", "2",
        "--out", dir.resolve("movie16").toString(), "--precision", "bf16");
    assertThat(AnimatedGif.read(dir.resolve("movie16/movie.gif"))).hasSize(4);
    ok("dataset", "--count", "2", "--size", "2x1x2", "--out", dir.resolve("data").toString());
    assertThat(dir.resolve("data/movie_001/frames/frame_003.png")).exists();
    ok("train", "--data", dir.resolve("data").toString(), "--out", dir.resolve("qa").toString(), "--steps", "2", "--batch", "4");
    ok("train", "--data", dir.resolve("data").toString(), "--out", dir.resolve("qa16").toString(), "--steps", "2", "--batch", "4", "--precision", "bf16");
    ok("eval", "--model", dir.resolve("qa").toString(), "--data", dir.resolve("data").toString());
    ok("eval", "--model", dir.resolve("qa").toString(), "--data", dir.resolve("data").toString(), "--precision", "bf16");
    ok("dataset", "--count", "1", "--size", "2x1x2", "--model", t2i.toString(), "--style-steps", "2", "--out", dir.resolve("data16").toString(),
        "--precision", "bf16");
    assertThat(dir.resolve("data16/movie_000/frames/frame_003.png")).exists();

    assertThat(fails("plot", "--theme", "x", "--style", "baroque")).contains("unknown style keyword 'baroque'");
    assertThat(fails("plot", "--theme", "x", "--size", "3x2")).contains("CHAPTERSxSCENESxFRAMES");
    assertThat(fails("plot", "--theme", "x", "--llm-model", "m")).contains("--llm-model needs --llm-endpoint");
    assertThat(fails("frames", "--plot", dir.resolve("none.json").toString(), "--model", t2i.toString(), "--out", dir.resolve("o").toString()))
        .contains("plot file not found");
    assertThat(fails("frames", "--plot", plot.toString(), "--model", dir.toString(), "--out", dir.resolve("o").toString())).contains("is not a keyframe model");
    Files.writeString(dir.resolve("bad.json"), "{\"title\": \"x\"");
    assertThat(fails("frames", "--plot", dir.resolve("bad.json").toString(), "--model", t2i.toString(), "--out", dir.resolve("o").toString()))
        .contains("not valid JSON");
    assertThat(fails("train", "--data", dir.resolve("movie/frames").toString(), "--out", dir.resolve("q2").toString())).contains("holds no movie folders");
    assertThat(fails("eval", "--model", dir.resolve("data").toString(), "--data", dir.resolve("data").toString())).contains("is not a video QA model");
    assertThat(fails("dataset", "--count", "0", "--out", dir.resolve("d0").toString())).contains("--count must be >= 1");
    assertThat(fails("style", "--model", t2i.toString(), "--keyword", "noir", "--style-source", "drawn", "--out", dir.resolve("s.safetensors").toString()))
        .contains("must be generated or procedural");
    assertThat(fails("make", "--theme", "x", "--prediction", "eps", "--out", dir.resolve("mk").toString())).contains("prediction must be v or x");
    assertThat(fails("make", "--theme", "x", "--style-steps", "0", "--out", dir.resolve("mk").toString())).contains("--style-steps must be >= 1");
    assertThat(fails("dataset", "--count", "1", "--model", t2i.toString(), "--style-steps", "-3", "--out", dir.resolve("d1").toString()))
        .contains("--style-steps must be >= 1");
  }
}
