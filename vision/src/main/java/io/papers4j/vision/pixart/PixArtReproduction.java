package io.papers4j.vision.pixart;

import io.papers4j.core.io.AtomicFiles;
import io.papers4j.core.report.Machine;
import io.papers4j.core.report.Result;
import io.papers4j.core.report.TimedReproduction;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.vision.gen.EvalClassifier;
import io.papers4j.vision.gen.LabelledImages;
import io.papers4j.vision.gen.SampleGrid;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * {@code papers4j reproduce pixart-sigma}: PixArt-Σ at toy scale on captioned Fashion-MNIST (class
 * captions through the frozen MiniLM), in two parts that {@code --part} runs alone:
 *
 * <p><b>4e</b>, spec 4(e), the KV-compression ablation (paper Tab. 3) in its weak-to-strong protocol,
 * 28×28, patch 2 (14×14 = 196 tokens, 7×7 = 49 keys when compressed):
 *
 * <ol>
 *   <li>pre-train a model without compression (ε-prediction, DDPM linear schedule) for the preset's
 *       time budget;
 *   <li>zero-shot: insert conv 2×2 compression at the deep blocks with (a) average and (b) random
 *       init, no training; score both;
 *   <li>fine-tune from the base, the same steps, data and noise for every arm: (i) no compression,
 *       (ii) deep conv avg-init, (iii) shallow conv avg-init, (iv) deep token discarding, (v) deep
 *       2×2 average pooling; score each;
 *   <li>throughput: training ms/step and sampling images/s of (i) vs (ii); forward time of one block
 *       with and without compression at 14², 28² and 56² token grids.
 * </ol>
 *
 * Scores are FD-FashionMNIST / KID / conditional accuracy in the features of the toolkit's
 * evaluation classifier (not Inception FID), at two sampling seeds; orderings use the mean of the
 * two. Reproduced = all five orderings of spec 4(e).
 *
 * <p><b>w2s</b>, the weak-to-strong adaptation curves ({@link WeakToStrongCurves}): a new
 * resolution with PE interpolation and a new autoencoder's latent space, each adapted from a weak
 * model trained in the run against the same model from scratch, FD every few steps; longer captions
 * (validation loss). Reproduced = the adapted model reaches the from-scratch model's final FD in
 * fewer steps, for every adaptation.
 *
 * <p>{@code --quick} runs part 4e (about 10 minutes on 2 cores; part w2s is another ~10 and runs
 * with {@code --quick --part w2s}); {@code --full} runs both parts at the spec's model size.
 */
public final class PixArtReproduction extends TimedReproduction {
  static final long SEED = 0;
  static final String[] ARMS = {"i_none", "ii_deep_conv", "iii_shallow_conv", "iv_deep_discard", "v_deep_pool"};
  static final List<String> PARTS = List.of("4e", "w2s");
  /** Every file a run writes besides README.md and result.json; removed first, so no plot of an earlier run stays. */
  static final List<String> REPORT_FILES = List.of("fd_per_arm.png", "block_forward_ms.png", "samples_base_cfg3.png",
      "samples_ii_deep_conv_cfg3.png", "w2s_resolution_fd.png", "w2s_vae_fd.png", "weak_to_strong_captions.png");

  /** Sizes of one run; {@code parts} are the parts it runs when none is asked for. */
  record Preset(String name, int trainImages, int realImages, int batch, int width, int depth, int heads, double pretrainBudgetS,
      long pretrainMaxSteps, long finetuneSteps, int samples, int sampleSteps, double cfg, long[] seeds, int[] grids, int timingBatch,
      int classifierSteps, WeakToStrongCurves.Sizes w2s, List<String> parts) {}

  /**
   * quick: 4(e) sized from measured rates on 2 cores (see docs/pixart-sigma.md), width 32, depth 4
   * instead of the spec's 48 / 8; its w2s sizes from the rates of short probes (docs). full: the
   * spec's model, 900 pre-training steps, 1,000 samples, and the w2s part at about 2.5× quick's
   * training (not yet run). smoke: the tests' size.
   */
  static Preset preset(String name) {
    return switch (name) {
      case "quick" -> new Preset("quick", 20_000, 1_000, 32, 32, 4, 2, 240, 3_000, 150, 250, 10, 1.0, new long[] {1, 2},
          new int[] {14, 28, 56}, 2, 0, new WeakToStrongCurves.Sizes(14, 500, 300, 3, 200, new int[] {16, 32, 32}, 4, 200, 6_000, 100, true),
          List.of("4e"));
      case "full" -> new Preset("full", 60_000, 2_000, 64, 48, 8, 4, Double.POSITIVE_INFINITY, 900, 150, 1_000, 20, 1.0, new long[] {1, 2},
          new int[] {14, 28, 56}, 4, 0, new WeakToStrongCurves.Sizes(14, 1_500, 1_000, 5, 1_000, new int[] {16, 32, 32}, 4, 1_000, 20_000, 300, true),
          PARTS);
      case "smoke" -> new Preset("smoke", 256, 100, 8, 16, 2, 2, Double.POSITIVE_INFINITY, 3, 2, 20, 2, 1.0, new long[] {1, 2},
          new int[] {4, 6}, 1, 5, new WeakToStrongCurves.Sizes(14, 2, 2, 2, 20, new int[] {8, 16, 16}, 4, 2, 64, 2, true), PARTS);
      default -> throw new IllegalArgumentException("unknown preset " + name + " (quick, full)");
    };
  }

