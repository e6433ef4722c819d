package io.papers4j.vision.visionllama;

import io.papers4j.core.data.Accuracy;
import io.papers4j.core.data.FashionMnist;
import io.papers4j.core.data.FashionMnistData;
import io.papers4j.core.io.AtomicFiles;
import io.papers4j.core.nn.pos.PositionRule;
import io.papers4j.core.report.Machine;
import io.papers4j.core.report.Plot;
import io.papers4j.core.report.Result;
import io.papers4j.core.report.TimedReproduction;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.train.ProgressBar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code papers4j reproduce visionllama}: experiments 1A (VisionLLaMA vs ViT at equal width, depth
 * and recipe: accuracy and convergence) and 1B (resolution generalisation without retraining at 44,
 * 56 and 64 px: 1D RoPE, 2D RoPE, NTK, AS2DRoPE, ViT with bicubically interpolated embeddings) of the
 * spec, on Fashion-MNIST, for several seeds: each verdict per seed and on the mean over seeds, with
 * the spread (mean ± sample std, min/max) of every arm at every resolution.
 */
public final class VisionLlamaReproduction extends TimedReproduction {
  /** Test sides: the training 28 px, 44, 56 (2×, as the paper's 224 → 448) and 64 (2.29×, as 224 → 512). */
  static final int[] RESOLUTIONS = {28, 44, 56, 64};
  /** Index of 56 px in {@link #RESOLUTIONS}: the spec's criteria are read at 2× the training side. */
  static final int AT_2X = 2;
  static final String AS2D = "AS2DRoPE";
  static final String ROPE2D = "2D RoPE";
  static final String NTK = "NTK (θ×2)";
  static final String ROPE1D = "1D RoPE";
  static final String VIT = "ViT (interpolated abs. PE)";

  public VisionLlamaReproduction() {
    super("visionllama", "2403.00522",
        "VisionLLaMA vs ViT and AS2DRoPE resolution generalisation on Fashion-MNIST (arXiv 2403.00522)",
        "A LLaMA block with 2D RoPE matches ViT (DeiT3) on classification, converges faster, and with AS2DRoPE generalises better to unseen resolutions.");
  }

  /** One seed's three trained arms, as numbers: accuracy per epoch and per arm and resolution. */
  record SeedRun(long seed, List<Double> plain, List<Double> vit, List<Double> rope1d, Map<String, double[]> arms,
      double plainSeconds, double vitSeconds) {
    Verdicts verdicts() {
      return Verdicts.of(plain.get(plain.size() - 1), vit.get(vit.size() - 1), plain.get(0), vit.get(0), arms);
    }
  }

  /** The spec's criteria (1(e)) on one set of accuracies. */
  record Verdicts(boolean parity, boolean faster, boolean asBest, boolean oneDCollapses, boolean asBeatsVit) {
    static Verdicts of(double plainFinal, double vitFinal, double plainEpoch1, double vitEpoch1, Map<String, double[]> arms) {
      double[] as = arms.get(AS2D);
      double[] v = arms.get(VIT);
      return new Verdicts(
          plainFinal >= vitFinal - 0.003,
          plainEpoch1 >= vitEpoch1,
          as[AT_2X] >= arms.get(ROPE2D)[AT_2X] && as[AT_2X] >= arms.get(NTK)[AT_2X],
          arms.get(ROPE2D)[AT_2X] - arms.get(ROPE1D)[AT_2X] >= 0.10,
          (as[0] - as[AT_2X]) < (v[0] - v[AT_2X]));
    }

    boolean claim1a() {
      return parity && faster;
    }

