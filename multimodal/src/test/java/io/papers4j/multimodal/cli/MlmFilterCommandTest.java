package io.papers4j.multimodal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import io.papers4j.multimodal.mlmfilter.MlmFilterModel;
import io.papers4j.multimodal.vlm.Clip;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MlmFilterCommandTest {
  private static String fails(String... args) {
    return CliRun.fails(new MlmFilterCommand(), args);
  }

  private static void ok(String... args) {
    CliRun.ok(new MlmFilterCommand(), args);
  }

  @Test
  void pool_train_score_filter_end_to_end_and_bad_input_gives_one_message(@TempDir Path dir) throws Exception {
    Path pool = dir.resolve("pool"), model = dir.resolve("model"), scores = dir.resolve("scores.jsonl"), kept = dir.resolve("kept.jsonl");
    ok("pool", "--out", pool.toString(), "--n", "20");
    ok("train", "--out", model.toString(), "--size", "tiny", "--steps", "2", "--batch", "4", "--source", "10", "--scored", "20", "--generic", "4");
    ok("score", "--model", model.toString(), "--pairs", pool.resolve("pairs.jsonl").toString(), "--metric", "itm", "--out", scores.toString());
    assertThat(Files.readAllLines(scores)).hasSize(20);
    ok("score", "--model", model.toString(), "--pairs", pool.resolve("pairs.jsonl").toString(), "--metric", "itm", "--out", scores.toString());
    assertThat(Files.readAllLines(scores)).hasSize(20); // nothing rescored
    // a frozen ViT and contrast pairs: the options reach the recipe the model records
    Path frozen = dir.resolve("frozen");
    ok("train", "--out", frozen.toString(), "--size", "tiny", "--steps", "2", "--batch", "4", "--source", "10", "--scored", "20", "--generic", "4",
        "--vision-lr-scale", "0", "--contrast-share", "0.5", "--gate-init", "1.5", "--answer-format", "two_digits");
    assertThat(Files.readString(frozen.resolve("papers4j.json"))).contains("visionLrScale=0.0", "gateInit=1.5", "contrastShare=0.5", "format=TWO_DIGITS");
    assertThat(Files.readString(model.resolve("papers4j.json"))).contains("visionLrScale=1.0", "gateInit=0.0", "format=PLAIN");
    // the saved filter starts with its gates open (tanh 1.5 = 0.91, two steps move them by about 1e-3 each)
    assertThat(io.papers4j.multimodal.mlmfilter.MlmFilterModel.load(frozen).lm.fractionOfGatesBelow(0.9)).isZero();
    assertThat(io.papers4j.multimodal.mlmfilter.MlmFilterModel.load(model).lm.fractionOfGatesBelow(0.01)).isEqualTo(1);
    // bf16 autocast: training and scoring run, and every pair gets a line
    Path model16 = dir.resolve("model16"), scores16 = dir.resolve("scores16.jsonl");
    ok("train", "--out", model16.toString(), "--size", "tiny", "--steps", "2", "--batch", "4", "--source", "10", "--scored", "20", "--generic", "4",
        "--precision", "bf16");
    ok("score", "--model", model16.toString(), "--pairs", pool.resolve("pairs.jsonl").toString(), "--metric", "itm", "--out", scores16.toString(),
        "--precision", "bf16");
    assertThat(Files.readAllLines(scores16)).hasSize(20);
    ok("filter", "--scores", scores.toString(), "--keep", "0.3", "--out", kept.toString(), "--pairs", pool.resolve("pairs.jsonl").toString());
    List<String> k = Files.readAllLines(kept);
    assertThat(k).hasSize(6);
    assertThat(k.get(0)).contains("\"caption\"", "\"image\"");
    // a directory of image + .txt pairs
    Path d = dir.resolve("dirpairs");
    Files.createDirectories(d);
    Files.copy(pool.resolve("images").resolve(Files.list(pool.resolve("images")).findFirst().orElseThrow().getFileName()), d.resolve("a.png"));
    Files.writeString(d.resolve("a.txt"), "a red circle");
    ok("score", "--model", model.toString(), "--pairs", d.toString(), "--metric", "su");

    assertThat(fails("score", "--model", model.toString(), "--pairs", pool.resolve("pairs.jsonl").toString(), "--metric", "xyz")).contains("unknown metric 'xyz'");
    assertThat(fails("score", "--model", dir.resolve("none").toString(), "--pairs", pool.resolve("pairs.jsonl").toString(), "--metric", "itm"))
        .contains("model directory not found");
    assertThat(fails("score", "--model", model.toString(), "--pairs", dir.resolve("none.jsonl").toString(), "--metric", "itm")).contains("pairs not found");
    Path bad = dir.resolve("bad.jsonl");
    Files.writeString(bad, "{\"image\": \"x.png\"}\n");
    assertThat(fails("score", "--model", model.toString(), "--pairs", bad.toString(), "--metric", "itm")).contains("line 1: expected {\"image\": path, \"caption\": text}");
    Files.writeString(bad, "{\"image\": \"missing.png\", \"caption\": \"x\"}\n");
    assertThat(fails("score", "--model", model.toString(), "--pairs", bad.toString(), "--metric", "itm")).contains("image file not found");
    Files.writeString(d.resolve("b.png"), "not an image");
    assertThat(fails("score", "--model", model.toString(), "--pairs", d.toString(), "--metric", "itm")).contains("has no caption file");
    assertThat(fails("filter", "--scores", scores.toString(), "--keep", "1.5", "--out", kept.toString())).contains("--keep must be in (0, 1]");
    assertThat(fails("filter", "--scores", bad.toString(), "--keep", "0.5", "--out", kept.toString())).contains("written by mlmfilter score");
    assertThat(fails("train", "--out", model.toString(), "--sampling", "sorted")).contains("--sampling must be uniform or natural");
    assertThat(fails("train", "--out", model.toString(), "--size", "huge")).contains("--size must be quick, full or tiny");
    assertThat(fails("train", "--out", model.toString(), "--vision-lr-scale", "2")).contains("--vision-lr-scale must be in [0, 1], got 2.0");
    assertThat(fails("train", "--out", model.toString(), "--contrast-share", "1")).contains("--contrast-share must be in [0, 1), got 1.0");
    assertThat(fails("train", "--out", model.toString(), "--gate-init", "NaN")).contains("--gate-init must be a finite number, got NaN");
    assertThat(fails("train", "--out", model.toString(), "--answer-format", "fixed")).contains("unknown --answer-format 'fixed'");
  }

  @Test
  void a_filter_trained_from_a_pretrained_clip_holds_its_tower_and_bad_clip_directories_give_one_message(@TempDir Path dir) throws Exception {
    Path clip = dir.resolve("clip"), model = dir.resolve("model");
    ok("pretrain-clip", "--out", clip.toString(), "--size", "tiny", "--steps", "2", "--batch", "8");
    ok("train", "--out", model.toString(), "--size", "tiny", "--steps", "2", "--batch", "4", "--source", "10", "--scored", "20", "--generic", "4",
        "--vision-from-clip", clip.toString(), "--vision-lr-scale", "0", "--gate-init", "1");
    // the saved filter's ViT is the CLIP's tower, tensor for tensor (frozen through training)
    Map<String, Tensor> tower = Clip.load(clip).vision.namedParameters(), vit = MlmFilterModel.load(model).vision.namedParameters();
    assertThat(vit.keySet()).isEqualTo(tower.keySet());
    tower.forEach((k, v) -> assertThat(vit.get(k).equal(v)).as(k).isTrue());
    assertThat(Files.readString(model.resolve("papers4j.json"))).contains("vision_from_clip").contains(clip.getFileName().toString());

    Path quickClip = dir.resolve("quick-clip");
    ok("pretrain-clip", "--out", quickClip.toString(), "--steps", "1", "--batch", "4");
    String tinyTrain = "--size tiny --steps 1 --batch 4 --source 10 --scored 20 --generic 4";
    List<String> base = List.of(tinyTrain.split(" "));
    assertThat(fails(args("train", "--out", dir.resolve("x").toString(), base, "--vision-from-clip", dir.resolve("absent").toString())))
        .contains("CLIP directory not found: " + dir.resolve("absent")).contains("mlmfilter pretrain-clip");
    assertThat(fails(args("train", "--out", dir.resolve("x").toString(), base, "--vision-from-clip", quickClip.toString())))
        .contains("the CLIP's vision tower (patch 8, width 64, 3 layers, 4 heads, 32 px) does not fit the filter's ViT (patch 8, width 16, 2 layers, 2 heads, 32 px)");
    assertThat(fails(args("train", "--out", dir.resolve("x").toString(), base, "--vision-from-clip", model.toString())))
        .contains("not the config of a CLIP model");
    assertThat(fails(args("train", "--out", dir.resolve("x").toString(), base, "--vision-from-clip", dir.toString())))
        .contains("is not a CLIP model (needs config.json and model.safetensors");
    assertThat(Files.exists(dir.resolve("x"))).as("nothing written by a refused training").isFalse();
    assertThat(fails("pretrain-clip", "--out", dir.resolve("y").toString(), "--group", "9")).contains("shape groups must hold 1-5 scenes, got 9");
  }

  private static String[] args(String cmd, String outFlag, String out, List<String> base, String flag, String value) {
    List<String> a = new java.util.ArrayList<>(List.of(cmd, outFlag, out));
    a.addAll(base);
    a.add(flag);
    a.add(value);
    return a.toArray(String[]::new);
  }
}