  public PixArtReproduction() {
    super("pixart-sigma", "2403.04692",
        "PixArt-Σ: key/value token compression and weak-to-strong training of a diffusion transformer (arXiv 2403.04692)",
        "Compressing keys and values 2×2 with an average-initialised convolution in the deep layers costs little quality "
            + "(less than shallow layers, token discarding or pooling), works zero-shot on a model trained without it, and saves "
            + "more time as the token count grows; a model adapted from a weaker one (new resolution by PE interpolation, new VAE) "
            + "recovers its quality in far fewer steps than training from scratch.");
  }

  @Override
  public List<String> parts() {
    return PARTS;
  }

  @Override
  protected Result reproduce(String presetName, Path outDir, Context run) throws Exception {
    Preset p = preset(presetName);
    boolean partial = !run.parts().isEmpty();
    List<String> parts = partial ? run.parts() : p.parts();
    for (String f : REPORT_FILES) Files.deleteIfExists(outDir.resolve(f)); // no plot of an earlier run stays beside this one's verdicts
    Engine.init(2);
    Engine.seed(SEED);
    ProgressBar.Mode mode = ProgressBar.detectMode();
    Path work = Files.createTempDirectory("pixart-repro");
    PixArtText text = PixArtText.load();
    PixArtData data = PixArtData.fashionMnist(p.trainImages(), 512, p.batch(), SEED, text, PixArtData.SHORT, 16);
    EvalClassifier clf = p.classifierSteps() > 0
        ? EvalClassifier.train(LabelledImages.load("fashion-mnist", true, 512, SEED), new EvalClassifier.Recipe(p.classifierSteps(), 32, 1e-3, SEED), mode)
        : EvalClassifier.cached("fashion-mnist", EvalClassifier.Recipe.DEFAULT, 60_000, mode);
    Tensor real = PixArtData.toUnit(PixArtData.fashionTest(p.realImages()));
    PixArtEval eval = new PixArtEval(clf, real, data.caption(PixArtData.balanced(10, 10)), null);
    PixArtConfig cfg = PixArtConfig.fashionMnist().withSize(28, 2, p.width(), p.depth(), p.heads());
    String fd = eval.evaluator().fdName();
    Result.Builder b = run.result().seed(SEED);
    Map<String, Object> verdicts = new LinkedHashMap<>();
    StringBuilder sections = new StringBuilder();
    List<String> notes = new ArrayList<>();
    if (parts.contains("4e")) {
      kvAblation(p, cfg, data, eval, outDir, work, mode, b, verdicts, sections, notes);
    }
    if (parts.contains("w2s")) {
      PixArtData longData = PixArtData.fashionMnist(p.trainImages(), 512, p.batch(), SEED, text, PixArtData.LONG, 32);
      WeakToStrongCurves.Results w = WeakToStrongCurves.run(p.w2s(), cfg, data, longData, clf, real, p.sampleSteps(), p.cfg(), SEED,
          work, mode);
      WeakToStrongCurves.plots(outDir, fd, w);
      Map<String, Object> adaptations = new LinkedHashMap<>();
      for (WeakToStrongCurves.Adaptation a : w.adaptations()) {
        adaptations.put(a.name(), a.toJson());
        verdicts.put(WeakToStrongCurves.verdict(a), a.reachedInFewerSteps());
      }
      Map<String, Object> captions = new LinkedHashMap<>();
      w.captions().forEach((k, v) -> captions.put(k, v.stream().map(e -> List.of(e.step(), e.loss())).toList()));
      b.metric("weak_to_strong", adaptations).metric("weak_to_strong_long_captions_val_loss", captions)
          .reference("w2s_vae_sd15_to_sdxl", "converges in about 2K steps (paper, [2nd])")
          .reference("w2s_resolution_pe_interpolation", "usable after about 100 steps, converges in about 1K (paper, [2nd])");
      sections.append(WeakToStrongCurves.markdown(p.w2s(), w, fd, p.sampleSteps(), p.cfg(), p.batch()));
      notes.add(String.format(java.util.Locale.ROOT, "w2s: weak models %d steps, each adapted and from-scratch arm %d steps, %s of %d samples "
          + "(one sampling seed) every %d steps.", p.w2s().weakSteps(), p.w2s().steps(), fd, p.w2s().samples(), p.w2s().steps() / p.w2s().points()));
    }
    deleteTree(work);
    boolean reproduced = !verdicts.isEmpty() && verdicts.values().stream().allMatch(v -> (Boolean) v);
    double runtime = run.seconds();
    String load = Machine.loadAverage();
    String measured = partial
        ? "Only part" + (parts.size() == 1 ? " " : "s ") + String.join(", ", parts) + (parts.size() == 1 ? " was" : " were")
            + " measured in this run (" + run.startedAtUtc() + "); no other part's result is in this report."
        : "Measured " + run.startedAtUtc() + "; parts run: " + String.join(", ", parts)
            + (parts.containsAll(PARTS) ? "." : " (the quick preset; part w2s runs with `--quick --part w2s`).");
    String head = String.format(java.util.Locale.ROOT, "%s %s = Fréchet distance in the 128-d features of the toolkit's Fashion-MNIST "
        + "classifier (not Inception FID) against %d held-out images. Model width %d, depth %d, heads %d, batch %d. Load average (1/5/15 min) %s "
        + "at the start, %s at the end, %d cores.", measured, fd, p.realImages(), p.width(), p.depth(), p.heads(), p.batch(), run.loadAtStart(), load,
        Machine.cores());
    AtomicFiles.writeString(outDir.resolve("README.md"), PixArtReport.readme(p, head, sections.toString(), verdicts, reproduced, runtime,
        run.loadAtStart(), load));
    return b.runtimeS(runtime).metric("verdicts", verdicts).metric("load_average_start", run.loadAtStart()).metric("load_average_end", load)
        .reproduced(reproduced).notes(head + " " + String.join(" ", notes)).build();
  }

