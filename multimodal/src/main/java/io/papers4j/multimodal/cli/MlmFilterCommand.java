package io.papers4j.multimodal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.papers4j.core.cli.CliCommand;
import io.papers4j.core.cli.ParentCommand;
import io.papers4j.core.cli.PrecisionOption;
import io.papers4j.core.io.AtomicFiles;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tensor.Precision;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.multimodal.mlmfilter.AnswerFormat;
import io.papers4j.multimodal.mlmfilter.ClipPretraining;
import io.papers4j.multimodal.mlmfilter.Filtering;
import io.papers4j.multimodal.mlmfilter.Metric;
import io.papers4j.multimodal.mlmfilter.MlmFilterConfig;
import io.papers4j.multimodal.mlmfilter.MlmFilterModel;
import io.papers4j.multimodal.mlmfilter.MlmFilterTraining;
import io.papers4j.multimodal.mlmfilter.Pairs;
import io.papers4j.multimodal.mlmfilter.PoolScorer;
import io.papers4j.multimodal.mlmfilter.WebPool;
import io.papers4j.multimodal.vlm.Clip;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code papers4j mlmfilter pool|train|score|filter}. */
@Command(
    name = "mlmfilter",
    mixinStandardHelpOptions = true,
    description = "MLM-Filter (arXiv 2403.02677): a vision-language model fine-tuned to score image-text pairs (ITM, ODF, CTQ, SU) as a data filter.",
    subcommands = {MlmFilterCommand.Pool.class, MlmFilterCommand.PretrainClip.class, MlmFilterCommand.Train.class, MlmFilterCommand.Score.class, MlmFilterCommand.Filter.class})
public final class MlmFilterCommand extends ParentCommand implements CliCommand {

