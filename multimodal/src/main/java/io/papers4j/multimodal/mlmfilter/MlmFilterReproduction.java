package io.papers4j.multimodal.mlmfilter;

import io.papers4j.core.io.AtomicFiles;
import io.papers4j.core.report.Machine;
import io.papers4j.core.report.Plot;
import io.papers4j.core.report.Result;
import io.papers4j.core.report.TimedReproduction;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.train.SideBySide;
import io.papers4j.multimodal.vlm.Clip;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * {@code papers4j reproduce mlm-filter}: claims (i)-(iv) of the research note's §3(e) on the noisy
 * procedural pool: (i) the MLM filter (ITM, ODF, ITM AND ODF) beats CLIPScore downstream at equal
 * retained fraction over the seeds; (ii) CTQ and SU alone fall below CLIPScore; (iii) the filter's
 * scores correlate with the oracle better than CLIPScore (ρ gap ≥ 0.1); (iv) score-uniform
 * re-balancing of the instructions reduces score bias against the natural (teacher-distributed) mix.
 */
public final class MlmFilterReproduction extends TimedReproduction {
  /**
   * Sizes of a preset. {@code pretrainedClip}: a CLIP pretrained on clean scene captions apart from the pool
   * ({@link ClipPretraining}) gives CLIPScore and both filters' ViT, as OpenAI's CLIP gives the paper's CLIPScore and
   * LLaVA's vision tower; null = the CLIPScore model is the downstream recipe trained {@code clipScoreSteps} on the pool it
   * then scores, and each filter's ViT starts from its own random initialisation. {@code format}: how both filters' scored
   * answers are written ({@link AnswerFormat}).
   */
  record Preset(MlmFilterConfig config, int sourcePairs, int scoredKept, int generic, double sigma, int filterSteps, int filterBatch,
      double lr, double visionLrScale, double gateInit, int pool, double keep, int clipScoreSteps, int downSteps, int downBatch, int seeds, int evalPerTask, int ablationPairs,
      List<String> downstream, ClipPretraining.Options pretrainedClip, AnswerFormat format) {}

  static final List<String> FILTERS = List.of("no_filter", "basic", "clipscore", "itm", "odf", "ctq", "su", "itm_and_odf", "oracle_itm");
  /**
   * The filters a claim reads downstream: the check (no filter, oracle), (i) (CLIPScore, ITM, ODF, ITM AND ODF) and
   * (ii) (CTQ, SU). The basic filter is a row of the paper's table that no claim compares.
   */
  static final List<String> CLAIM_FILTERS = FILTERS.stream().filter(f -> !f.equals("basic")).toList();

  public MlmFilterReproduction() {
    super("mlm-filter", "2403.02677", "MLM-Filter: a fine-tuned VLM as image-text data filter vs CLIPScore (ITM, ODF, CTQ, SU)",
        "filtering with the fine-tuned MLM's ITM/ODF scores beats CLIPScore downstream at equal retained fraction; CTQ and SU alone "
            + "are worse than CLIPScore; MLM scores agree with the oracle better than CLIPScore; score-uniform instruction sampling reduces score bias");
  }

  static Preset preset(String name) {
    return switch (name) {
      case "smoke" -> new Preset(MlmFilterConfig.tiny(), 40, 80, 20, 5, 3, 8, 1e-3, 0, 1.0, 60, 0.3, 2, 2, 8, 1, 12, 16, CLAIM_FILTERS,
          new ClipPretraining.Options(3, 8, 4, 7004), AnswerFormat.PLAIN);
      // the CLIP: 1,000 batches of 64 in shape groups of 4 (64,000 new pairs, 188 s on one thread), the one of four
      // pretrainings that read shape best zero-shot (47.3% with libtorch's AVX2 kernels, 46.0% with its AVX-512 ones;
      // docs/mlm-filter.md); the filters keep its tower frozen
      case "quick" -> new Preset(MlmFilterConfig.quick(), 1000, 2400, 600, 5, 400, 32, 2e-3, 0, 1.0, 1000, 0.3, 350, 350, 32, 3, 150, 120, CLAIM_FILTERS,
          new ClipPretraining.Options(1000, 64, 4, 7004), AnswerFormat.PLAIN);
      case "full" -> new Preset(MlmFilterConfig.full(), 10000, 4000, 4600, 5, 4000, 32, 5e-4, 1, 0, 20000, 0.3, 2000, 1500, 64, 3, 500, 2000, FILTERS, null, AnswerFormat.PLAIN);
      default -> throw new IllegalArgumentException("unknown preset " + name + " (quick, full)");
    };
  }