  /** Part 4e (see the class comment): its metrics, verdicts, README section and plots. */
  private static void kvAblation(Preset p, PixArtConfig cfg, PixArtData data, PixArtEval eval, Path outDir, Path work, ProgressBar.Mode mode,
      Result.Builder b, Map<String, Object> verdicts, StringBuilder sections, List<String> notes) throws Exception {
    List<Integer> deep = PixArtConfig.layers("deep", p.depth()), shallow = PixArtConfig.layers("shallow", p.depth());

    // 1. the weak model: no compression
    PixArt base = new PixArt(cfg, SEED, "avg");
    PixArtTraining.Run pre = PixArtTraining.train(base, data, PixArtTraining.Recipe.of(p.pretrainMaxSteps(), SEED), work.resolve("base"), mode,
        0, 4, p.pretrainBudgetS());
    long preSteps = pre.result().steps();
    Map<String, Object> baseRow = score(eval, base, p);
    baseRow.put("val_loss", pre.result().finalValLoss());

    // 2. zero-shot insertion at the deep layers
    Map<String, Map<String, Object>> zeroShot = new LinkedHashMap<>();
    for (String init : new String[] {"avg", "random"}) {
      PixArt m = new PixArt(cfg.withKv(deep, "conv"), SEED + 1, init);
      WeakToStrong.transfer(base, m);
      zeroShot.put(init, score(eval, m, p));
    }

    // 3. fine-tuned arms, same steps / data / noise
    Map<String, PixArtConfig> arms = new LinkedHashMap<>();
    arms.put(ARMS[0], cfg);
    arms.put(ARMS[1], cfg.withKv(deep, "conv"));
    arms.put(ARMS[2], cfg.withKv(shallow, "conv"));
    arms.put(ARMS[3], cfg.withKv(deep, "discard"));
    arms.put(ARMS[4], cfg.withKv(deep, "pool"));
    Map<String, Map<String, Object>> tuned = new LinkedHashMap<>();
    PixArt deepConv = null;
    for (Map.Entry<String, PixArtConfig> e : arms.entrySet()) {
      PixArt m = new PixArt(e.getValue(), SEED + 1, "avg");
      WeakToStrong.transfer(base, m);
      PixArtTraining.Run r = PixArtTraining.train(m, data, PixArtTraining.Recipe.of(p.finetuneSteps(), SEED + 1), work.resolve(e.getKey()),
          mode, 0, 4);
      Map<String, Object> row = score(eval, m, p);
      row.put("val_loss", r.result().finalValLoss());
      row.put("train_ms_per_step", r.result().msPerStep());
      row.put("train_images_per_s", r.result().itemsPerSecond());
      tuned.put(e.getKey(), row);
      if (e.getKey().equals(ARMS[1])) deepConv = m;
    }
    SampleGrid.write(eval.sample(deepConv, 40, p.sampleSteps(), 3.0, 1, null)[0], outDir.resolve("samples_ii_deep_conv_cfg3.png"), 10, true);
    SampleGrid.write(eval.sample(base, 40, p.sampleSteps(), 3.0, 1, null)[0], outDir.resolve("samples_base_cfg3.png"), 10, true);

    // 4. block forward time vs token count
    List<BlockTiming.Row> timing = BlockTiming.measure(p.grids(), p.width(), p.heads(), p.timingBatch(), 5);

    // verdicts (means over the sampling seeds)
    String fd = eval.evaluator().fdName();
    double zAvg = mean(zeroShot.get("avg"), fd), zRand = mean(zeroShot.get("random"), fd);
    double fi = mean(tuned.get(ARMS[0]), fd), fii = mean(tuned.get(ARMS[1]), fd), fiii = mean(tuned.get(ARMS[2]), fd);
    double fiv = mean(tuned.get(ARMS[3]), fd), fv = mean(tuned.get(ARMS[4]), fd);
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("zero_shot_avg_init_below_random_init", zAvg < zRand);
    v.put("finetuned_i_le_ii_lt_iii", fi <= fii && fii < fiii);
    v.put("conv_le_discard_and_pool", fii <= fiv && fii <= fv);
    v.put("deep_costs_at_most_10pct", (fii - fi) / fi <= 0.10);
    boolean grows = true;
    for (int i = 1; i < timing.size(); i++) grows &= timing.get(i).speedup() > timing.get(i - 1).speedup();
    v.put("speedup_grows_with_tokens", grows);
    verdicts.putAll(v);

    Map<String, Object> timingMap = new LinkedHashMap<>();
    for (BlockTiming.Row r : timing) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("tokens", r.tokens());
      row.put("keys_compressed", r.keys());
      row.put("ms_plain", r.msPlain());
      row.put("ms_compressed", r.msCompressed());
      row.put("speedup", r.speedup());
      timingMap.put(r.grid() + "x" + r.grid(), row);
    }
    PixArtReport.plots(outDir, fd, zeroShot, tuned, timing);
    sections.append(PixArtReport.kvSection(p, preSteps, fd, baseRow, zeroShot, tuned, timing, v));
    notes.add(String.format(java.util.Locale.ROOT, "4e: %d class-balanced samples per score (%d DDIM steps, CFG %s), mean of sampling seeds %s; "
        + "base %d steps, each arm %d fine-tuning steps.", p.samples(), p.sampleSteps(), p.cfg(), java.util.Arrays.toString(p.seeds()), preSteps,
        p.finetuneSteps()));
    b.metric("pretrain_steps", preSteps).metric("base", baseRow).metric("zero_shot_deep_conv", zeroShot).metric("finetuned", tuned)
        .metric("block_forward_ms", timingMap)
        .reference("tab3_fid_by_layers", Map.of("none", 8.244, "deep_14_27", 8.532, "middle_7_20", 9.063, "shallow_1_14", 9.278))
        .reference("tab3_fid_by_operator", Map.of("conv2x2", 8.505, "token_discarding", 8.918, "token_pooling", 9.415))
        .reference("speed_with_compression", Map.of("train_2k", "-34%", "infer_2k", "-34%", "train_4k", "-35%", "train_1k", "-18%"))
        .reference("zero_shot_conv_avg_init", "usable within ~100 fine-tuning steps (paper, [2nd])");
  }

  /** Scores at every sampling seed: per-seed metrics plus the mean and spread of FD. */
  static Map<String, Object> score(PixArtEval eval, PixArt m, Preset p) {
    Map<String, Object> row = new LinkedHashMap<>();
    String fd = eval.evaluator().fdName();
    double[] fds = new double[p.seeds().length];
    for (int i = 0; i < p.seeds().length; i++) {
      Map<String, Double> s = eval.score(m, p.samples(), p.sampleSteps(), p.cfg(), p.seeds()[i], null);
      row.put("seed" + p.seeds()[i], s);
      fds[i] = s.get(fd);
    }
    double mean = java.util.Arrays.stream(fds).average().orElse(Double.NaN);
    double spread = java.util.Arrays.stream(fds).max().orElse(0) - java.util.Arrays.stream(fds).min().orElse(0);
    row.put(fd + "_mean", mean);
    row.put(fd + "_spread", spread);
    return row;
  }

  static double mean(Map<String, Object> row, String fd) {
    return (Double) row.get(fd + "_mean");
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    try (var paths = Files.walk(dir)) {
      for (Path f : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
    }
  }
}
