package io.papers4j.vision.visionllama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.papers4j.core.data.Accuracy;
import io.papers4j.core.data.FashionMnist;
import io.papers4j.core.data.FashionMnistData;
import io.papers4j.core.report.Result;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.train.ProgressBar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real Fashion-MNIST (Debian dataset-fashion-mnist, listed in scripts/deps/vision.run). */
class VisionLlamaEndToEndTest {
  @TempDir Path dir;

  @BeforeAll
  static void init() {
    Engine.init(1);
    assumeThat(Files.isDirectory(FashionMnist.DEFAULT_DIR))
        .as("Fashion-MNIST missing: install " + FashionMnist.DEBIAN_PACKAGE + " (scripts/setup --test)")
        .isTrue();
  }

  @Test
  void realDataLoadsWithTheDocumentedShape() {
    FashionMnist.Split test = FashionMnist.load("t10k");
    assertThat(test.count()).isEqualTo(10_000);
    assertThat(test.pixels()).hasSize(10_000 * 28 * 28);
    int[] perClass = new int[10];
    for (int i = 0; i < test.count(); i++) perClass[test.label(i)]++;
    assertThat(perClass).containsOnly(1000); // the test set is balanced
  }

  @Test
  void trainingLearnsAndTheCheckpointRoundTrips() {
    FashionMnist.Split test = FashionMnist.load("t10k");
    // train on the first 512 test images (3 epochs, 48 steps), evaluate on the same 512 images
    FashionMnistData data = new FashionMnistData(test, test, 512, 512, 32, 2, 1);
    VisionConfig cfg = VisionConfig.plain().withSize(24, 1, 2, 64).withLayerScale(0);
    VisionTraining.Run run = VisionTraining.train(cfg, data, 3, 0, new VisionTraining.Recipe(5e-3, 0.05, 4, 1.0), 1,
        dir.resolve("work"), ProgressBar.Mode.OFF);
    assertThat(run.epochAccuracy()).hasSize(3);
    // "Learns" means accuracy far outside what guessing gives: with 10 balanced classes and 512
    // images, chance accuracy is 0.1 with standard deviation sqrt(0.1 * 0.9 / 512) = 0.013, so we ask
    // for 7 standard deviations above it (p < 1e-11). It is no claim about speed of learning; the
    // reproduction measures that.
    double chance = 0.1;
    double sigma = Math.sqrt(chance * (1 - chance) / 512);
    assertThat(run.finalAccuracy()).isGreaterThan(chance + 7 * sigma);
    VisionCheckpoint.save(dir.resolve("ckpt"), run.model(), Map.of("step", run.steps()));
    ImageClassifier back = VisionCheckpoint.load(dir.resolve("ckpt"));
    assertThat(back.config()).isEqualTo(cfg);
    assertThat(Accuracy.of(back, back::forward, data, 28)).isEqualTo(Accuracy.of(run.model(), run.model()::forward, data, 28));
  }

  @Test
  void bf16PrecisionReachesTheTrainingAndKeepsFloat32Weights() {
    FashionMnist.Split test = FashionMnist.load("t10k");
    FashionMnistData data = new FashionMnistData(test, test, 64, 64, 16, 2, 1);
    VisionConfig cfg = VisionConfig.plain().withSize(24, 1, 2, 64).withLayerScale(0);
    VisionTraining.Recipe recipe = new VisionTraining.Recipe(5e-3, 0.05, 1, 1.0);
    VisionTraining.Run f32 = VisionTraining.train(new VisionModel(cfg, 1), data, 1, 4, recipe, 1, dir.resolve("f32"),
        ProgressBar.Mode.OFF, io.papers4j.core.tensor.Precision.F32);
    VisionTraining.Run bf16 = VisionTraining.train(new VisionModel(cfg, 1), data, 1, 4, recipe, 1, dir.resolve("bf16"),
        ProgressBar.Mode.OFF, io.papers4j.core.tensor.Precision.BF16);
    double worst = 0;
    for (var e : bf16.model().namedParameters().entrySet()) {
      assertThat(e.getValue().scalar_type().intern()).as(e.getKey())
          .isEqualTo(org.bytedeco.pytorch.global.torch.ScalarType.Float);
      org.bytedeco.pytorch.Tensor w = f32.model().namedParameters().get(e.getKey());
      worst = Math.max(worst, e.getValue().sub(w).abs().max().item_double());
    }
    System.out.printf("visionllama bf16 vs f32 after 4 steps: max |Δw| %.2e%n", worst);
    // bf16 matmuls ran (the weights differ); each run's four AdamW steps of lr ≤ 5e-3 move a weight by
    // about 4·lr = 0.02 at most, so the runs cannot be further apart than about twice that
    assertThat(worst).isGreaterThan(0).isLessThan(0.045);
  }

  @Test
  void smokeReproductionWritesItsReport() throws Exception {
    Result r = new VisionLlamaReproduction().run("smoke", dir);
    assertThat(dir.resolve("result.json")).exists();
    assertThat(dir.resolve("README.md")).exists();
    assertThat(dir.resolve("accuracy_vs_epoch.png")).exists();
    assertThat(dir.resolve("accuracy_vs_resolution.png")).exists();
    assertThat(r.metrics()).containsKeys("1B_accuracy_by_resolution", "1B_spread_over_seeds", "verdicts_per_seed");
    assertThat(r.metrics().get("seeds")).isEqualTo(2);
    @SuppressWarnings("unchecked")
    Map<String, Object> perSeed = (Map<String, Object>) r.metrics().get("per_seed");
    assertThat(perSeed).containsOnlyKeys("seed_0", "seed_1");
    assertThat(perSeed.get("seed_0")).isNotEqualTo(perSeed.get("seed_1")); // the seed reaches the runs
    assertThat(java.nio.file.Files.readString(dir.resolve("README.md"))).contains("mean of 2 seeds", "64 px");
  }

  @Test
  void smokePyramidReproductionReportsEveryTable12Row() throws Exception {
    Result r = new VisionLlamaPyramidReproduction().run("smoke", dir);
    assertThat(dir.resolve("result.json")).exists();
    assertThat(dir.resolve("accuracy_vs_resolution.png")).exists();
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Double>> table = (Map<String, Map<String, Double>>) r.metrics().get("accuracy_by_resolution");
    assertThat(table).containsOnlyKeys("1D RoPE", "2D RoPE", "NTK (θ×2)", "AS2DRoPE");
    for (Map<String, Double> row : table.values()) {
      assertThat(row).containsOnlyKeys("28px", "44px", "56px", "64px");
      assertThat(row.values()).allSatisfy(a -> assertThat(a).isBetween(0.0, 1.0));
    }
    // AS2DRoPE is the identity at the training resolution
    assertThat(table.get("AS2DRoPE").get("28px")).isEqualTo(table.get("2D RoPE").get("28px"));
    double drop = table.get("2D RoPE").get("28px") - table.get("2D RoPE").get("56px");
    assertThat((Double) r.metrics().get("drop_2d_rope_at_56")).isEqualTo(drop);
    assertThat(r.reproduced()).isEqualTo((Boolean) r.metrics().get("2d_rope_graceful_at_56")
        && (Boolean) r.metrics().get("ntk_graceful_at_56") && (Boolean) r.metrics().get("1d_rope_collapses_at_56"));
    assertThat(Files.readString(dir.resolve("README.md"))).contains("78.4", "64 px", "1D RoPE collapses");
  }
}