    boolean claim1b() {
      return asBest && oneDCollapses && asBeatsVit;
    }

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("1A_parity_final_within_0.3pp", parity);
      m.put("1A_faster_convergence_epoch1", faster);
      m.put("1B_as2drope_best_rope_at_56", asBest);
      m.put("1B_1d_rope_collapses_at_56", oneDCollapses);
      m.put("1B_as2drope_drops_less_than_vit_at_56", asBeatsVit);
      m.put("1A", claim1a());
      m.put("1B", claim1b());
      return m;
    }
  }

  @Override
  protected Result reproduce(String preset, Path outDir, Context run) throws Exception {
    VisionLlamaPreset p = VisionLlamaPreset.named(preset);
    Engine.init(2);
    String loadBefore = run.loadAtStart();
    FashionMnist.Split train = FashionMnist.load("train");
    FashionMnist.Split test = FashionMnist.load("t10k");
    List<SeedRun> runs = new ArrayList<>();
    while (p.startsSeed(runs.size(), run.seconds())) runs.add(runSeed(p, train, test, runs.size()));
    double runtime = run.seconds();
    String loadAfter = Machine.loadAverage();

    // the mean over seeds, and the verdicts on it
    List<Double> plainMean = meanCurve(runs, SeedRun::plain);
    List<Double> vitMean = meanCurve(runs, SeedRun::vit);
    List<Double> rope1dMean = meanCurve(runs, SeedRun::rope1d);
    Map<String, double[]> armMean = new LinkedHashMap<>();
    Map<String, Object> spread = new LinkedHashMap<>();
    for (String arm : runs.get(0).arms().keySet()) {
      double[] mean = new double[RESOLUTIONS.length];
      Map<String, Object> row = new LinkedHashMap<>();
      for (int i = 0; i < RESOLUTIONS.length; i++) {
        final int r = i;
        SeedSpread s = SeedSpread.of(runs.stream().mapToDouble(x -> x.arms().get(arm)[r]).toArray());
        mean[i] = s.mean();
        row.put(RESOLUTIONS[i] + "px", Map.of("mean", s.mean(), "std", s.std(), "min", s.min(), "max", s.max()));
      }
      armMean.put(arm, mean);
      spread.put(arm, row);
    }
    Verdicts overall = Verdicts.of(last(plainMean), last(vitMean), plainMean.get(0), vitMean.get(0), armMean);
    Map<String, Object> perSeed = new LinkedHashMap<>();
    Map<String, Object> perSeedVerdicts = new LinkedHashMap<>();
    int seeds1a = 0;
    int seeds1b = 0;
    for (SeedRun s : runs) {
      Verdicts v = s.verdicts();
      seeds1a += v.claim1a() ? 1 : 0;
      seeds1b += v.claim1b() ? 1 : 0;
      perSeedVerdicts.put("seed_" + s.seed(), v.toMap());
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("1A_visionllama_accuracy_by_epoch", s.plain());
      one.put("1A_vit_accuracy_by_epoch", s.vit());
      one.put("1A_rope1d_accuracy_by_epoch", s.rope1d());
      one.put("1B_accuracy_by_resolution", table(s.arms()));
      perSeed.put("seed_" + s.seed(), one);
    }

    Result.Builder result = run.result().preset(p.name()).seed(0).runtimeS(runtime)
        .metric("seeds", runs.size())
        .metric("1A_visionllama_accuracy_by_epoch", plainMean)
        .metric("1A_vit_accuracy_by_epoch", vitMean)
        .metric("1A_rope1d_accuracy_by_epoch", rope1dMean)
        .metric("1A_parity_final_within_0.3pp", overall.parity())
        .metric("1A_faster_convergence_epoch1", overall.faster())
        .metric("1A_seconds_visionllama", runs.get(0).plainSeconds())
        .metric("1A_seconds_vit", runs.get(0).vitSeconds())
        .metric("1B_accuracy_by_resolution", table(armMean))
        .metric("1B_spread_over_seeds", spread)
        .metric("1B_as2drope_best_rope_at_56", overall.asBest())
        .metric("1B_1d_rope_collapses_at_56", overall.oneDCollapses())
        .metric("1B_as2drope_drops_less_than_vit_at_56", overall.asBeatsVit())
        .metric("1A_reproduced_seeds", seeds1a)
        .metric("1B_reproduced_seeds", seeds1b)
        .metric("verdicts_per_seed", perSeedVerdicts)
        .metric("per_seed", perSeed)
        .metric("load_average_start", loadBefore)
        .metric("load_average_end", loadAfter)
        .metric("preset", Map.of("hidden", p.hidden(), "depth", p.depth(), "heads", p.heads(), "swiglu", p.swiglu(),
        "gelu", p.gelu(), "train_images", p.trainImages(), "test_images", p.testImages(), "epochs", p.epochs(),
        "batch", p.batch(), "lr", p.lr()));

    result.reference("table2_plain_top1_visionllama_vs_deit3", Map.of("S", "81.6 vs 81.4", "B", "83.6 vs 83.8", "L", "84.6 vs 84.5"))
        .reference("table11_L_at_512_768_deit3", List.of(82.1, 76.5))
        .reference("table11_L_at_512_768_visionllama", List.of(83.5, 79.1))
        .reference("table12_pyramid_S_224_448_512", Map.of(
        "1D RoPE", List.of(81.5, 0.01, 0.01),
        "2D RoPE", List.of(81.6, 79.5, 78.4),
        "NTK", List.of(81.6, 79.6, 78.5),
        "AS2DRoPE", List.of(81.6, 80.3, 79.5)));

    String notes =
        "Fashion-MNIST 28 px, patch 4 (7x7 tokens), preset " + p.name() + ", seeds 0-" + (runs.size() - 1) + ". 1A reproduced if"
            + " VisionLLaMA's final top-1 >= ViT - 0.3 pp and its epoch-1 top-1 >= ViT's; 1B reproduced if at 56 px (2x) AS2DRoPE >= 2D"
            + " RoPE and NTK, 2D RoPE beats 1D RoPE by >= 10 pp, and AS2DRoPE loses less accuracy than the ViT with interpolated"
            + " embeddings. reproduced = 1A and 1B on the mean over seeds; per seed: 1A in " + seeds1a + " of " + runs.size()
            + ", 1B in " + seeds1b + " of " + runs.size() + (runs.size() < p.seeds() ? " (the time budget of "
            + (int) p.seedBudgetS() + " s left no room for seed " + runs.size() + ")" : "") + ". Test images upsampled bilinearly, no retraining or fine-tuning at the"
            + " new resolution (as the paper's Tables 11/12); 64 px is the paper's 512/224 ratio. " + p.testImages()
            + " test images (one standard error is about 1 pp at 2,000). Load average (1/5/15 min) at start " + loadBefore
            + ", at end " + loadAfter + " on a 2-core machine.";

    double[] epochs = new double[plainMean.size()];
    for (int i = 0; i < epochs.length; i++) epochs[i] = i + 1;
    Plot.line("Test top-1 vs epoch, mean of " + runs.size() + " seeds (experiment 1A)").xLabel("epoch").yLabel("top-1")
        .series("VisionLLaMA (2D RoPE)", epochs, arr(plainMean))
        .series("ViT (abs. PE)", epochs, arr(vitMean))
        .series("VisionLLaMA (1D RoPE)", epochs, arr(rope1dMean))
        .write(outDir.resolve("accuracy_vs_epoch.png"));
    double[] res = new double[RESOLUTIONS.length];
    for (int i = 0; i < res.length; i++) res[i] = RESOLUTIONS[i];
    var chart = Plot.line("Test top-1 vs resolution, trained at 28 px, mean of " + runs.size() + " seeds (experiment 1B)")
        .xLabel("test side (px)").yLabel("top-1");
    for (Map.Entry<String, double[]> e : armMean.entrySet()) chart.series(e.getKey(), res, e.getValue());
    chart.write(outDir.resolve("accuracy_vs_resolution.png"));

    AtomicFiles.writeString(outDir.resolve("README.md"),
        readme(p, runs, plainMean, vitMean, rope1dMean, spread, overall, seeds1a, seeds1b, runtime, loadBefore, loadAfter));
    return result.reproduced(overall.claim1a() && overall.claim1b()).notes(notes).build();
  }

  /** Trains the three arms with {@code seed} (data order, initialisation, augmentation) and evaluates them. */
  private static SeedRun runSeed(VisionLlamaPreset p, FashionMnist.Split train, FashionMnist.Split test, long seed)
      throws java.io.IOException {
    Engine.seed(seed);
    FashionMnistData data = new FashionMnistData(train, test, p.trainImages(), p.testImages(), p.batch(), 2, seed);
    Path work = Files.createTempDirectory("visionllama-repro");
    VisionTraining.Recipe recipe = p.recipe();
    ProgressBar.Mode mode = ProgressBar.detectMode();
    VisionTraining.Run plain = VisionTraining.train(p.config("plain", "2d"), data, p.epochs(), 0, recipe, seed, work.resolve("plain"), mode);
    VisionTraining.Run vit = VisionTraining.train(p.config("vit", "2d"), data, p.epochs(), 0, recipe, seed, work.resolve("vit"), mode);
    VisionTraining.Run rope1d = VisionTraining.train(p.config("plain", "1d"), data, p.epochs(), 0, recipe, seed, work.resolve("rope1d"), mode);
    // 1B: one row per arm, accuracy at each resolution. At 28 px the unscaled, auto-scaled and ViT arms
    // are the trained models as evaluated after the last epoch (same test images; AS2DRoPE is the
    // identity there), so only NTK needs a new pass.
    Map<String, double[]> arms = new LinkedHashMap<>();
    arms.put(ROPE1D, sweep(rope1d.model().positionRule(PositionRule.UNSCALED), data, rope1d.finalAccuracy()));
    arms.put(ROPE2D, sweep(plain.model().positionRule(PositionRule.UNSCALED), data, plain.finalAccuracy()));
    arms.put(NTK, sweep(plain.model().positionRule(PositionRule.NTK), data, Double.NaN));
    arms.put(AS2D, sweep(plain.model().positionRule(PositionRule.AUTO_SCALE), data, plain.finalAccuracy()));
    arms.put(VIT, sweep(vit.model(), data, vit.finalAccuracy()));
    deleteTree(work); // Trainer checkpoints of the three arms; the report keeps what matters
    return new SeedRun(seed, plain.epochAccuracy(), vit.epochAccuracy(), rope1d.epochAccuracy(), arms, plain.seconds(),
        vit.seconds());
  }

  /** Rows of top-1 per resolution as {arm: {"28px": acc, ...}} for result.json. */
  static Map<String, Object> table(Map<String, double[]> arms) {
    Map<String, Object> table = new LinkedHashMap<>();
    for (Map.Entry<String, double[]> e : arms.entrySet()) {
      Map<String, Object> row = new LinkedHashMap<>();
      for (int i = 0; i < RESOLUTIONS.length; i++) row.put(RESOLUTIONS[i] + "px", e.getValue()[i]);
      table.put(e.getKey(), row);
    }
    return table;
  }

  private static List<Double> meanCurve(List<SeedRun> runs, java.util.function.Function<SeedRun, List<Double>> curve) {
    List<Double> mean = new ArrayList<>();
    int n = curve.apply(runs.get(0)).size();
    for (int e = 0; e < n; e++) {
      final int i = e;
      mean.add(runs.stream().mapToDouble(r -> curve.apply(r).get(i)).average().orElseThrow());
    }
    return mean;
  }

  private static double last(List<Double> a) {
    return a.get(a.size() - 1);
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    try (var paths = Files.walk(dir)) {
      for (Path f : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
    }
  }

  private static double[] arr(List<Double> a) {
    double[] d = new double[a.size()];
    for (int i = 0; i < d.length; i++) d[i] = a.get(i);
    return d;
  }

  /** Top-1 at each of {@link #RESOLUTIONS}; {@code at28} is reused when already measured (not NaN). */
  static double[] sweep(ImageClassifier m, FashionMnistData data, double at28) {
    double[] acc = new double[RESOLUTIONS.length];
    for (int i = 0; i < RESOLUTIONS.length; i++) {
      acc[i] = RESOLUTIONS[i] == 28 && !Double.isNaN(at28) ? at28 : Accuracy.of(m, m::forward, data, RESOLUTIONS[i]);
    }
    return acc;
  }

  private static String p(double a) {
    return String.format(Locale.ROOT, "%.2f", 100 * a);
  }

  private static String yes(boolean b) {
    return b ? "yes" : "no";
  }

  private static String readme(VisionLlamaPreset p, List<SeedRun> runs, List<Double> plain, List<Double> vit, List<Double> rope1d,
      Map<String, Object> spread, Verdicts overall, int seeds1a, int seeds1b, double runtime, String loadBefore, String loadAfter) {
    int n = runs.size();
    StringBuilder b = new StringBuilder();
    b.append("# VisionLLaMA (arXiv 2403.00522) — small-scale reproduction\n\n");
    b.append(String.format(Locale.ROOT,
        "Preset `%s`: Fashion-MNIST 28×28, patch 4, d %d, depth %d, heads %d (SwiGLU %d vs GELU %d), %d training / %d test images, "
            + "%d epochs, batch %d, no LayerScale in either arm, AdamW peak lr %s wd 0.05, cosine with min(100, 10%% of the steps) warm-up steps, "
            + "crop+flip, label smoothing 0.1. Seeds 0-%d (each seed sets the initialisation, data order and augmentation of all three arms). "
            + "Total %.0f s on 2 CPU cores; load average (1/5/15 min) %s at the start and %s at the end.%n%n",
        p.name(), p.hidden(), p.depth(), p.heads(), p.swiglu(), p.gelu(), p.trainImages(), p.testImages(), p.epochs(), p.batch(), p.lr(),
        n - 1, runtime, loadBefore, loadAfter));
    b.append(String.format(Locale.ROOT, "**Reproduced (on the mean over %d seeds): %s.** 1A holds in %d of %d seeds, 1B in %d of %d.%n%n",
        n, yes(overall.claim1a() && overall.claim1b()), seeds1a, n, seeds1b, n));
    b.append("## 1A: VisionLLaMA vs ViT at equal width, depth and recipe (paper Table 2: parity; Fig. 3: faster convergence)\n\n");
    b.append("Mean over seeds, top-1 (%):\n\n| epoch | VisionLLaMA (2D RoPE) | ViT (abs. PE) | VisionLLaMA (1D RoPE) |\n|---|---|---|---|\n");
    for (int e = 0; e < plain.size(); e++) {
      b.append("| ").append(e + 1).append(" | ").append(p(plain.get(e))).append(" | ").append(p(vit.get(e))).append(" | ")
          .append(p(rope1d.get(e))).append(" |\n");
    }
    b.append("\nPaper (ImageNet-1k top-1, Table 2, plain VisionLLaMA vs DeiT3): S 81.6 vs 81.4, B 83.6 vs 83.8, L 84.6 vs 84.5.\n\n");
    b.append("## 1B: resolution generalisation without retraining (paper Tables 11/12)\n\n");
    b.append("Test images bilinearly upsampled; top-1 (%), mean ± sample std over seeds [min, max]:\n\n| arm |");
    for (int r : RESOLUTIONS) b.append(' ').append(r).append(" px (").append(r / 4).append('×').append(r / 4).append(") |");
    b.append("\n|---|").append("---|".repeat(RESOLUTIONS.length)).append('\n');
    for (Map.Entry<String, Object> e : spread.entrySet()) {
      b.append("| ").append(e.getKey()).append(" |");
      @SuppressWarnings("unchecked")
      Map<String, Map<String, Double>> row = (Map<String, Map<String, Double>>) e.getValue();
      for (int r : RESOLUTIONS) {
        Map<String, Double> s = row.get(r + "px");
        b.append(String.format(Locale.ROOT, " %.2f ± %.2f [%.2f, %.2f] |", 100 * s.get("mean"), 100 * s.get("std"),
            100 * s.get("min"), 100 * s.get("max")));
      }
      b.append('\n');
    }
    b.append("\nPaper Table 12 (pyramid S, trained at 224; 224 / 448 / 512): 1D RoPE 81.5 / 0.01 / 0.01; 2D RoPE 81.6 / 79.5 / 78.4; "
        + "NTK 81.6 / 79.6 / 78.5; AS2DRoPE 81.6 / 80.3 / 79.5. Table 11 (plain L, 512 / 768): DeiT3 82.1 / 76.5, VisionLLaMA 83.5 / 79.1. "
        + "56 px is 2× the training side (as 448/224), 64 px 2.29× (as 512/224).\n\n");
    b.append("## Verdicts per seed and on the mean\n\n| | 1A parity | 1A faster (epoch 1) | 1A | AS2D best RoPE at 56 | 1D collapses | "
        + "AS2D drops less than ViT | 1B |\n|---|---|---|---|---|---|---|---|\n");
    for (SeedRun s : runs) verdictRow(b, "seed " + s.seed(), s.verdicts());
    verdictRow(b, "mean of " + n + " seeds", overall);
    b.append("\n![accuracy vs epoch](accuracy_vs_epoch.png)\n\n![accuracy vs resolution](accuracy_vs_resolution.png)\n\n");
    b.append("Caveats: tiny models and a small test subset; the class token is rotated by angle 0 "
        + "(the official code indexes it as −1). Table 12 is a pyramid model, whose windowed LSA layers use window-local "
        + "coordinates that no resolution changes; this reproduction uses the plain model, where every layer attends globally "
        + "over the whole grid (see docs/visionllama.md, \"Evaluation protocol\").\n");
    return b.toString();
  }

  private static void verdictRow(StringBuilder b, String label, Verdicts v) {
    b.append("| ").append(label).append(" | ").append(yes(v.parity())).append(" | ").append(yes(v.faster())).append(" | **")
        .append(yes(v.claim1a())).append("** | ").append(yes(v.asBest())).append(" | ").append(yes(v.oneDCollapses())).append(" | ")
        .append(yes(v.asBeatsVit())).append(" | **").append(yes(v.claim1b())).append("** |\n");
  }
}