  @Override
  protected Result reproduce(String presetName, Path outDir, Context run) throws Exception {
    Engine.init(2);
    Preset p = preset(presetName);
    WebPool.Sources sources = WebPool.Sources.standard();
    Engine.seed(0);
    log(run, "building the pool of " + p.pool() + " pairs and the held-out tasks");
    List<WebPool.Pair> pool = WebPool.build(p.pool(), 1_000_000L, sources);
    Downstream.Tasks tasks = Downstream.tasks(p.evalPerTask(), 424_242L);
    List<WebPool.Pair> heldOut = WebPool.build(p.ablationPairs(), 2_000_000L, sources);

    int workers = Machine.cores();
    Map<String, double[]> scores = new LinkedHashMap<>();
    scores.put("no_filter", new double[pool.size()]); // all equal: the first 30% of a shuffled pool, a random subset
    scores.put("basic", pool.stream().mapToDouble(x -> Filtering.basic(x.caption())).toArray());
    scores.put("oracle_itm", truth(pool, Metric.ITM));
    List<String> trained = p.downstream();
    Map<String, List<Map<String, Double>>> down = new LinkedHashMap<>();
    for (String f : trained) down.put(f, new ArrayList<>());
    Map<String, Double> pretrainedZeroShot = null;
    Clip pretrained = null;
    if (p.pretrainedClip() != null) {
      ClipPretraining.Options po = p.pretrainedClip();
      // the pretraining is one training on one thread; the downstream trainings on subsets no model chooses (no filter,
      // the oracle's ITM) fill the other cores meanwhile. Each draws only from its own seeds: the numbers are those of a
      // one-by-one run
      List<String> free = trained.stream().filter(scores::containsKey).toList();
      log(run, "pretraining the CLIP on " + po.steps() * po.batch() + " clean scene captions apart from the pool (shape groups of " + po.group()
          + "), beside the downstream trainings of " + free);
      java.util.Set<Long> apart = ClipPretraining.sceneSeeds(pool);
      apart.addAll(ClipPretraining.sceneSeeds(heldOut));
      List<Callable<Object>> first = new ArrayList<>();
      first.add(() -> ClipPretraining.pretrain(ClipPretraining.config(p.config().vision()), po, apart, null));
      for (int seed = 0; seed < p.seeds(); seed++) {
        for (String f : free) {
          Callable<Map<String, Double>> job = downstreamJob(pool, scores.get(f), p, 1000 + seed, tasks);
          first.add(job::call);
        }
      }
      List<Object> done = SideBySide.run(first, workers);
      pretrained = (Clip) done.get(0);
      int j = 1;
      for (int seed = 0; seed < p.seeds(); seed++) {
        for (String f : free) down.get(f).add(castResult(done.get(j++)));
      }
      pretrainedZeroShot = Downstream.evaluate(pretrained, tasks);
    }
    Clip tower = pretrained;
    log(run, "training the filter (score-uniform instructions), the ablation filter (natural score distribution)"
        + (tower == null ? " and the CLIPScore model" : ", both with the pretrained CLIP's tower") + ", " + workers + " at a time");
    MlmFilterTraining.Options fo = new MlmFilterTraining.Options(p.filterSteps(), p.filterBatch(), p.lr(), 0, p.visionLrScale(), p.gateInit());
    List<Callable<Object>> models = new ArrayList<>(List.of(
        () -> MlmFilterTraining.train(p.config(), recipe(p, true, fo), sources, null,
            io.papers4j.core.tensor.Precision.F32, tower),
        () -> MlmFilterTraining.train(p.config(), recipe(p, false, fo), sources, null,
            io.papers4j.core.tensor.Precision.F32, tower)));
    // without a pretrained CLIP, the CLIPScore model is the downstream recipe on the whole pool: trained 150 steps with a
    // sixth as warm-up it kept mostly icons and emoji (33 scenes of 300) and agreed with the oracle at Pearson 0.079; 350
    // with the fixed warm-up, 0.263
    if (tower == null) models.add(() -> Downstream.train(pool, p.clipScoreSteps(), p.downBatch(), 77));
    List<Object> built = SideBySide.run(models, workers);
    MlmFilterModel filter = (MlmFilterModel) built.get(0), natural = (MlmFilterModel) built.get(1);
    Clip clipScorer = tower != null ? tower : (Clip) built.get(2);

    log(run, "scoring the pool (4 metrics) and the baselines");
    Map<Metric, double[]> mlm = new LinkedHashMap<>();
    long malformed = 0;
    List<Callable<PoolScorer.Scores>> scoring = new ArrayList<>();
    for (Metric m : Metric.values()) scoring.add(() -> scoreAll(filter, pool, m)); // the model is only read: one copy serves all
    List<PoolScorer.Scores> scored = SideBySide.run(scoring, workers);
    Map<Metric, Long> malformedBy = new LinkedHashMap<>();
    for (Metric m : Metric.values()) {
      mlm.put(m, values(scored.get(m.ordinal())));
      malformed += scored.get(m.ordinal()).malformed();
      malformedBy.put(m, scored.get(m.ordinal()).malformed());
    }
    double[] clipScore = Downstream.clipScores(clipScorer, pool.stream().map(WebPool.Pair::image).toList(), pool.stream().map(WebPool.Pair::caption).toList(), 128);
    scores.put("clipscore", clipScore);
    scores.put("itm", mlm.get(Metric.ITM));
    scores.put("odf", mlm.get(Metric.ODF));
    scores.put("ctq", mlm.get(Metric.CTQ));
    scores.put("su", mlm.get(Metric.SU));
    scores.put("itm_and_odf", Filtering.and(mlm.get(Metric.ITM), mlm.get(Metric.ODF)));

    List<String> left = trained.stream().filter(f -> down.get(f).isEmpty()).toList();
    log(run, "downstream: " + left.size() + " filters × " + p.seeds() + " seeds, " + workers + " trainings at a time");
    List<Callable<Map<String, Double>>> jobs = new ArrayList<>();
    for (int seed = 0; seed < p.seeds(); seed++) {
      for (String f : left) jobs.add(downstreamJob(pool, scores.get(f), p, 1000 + seed, tasks));
    }
    List<Map<String, Double>> results = SideBySide.run(jobs, workers);
    for (int j = 0; j < jobs.size(); j++) down.get(left.get(j % left.size())).add(results.get(j));
    log(run, "downstream done");

    // (iii) agreement with the oracle (the stand-in for the paper's human scores)
    Map<String, Double> corr = new LinkedHashMap<>();
    for (Metric m : Metric.values()) {
      corr.put(key(m) + "_pearson", Filtering.pearson(mlm.get(m), truth(pool, m)));
      corr.put(key(m) + "_spearman", Filtering.spearman(mlm.get(m), truth(pool, m)));
    }
    corr.put("clipscore_vs_oracle_itm_pearson", Filtering.pearson(clipScore, truth(pool, Metric.ITM)));
    corr.put("clipscore_vs_oracle_itm_spearman", Filtering.spearman(clipScore, truth(pool, Metric.ITM)));
    corr.put("clipscore_vs_oracle_odf_pearson", Filtering.pearson(clipScore, truth(pool, Metric.ODF)));

    // (iv) score-uniform vs natural instructions on held-out pairs
    Map<String, Double> ablation = new LinkedHashMap<>();
    Map<Metric, double[][]> hist = new LinkedHashMap<>();
    double pu = 0, pn = 0, tvu = 0, tvn = 0;
    for (Metric m : Metric.values()) {
      double[] u = values(scoreAll(filter, heldOut, m)), n = values(scoreAll(natural, heldOut, m)), t = truth(heldOut, m);
      double[] hu = histogram(u), hn = histogram(n), ht = histogram(t);
      hist.put(m, new double[][] {hu, hn, ht});
      ablation.put(key(m) + "_uniform_pearson", Filtering.pearson(u, t));
      ablation.put(key(m) + "_natural_pearson", Filtering.pearson(n, t));
      ablation.put(key(m) + "_uniform_tv", tv(hu, ht));
      ablation.put(key(m) + "_natural_tv", tv(hn, ht));
      pu += Filtering.pearson(u, t) / 4;
      pn += Filtering.pearson(n, t) / 4;
      tvu += tv(hu, ht) / 4;
      tvn += tv(hn, ht) / 4;
    }

    // claims
    Map<String, double[]> avg = new LinkedHashMap<>();
    down.forEach((f, runs) -> avg.put(f, runs.stream().mapToDouble(x -> x.get("average")).toArray()));
    Map<String, Boolean> beats = new LinkedHashMap<>();
    for (String f : List.of("itm", "odf", "itm_and_odf")) beats.put(f, beatsClear(avg.get(f), avg.get("clipscore")));
    boolean c1 = beats.values().stream().allMatch(b -> b);
    double clipMean = mean(avg.get("clipscore"));
    boolean c2 = mean(avg.get("ctq")) < clipMean && mean(avg.get("su")) < clipMean;
    double rhoGap = corr.get("itm_pearson") - corr.get("clipscore_vs_oracle_itm_pearson");
    boolean c3 = rhoGap >= 0.1;
    boolean c4 = pu > pn && tvu < tvn;
    // (i) and (ii) compare filters through the downstream recipe; they test nothing unless the recipe at least
    // separates the oracle's own ITM subset from a random one (at quick size it does not: docs/mlm-filter.md)
    boolean separates = beatsClear(avg.get("oracle_itm"), avg.get("no_filter"));

    writePlots(outDir, hist, avg);
    Result.Builder r = run.result().seed(0);
    for (String f : down.keySet()) {
      for (String task : Downstream.TASKS) r.metric("down_" + f + "_" + task, mean(down.get(f).stream().mapToDouble(x -> x.get(task)).toArray()));
      r.metric("down_" + f + "_average", mean(avg.get(f)));
      r.metric("down_" + f + "_average_std", std(avg.get(f)));
    }
    corr.forEach(r::metric);
    ablation.forEach(r::metric);
    r.metric("ablation_mean_pearson_uniform", pu).metric("ablation_mean_pearson_natural", pn)
        .metric("ablation_mean_tv_uniform", tvu).metric("ablation_mean_tv_natural", tvn)
        .metric("malformed_outputs", malformed).metric("scored_prompts", (long) pool.size() * 4)
        .metric("downstream_oracle_beats_random", separates).metric("claim_i_mlm_beats_clipscore", c1).metric("claim_ii_ctq_su_below_clipscore", c2)
        .metric("clipscore_model", pretrained != null ? "pretrained apart from the pool" : "trained on the pool")
        .metric("claim_iii_rho_gap", rhoGap).metric("claim_iii_oracle_agreement", c3).metric("claim_iv_uniform_less_bias", c4);
    malformedBy.forEach((m, n) -> r.metric("malformed_" + key(m), n));
    r.metric("answer_format", p.format().name().toLowerCase(Locale.ROOT));
    beats.forEach((f, b) -> r.metric("claim_i_" + f, b));
    if (pretrainedZeroShot != null) pretrainedZeroShot.forEach((t, v) -> r.metric("pretrained_clip_" + t, v));
    r.reference("datacomp_medium_avg38_clipscore", 32.8).reference("datacomp_medium_avg38_itm_gpt4v", 34.2)
        .reference("datacomp_medium_avg38_odf_gpt4v", 33.7).reference("datacomp_medium_avg38_ctq_gpt4v", 30.9)
        .reference("datacomp_medium_avg38_su_gpt4v", 24.0).reference("datacomp_medium_avg38_itm_and_odf_gpt4v", 34.5)
        .reference("datacomp_medium_avg38_basic", 28.5).reference("datacomp_medium_avg38_no_filter", 25.8)
        .reference("human_pearson_clipscore", 0.164).reference("human_pearson_itm_gpt4v", 0.328).reference("human_pearson_odf_gpt4v", 0.368);
    String vision = pretrained != null
        ? String.format(Locale.ROOT, "its ViT the pretrained CLIP's tower at %s× the learning rate", p.visionLrScale())
        : String.format(Locale.ROOT, "its own random ViT at %s× the learning rate", p.visionLrScale());
    String clipScoreModel = pretrained != null
        ? String.format(Locale.ROOT, "CLIPScore from a CLIP pretrained on %d clean scene captions apart from the pool (%d steps × %d in shape groups of %d, "
            + "seed %d; zero-shot on the held-out renders: shape %.1f%%, colour %.1f%%, average %.1f%%)", p.pretrainedClip().steps() * p.pretrainedClip().batch(),
            p.pretrainedClip().steps(), p.pretrainedClip().batch(), p.pretrainedClip().group(), p.pretrainedClip().seed(), pretrainedZeroShot.get("shape"),
            pretrainedZeroShot.get("colour"), pretrainedZeroShot.get("average"))
        : String.format(Locale.ROOT, "CLIPScore model %d steps on the whole pool it scores (nothing pretrained)", p.clipScoreSteps());
    String notes = String.format(Locale.ROOT, "preset %s: pool %d pairs (15%% Tango icons, 15%% Noto emoji), keep %.0f%%, filter %d steps × %d (%s, cross-attention gates starting at %s, %s scores) from %d source pairs "
        + "(%d scored instructions kept + %d generic, teacher σ %.0f), %s, downstream CLIP %d steps × %d, "
        + "%d seed(s), %d held-out images per task; %d malformed outputs of %d scored prompts; load at start %s, %d cores of %s "
        + "(trainings and scoring side by side, %d at a time on one intra-op thread each). "
        + "The filter's decoder and every downstream CLIP train from scratch; one teacher noise level (σ %.0f) was run.",
        run.preset(), p.pool(), 100 * p.keep(), p.filterSteps(), p.filterBatch(), vision, p.gateInit(), p.format().name().toLowerCase(Locale.ROOT), p.sourcePairs(), p.scoredKept(), p.generic(), p.sigma(),
        clipScoreModel, p.downSteps(), p.downBatch(), p.seeds(), p.evalPerTask(), malformed, pool.size() * 4, run.loadAtStart(),
        workers, Machine.cpu(), workers, p.sigma());
    AtomicFiles.writeString(outDir.resolve("README.md"), readme(down, avg, corr, ablation, pu, pn, tvu, tvn, beats, c1, c2, c3, c4, rhoGap, separates, notes));
    return r.reproduced(c1 && c2 && c3 && c4).notes(notes).build();
  }