  @Command(name = "pool", mixinStandardHelpOptions = true, description = "Write a noisy web-crawl pool with known truth (PNGs + pairs.jsonl with the oracle's scores).")
  static final class Pool implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "Directory to write.")
    Path out;

    @Option(names = "--n", defaultValue = "200", description = "Pairs (default ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
      Engine.init(2);
      Path f = Pairs.write(WebPool.build(n, seed, WebPool.Sources.standard()), out);
      System.out.println("mlmfilter pool: " + n + " pairs in " + f);
      return 0;
    }
  }

  @Command(name = "pretrain-clip", mixinStandardHelpOptions = true, description = {
      "Pretrain a CLIP on clean scene captions apart from any pool (fresh scenes, every batch new pairs), for CLIPScore and as "
          + "the filter's ViT ('train --vision-from-clip').",
      "The defaults are the CLIP of 'reproduce mlm-filter --quick' (1,000 batches of 64 in shape groups of 4)."})
  static final class PretrainClip implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "CLIP directory to write.")
    Path out;

    @Option(names = "--size", defaultValue = "quick", description = "The filter size whose ViT the tower fits: quick, full or tiny (default ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--steps", defaultValue = "1000", description = "Optimiser steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "64", description = "Pairs per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--group", defaultValue = "4", description = "Scenes per shape group, differing only in the main object's shape; 1 = plain draws (default ${DEFAULT-VALUE}).")
    int group;

    @Option(names = "--seed", defaultValue = "7004", description = "Seed of the CLIP and of its scenes (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
      MlmFilterConfig c = Train.config(size);
      ClipPretraining.Options o = new ClipPretraining.Options(steps, batch, group, seed);
      Engine.init(2);
      double[] last = new double[2];
      Clip clip;
      try (ProgressBar bar = new ProgressBar("mlmfilter pretrain-clip", steps, "pairs")) {
        clip = ClipPretraining.pretrain(ClipPretraining.config(c.vision()), o, java.util.Set.of(), (s, loss) -> {
          if (s == 1) last[0] = loss;
          last[1] = loss;
          bar.update(s, loss, batch);
        });
      }
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("pretraining", o.toString() + ", clean scene captions apart from any pool");
      clip.save(out, info);
      System.out.printf(Locale.ROOT, "mlmfilter pretrain-clip: %d steps × %d, loss %.3f → %.3f; saved %s%n", steps, batch, last[0], last[1], out);
      return 0;
    }
  }

  @Command(name = "train", mixinStandardHelpOptions = true, description = {"Build the teacher's instruction data and fine-tune the filter on it.",
      "The defaults are the filter of 'reproduce mlm-filter --quick' (400 steps: 4.3 passes over its 3,000 instructions; "
          + "600 steps agreed less with the oracle, docs/mlm-filter.md)."})
  static final class Train implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "Model directory to write.")
    Path out;

    @Mixin PrecisionOption precision;

    @Option(names = "--size", defaultValue = "quick", description = "quick, full (spec 3(e) widths) or tiny (default ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--steps", defaultValue = "400", description = "Optimiser steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "32", description = "Instructions per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "2e-3", description = "Peak learning rate (default ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--source", defaultValue = "1000", description = "Source pairs the teacher scores (×4 metrics) (default ${DEFAULT-VALUE}).")
    int source;

    @Option(names = "--scored", defaultValue = "2400", description = "Scoring instructions kept after re-balancing (default ${DEFAULT-VALUE}).")
    int scored;

    @Option(names = "--generic", defaultValue = "600", description = "Generic visual questions mixed in (default ${DEFAULT-VALUE}).")
    int generic;

    @Option(names = "--teacher-noise", defaultValue = "5", description = "Teacher σ on the 0-100 scale (default ${DEFAULT-VALUE}).")
    double sigma;

    @Option(names = "--sampling", defaultValue = "uniform", description = "uniform (score-uniform re-balancing) or natural (the ablation) (default ${DEFAULT-VALUE}).")
    String sampling;

    @Option(names = "--contrast-share", defaultValue = "0", description = "Share of the scored instructions given as contrast pairs: "
        + "one caption asked on itm and odf with its own image and with another, so the caption's text alone cannot fit them; in [0, 1) "
        + "(default ${DEFAULT-VALUE}: none).")
    double contrastShare;

    @Option(names = "--answer-format", defaultValue = "plain", description = "How the scored answers are written: plain (\"95\"), "
        + "padded (\"095\"), two_digits (100 written 99, so no decoded number runs past a score) or presence (ITM answers \"yes\"/\"no\" "
        + "whether the caption's object is in the image, then the padded score); scoring reads every format (default ${DEFAULT-VALUE}).")
    String answerFormat;

    @Option(names = "--vision-lr-scale", defaultValue = "1", description = "The ViT's learning rate as a fraction of --lr: 0 keeps it frozen at "
        + "its initialisation, as the paper's LLaVA keeps its vision tower frozen; in [0, 1] (default ${DEFAULT-VALUE}).")
    double visionLrScale;

    @Option(names = "--gate-init", defaultValue = "0", description = "Starting value of every cross-attention gate (before tanh): 0 closes "
        + "them, as Flamingo does, so no gradient reaches the ViT in the first step; 1 opens them to tanh 1 = 0.76 (default ${DEFAULT-VALUE}).")
    double gateInit;

    @Option(names = "--vision-from-clip", paramLabel = "DIR", description = "Start the ViT from the vision tower of this CLIP "
        + "directory (written by 'mlmfilter pretrain-clip'; its tower must have the --size's ViT config), as LLaVA's ViT is a "
        + "pretrained CLIP's; with --vision-lr-scale 0 it stays frozen.")
    Path visionFromClip;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    static MlmFilterConfig config(String size) {
      return switch (size) {
        case "quick" -> MlmFilterConfig.quick();
        case "full" -> MlmFilterConfig.full();
        case "tiny" -> MlmFilterConfig.tiny();
        default -> throw new IllegalArgumentException("--size must be quick, full or tiny, got " + size);
      };
    }

    @Override
    public Integer call() {
      if (!sampling.equals("uniform") && !sampling.equals("natural")) {
        throw new IllegalArgumentException("--sampling must be uniform or natural, got " + sampling);
      }
      AnswerFormat format = AnswerFormat.parse(answerFormat);
      MlmFilterConfig c = config(size);
      MlmFilterTraining.Recipe r = new MlmFilterTraining.Recipe(source, scored, generic, sigma, sampling.equals("uniform"),
          new MlmFilterTraining.Options(steps, batch, lr, seed, visionLrScale, gateInit), contrastShare, format);
      Engine.init(2);
      // read (and checked against the filter's ViT) before any training starts: a bad directory fails at once
      Clip tower = null;
      if (visionFromClip != null) {
        tower = ClipPretraining.load(visionFromClip);
        ClipPretraining.checkFits(tower, c, visionFromClip.toString());
      }
      Engine.seed(seed);
      double[] last = new double[2];
      MlmFilterModel m;
      try (ProgressBar bar = new ProgressBar("mlmfilter train", steps, "instr")) {
        m = MlmFilterTraining.train(c, r, WebPool.Sources.standard(), (s, loss) -> {
          if (s == 1) last[0] = loss;
          last[1] = loss;
          bar.update(s, loss, batch);
        }, precision.get(), tower);
      }
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("recipe", r.toString());
      info.put("vision_from_clip", visionFromClip == null ? "none (a random ViT)" : visionFromClip.toAbsolutePath().toString());
      info.put("seed", seed);
      info.put("precision", precision.get().id());
      info.put("first_loss", last[0]);
      info.put("final_loss", last[1]);
      m.save(out, info);
      System.out.printf(Locale.ROOT, "mlmfilter train: %d steps, loss %.3f → %.3f; saved %s%n", steps, last[0], last[1], out);
      return 0;
    }
  }

  @Command(name = "score", mixinStandardHelpOptions = true, description = "Score image-text pairs on one metric; with --out a rerun resumes where it stopped.")
  static final class Score implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model directory from mlmfilter train.")
    Path model;

    @Option(names = "--pairs", required = true, description = "pairs.jsonl ({\"image\": path, \"caption\": text} lines) or a directory of .png/.jpg + .txt.")
    Path pairs;

    @Option(names = "--metric", required = true, description = "itm, odf, ctq or su.")
    String metric;

    @Option(names = "--out", description = "Scores file (JSON lines; appended batch by batch, resumable). Default: standard output.")
    Path out;

    @Option(names = "--batch", defaultValue = "64", description = "Pairs per batch (default ${DEFAULT-VALUE}).")
    int batch;

    @Mixin PrecisionOption precision;

    @Override
    public Integer call() {
      Metric m = Metric.parse(metric);
      List<Pairs.Entry> entries = Pairs.read(pairs);
      Engine.init(2);
      MlmFilterModel model = MlmFilterModel.load(this.model);
      int side = model.config().side();
      List<PoolScorer.Item> items = new ArrayList<>();
      for (Pairs.Entry e : entries) items.add(new PoolScorer.Item(e.id(), e.caption(), () -> Pairs.image(e, side)));
      PoolScorer.Scores s;
      try (ProgressBar bar = new ProgressBar("mlmfilter score " + m.name().toLowerCase(Locale.ROOT), items.size(), "pair");
          Precision.Region cast = precision.autocast()) {
        long[] prev = {0};
        s = PoolScorer.score(items, m, batch, out, PoolScorer.of(model), (done, total) -> {
          bar.update(done, Double.NaN, done - prev[0]);
          prev[0] = done;
        });
      }
      if (out == null) {
        ObjectMapper json = new ObjectMapper();
        s.byId().forEach((id, v) -> {
          ObjectNode n = json.createObjectNode().put("id", id).put("metric", m.name().toLowerCase(Locale.ROOT));
          if (v.isNaN()) n.putNull("score");
          else n.put("score", v.intValue());
          System.out.println(n);
        });
      }
      System.err.printf(Locale.ROOT, "mlmfilter score: %d pairs (%d scored now, %d resumed), %d malformed outputs%s%n",
          items.size(), s.scoredNow(), s.resumed(), s.malformed(), out == null ? "" : "; scores in " + out);
      return 0;
    }
  }

  @Command(name = "filter", mixinStandardHelpOptions = true, description = "Keep exactly the top fraction of pairs by score (ties: file order; malformed scores last).")
  static final class Filter implements Callable<Integer> {
    @Option(names = "--scores", required = true, description = "Scores file from mlmfilter score.")
    Path scores;

    @Option(names = "--keep", required = true, description = "Fraction to keep, in (0, 1].")
    double keep;

    @Option(names = "--out", required = true, description = "Kept pairs (JSON lines: id, score, and image/caption when --pairs is given).")
    Path out;

    @Option(names = "--pairs", description = "The scored pairs file, to copy image and caption into the output.")
    Path pairs;

    @Option(names = "--metric", description = "Which metric to use when the scores file holds several.")
    String metric;

    @Override
    public Integer call() throws Exception {
      if (!(keep > 0 && keep <= 1)) throw new IllegalArgumentException("--keep must be in (0, 1], got " + keep);
      Map<String, Double> byId = PoolScorer.read(scores, metric == null ? null : Metric.parse(metric).name());
      Map<String, Pairs.Entry> entries = new LinkedHashMap<>();
      if (pairs != null) for (Pairs.Entry e : Pairs.read(pairs)) entries.put(e.id(), e);
      List<String> ids = new ArrayList<>(byId.keySet());
      double[] v = new double[ids.size()];
      for (int i = 0; i < v.length; i++) v[i] = byId.get(ids.get(i));
      int[] kept = Filtering.keep(v, keep);
      ObjectMapper json = new ObjectMapper();
      StringBuilder b = new StringBuilder();
      for (int i : kept) {
        ObjectNode n = json.createObjectNode().put("id", ids.get(i)).put("score", v[i]);
        Pairs.Entry e = entries.get(ids.get(i));
        if (e != null) n.put("image", e.image().toString()).put("caption", e.caption());
        b.append(json.writeValueAsString(n)).append('\n');
      }
      if (out.toAbsolutePath().getParent() != null) Files.createDirectories(out.toAbsolutePath().getParent());
      AtomicFiles.writeString(out, b.toString());
      long malformed = java.util.Arrays.stream(v).filter(Double::isNaN).count();
      System.out.printf(Locale.ROOT, "mlmfilter filter: kept %d of %d pairs (%.3f; %d malformed scores rank last) → %s%n",
          kept.length, v.length, keep, malformed, out);
      return 0;
    }
  }
}