  /** A filter's recipe in preset {@code p}: score-uniform ({@code uniform}) or natural instructions, answers in the preset's format. */
  static MlmFilterTraining.Recipe recipe(Preset p, boolean uniform, MlmFilterTraining.Options fo) {
    return new MlmFilterTraining.Recipe(p.sourcePairs(), p.scoredKept(), p.generic(), p.sigma(), uniform, fo, 0, p.format());
  }

  /** The downstream recipe on the top {@code keep} of the pool by {@code score}, seed {@code seed}, evaluated. */
  private static Callable<Map<String, Double>> downstreamJob(List<WebPool.Pair> pool, double[] score, Preset p, long seed, Downstream.Tasks tasks) {
    List<WebPool.Pair> subset = new ArrayList<>();
    for (int i : Filtering.keep(score, p.keep())) subset.add(pool.get(i));
    return () -> {
      try (PointerScope scope = new PointerScope()) {
        return Downstream.evaluate(Downstream.train(subset, p.downSteps(), p.downBatch(), seed), tasks);
      }
    };
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Double> castResult(Object o) {
    return (Map<String, Double>) o;
  }

  private static void log(Context run, String what) {
    System.err.printf(Locale.ROOT, "mlm-filter [%4.0f s]: %s%n", run.seconds(), what);
  }

  static PoolScorer.Scores scoreAll(MlmFilterModel m, List<WebPool.Pair> pairs, Metric metric) {
    List<PoolScorer.Item> items = pairs.stream().map(x -> new PoolScorer.Item(x.id(), x.caption(), x::image)).toList();
    return PoolScorer.score(items, metric, 128, null, PoolScorer.of(m), null);
  }

  static double[] values(PoolScorer.Scores s) {
    return s.byId().values().stream().mapToDouble(Double::doubleValue).toArray();
  }

  static double[] truth(List<WebPool.Pair> pairs, Metric m) {
    return pairs.stream().mapToDouble(x -> x.truth().score(m)).toArray();
  }

  private static String key(Metric m) {
    return m.name().toLowerCase(Locale.ROOT);
  }

  /** Fractions in 10 score bins (malformed scores left out). */
  static double[] histogram(double[] v) {
    double[] h = new double[10];
    int n = 0;
    for (double x : v) {
      if (Double.isNaN(x)) continue;
      h[ScoreUniform.bin((int) Math.round(x), 10)]++;
      n++;
    }
    for (int i = 0; i < 10; i++) h[i] /= Math.max(1, n);
    return h;
  }

  /** Total-variation distance of two histograms. */
  static double tv(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
    return s / 2;
  }

  /** Every seed above the baseline, and the mean margin larger than the seed std of the differences. */
  static boolean beatsClear(double[] a, double[] base) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i] - base[i];
      if (d[i] <= 0) return false;
    }
    return mean(d) > std(d);
  }

  static double mean(double[] v) {
    return Arrays.stream(v).average().orElse(Double.NaN);
  }

  static double std(double[] v) {
    if (v.length < 2) return 0;
    double m = mean(v), s = 0;
    for (double x : v) s += (x - m) * (x - m);
    return Math.sqrt(s / (v.length - 1));
  }

  private static void writePlots(Path dir, Map<Metric, double[][]> hist, Map<String, double[]> avg) throws Exception {
    double[] x = new double[10];
    for (int i = 0; i < 10; i++) x[i] = 5 + 10 * i;
    for (var e : hist.entrySet()) {
      Plot.line("Held-out " + e.getKey().name() + " scores: filter vs oracle").xLabel("score bin").yLabel("fraction of pairs")
          .series("score-uniform filter", x, e.getValue()[0]).series("natural-mix filter", x, e.getValue()[1])
          .series("oracle", x, e.getValue()[2]).write(dir.resolve("histogram_" + key(e.getKey()) + ".png"));
    }
    List<String> rows = List.copyOf(avg.keySet());
    double[] means = new double[rows.size()], stds = new double[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      means[i] = mean(avg.get(rows.get(i)));
      stds[i] = std(avg.get(rows.get(i)));
    }
    Plot.bar("Downstream zero-shot average at equal retained fraction").labels(rows).values(means).errors(stds)
        .yLabel("average accuracy / R@1 (%)").write(dir.resolve("downstream.png"));
  }

  private static String readme(Map<String, List<Map<String, Double>>> down, Map<String, double[]> avg, Map<String, Double> corr,
      Map<String, Double> ablation, double pu, double pn, double tvu, double tvn, Map<String, Boolean> beats, boolean c1, boolean c2,
      boolean c3, boolean c4, double rhoGap, boolean separates, String notes) {
    Map<String, String> paper = Map.of("no_filter", "25.8", "basic", "28.5", "clipscore", "32.8", "itm", "34.2", "odf", "33.7", "ctq", "30.9",
        "su", "24.0", "itm_and_odf", "34.5");
    StringBuilder b = new StringBuilder("# MLM-Filter (arXiv 2403.02677) — small-scale reproduction\n\n");
    b.append("Downstream: the same small CLIP recipe trained on each filter's kept subset (equal fraction), zero-shot on held-out renders ")
        .append("(accuracy %; retrieval R@1 %), mean over seeds. Paper column: DataComp-medium average over 38 tasks (GPT-4V teacher rows); ")
        .append("the scales are not comparable, only the ordering is.\n\n| filter |");
    for (String t : Downstream.TASKS) b.append(' ').append(t).append(" |");
    b.append(" average ± std | paper avg-38 |\n|---|");
    for (int i = 0; i <= Downstream.TASKS.size() + 1; i++) b.append("---|");
    b.append('\n');
    for (String f : down.keySet()) {
      b.append("| ").append(f).append(" |");
      for (String t : Downstream.TASKS) b.append(String.format(Locale.ROOT, " %.1f |", mean(down.get(f).stream().mapToDouble(x -> x.get(t)).toArray())));
      b.append(String.format(Locale.ROOT, " %.2f ± %.2f | %s |%n", mean(avg.get(f)), std(avg.get(f)), paper.getOrDefault(f, "(upper bound, ours only)")));
    }
    List<String> skipped = FILTERS.stream().filter(f -> !down.containsKey(f)).toList();
    if (!skipped.isEmpty()) b.append("\nNot trained downstream at this size (no claim compares them): ").append(String.join(", ", skipped)).append(".\n");
    b.append("\nAgreement with the oracle's scores (the stand-in for the paper's human ratings; paper: Pearson CLIPScore 0.164, ")
        .append("ITM 0.328, ODF 0.368 with the GPT-4V teacher):\n\n| scores | Pearson | Spearman |\n|---|---|---|\n");
    for (Metric m : Metric.values()) {
      b.append(String.format(Locale.ROOT, "| MLM %s vs oracle %s | %.3f | %.3f |%n", key(m), key(m), corr.get(key(m) + "_pearson"), corr.get(key(m) + "_spearman")));
    }
    b.append(String.format(Locale.ROOT, "| CLIPScore vs oracle itm | %.3f | %.3f |%n| CLIPScore vs oracle odf | %.3f | |%n%n",
        corr.get("clipscore_vs_oracle_itm_pearson"), corr.get("clipscore_vs_oracle_itm_spearman"), corr.get("clipscore_vs_oracle_odf_pearson")));
    b.append("Score-uniform vs natural instruction mix, on held-out pairs (Pearson with the oracle; total-variation distance of the ")
        .append("predicted-score histogram from the oracle's; plots `histogram_<metric>.png`):\n\n| metric | Pearson uniform | Pearson natural | TV uniform | TV natural |\n|---|---|---|---|---|\n");
    for (Metric m : Metric.values()) {
      b.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f |%n", key(m), ablation.get(key(m) + "_uniform_pearson"),
          ablation.get(key(m) + "_natural_pearson"), ablation.get(key(m) + "_uniform_tv"), ablation.get(key(m) + "_natural_tv")));
    }
    b.append(String.format(Locale.ROOT, "| mean | %.3f | %.3f | %.3f | %.3f |%n%n", pu, pn, tvu, tvn));
    b.append("Claims (§3(e) pass criteria):\n\n");
    String untestable = separates ? "" : " (untestable here: see the downstream check)";
    b.append("- downstream check: the oracle's ITM subset beats the random one (no_filter) in every seed with a margin above the seed std: ")
        .append(separates).append(separates ? "\n" : "; the downstream rows measure the recipe's seed noise, not the filters\n");
    b.append("- (i) MLM filter beats CLIPScore in every seed with a margin above the seed std: ").append(c1).append(' ').append(beats)
        .append(untestable).append('\n');
    b.append("- (ii) CTQ and SU alone below CLIPScore: ").append(c2).append(untestable).append('\n');
    b.append(String.format(Locale.ROOT, "- (iii) ITM's Pearson with the oracle minus CLIPScore's ≥ 0.1: %s (gap %.3f)%n", c3, rhoGap));
    b.append("- (iv) score-uniform instructions: higher mean Pearson and lower mean TV distance than the natural mix: ").append(c4).append("\n\n");
    b.append(notes).append('\n');
    return b.toString();
  }
}
