package io.papers4j.multimodal.cli;

import io.papers4j.core.cli.Benchmark;
import io.papers4j.core.report.Machine;
import io.papers4j.core.tensor.Engine;
import io.papers4j.multimodal.mlmfilter.Downstream;
import io.papers4j.multimodal.mlmfilter.Metric;
import io.papers4j.multimodal.mlmfilter.MlmFilterConfig;
import io.papers4j.multimodal.mlmfilter.MlmFilterModel;
import io.papers4j.multimodal.mlmfilter.PoolScorer;
import io.papers4j.multimodal.mlmfilter.WebPool;
import io.papers4j.multimodal.vlm.Clip;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code papers4j bench mlmfilter [--pairs N] [--batch B] [--model DIR]}: pairs scored per second by
 * the MLM filter (greedy, ≤ 4 new tokens, one metric) against CLIPScore's pairs per second with the
 * in-project CLIP of the downstream recipe, on the same pool pairs. Without {@code --model} the
 * filter's weights are untrained, which never emits the newline that ends a score early: every row
 * decodes all 4 tokens, the most a score can cost.
 */
public final class MlmFilterBenchmark implements Benchmark {
  @Override
  public String name() {
    return "mlmfilter";
  }

  @Override
  public String description() {
    return "MLM-Filter scoring throughput (pairs/s, greedy score decoding) vs CLIPScore pairs/s on 2 cores";
  }

  @Override
  public String run(List<String> args, PrintStream out) throws Exception {
    int n = intArg(args, "--pairs", 1024), batch = intArg(args, "--batch", 128);
    int at = args.indexOf("--model");
    Path model = at >= 0 && at + 1 < args.size() ? Path.of(args.get(at + 1)) : null;
    Engine.init(2);
    String loadStart = Machine.loadAverage();
    List<WebPool.Pair> pool = WebPool.build(n, 5_000_000L, WebPool.Sources.standard());
    MlmFilterModel filter = model == null ? new MlmFilterModel(MlmFilterConfig.quick(), 0) : MlmFilterModel.load(model);
    List<PoolScorer.Item> items = pool.stream().map(p -> new PoolScorer.Item(p.id(), p.caption(), p::image)).toList();
    PoolScorer.score(items.subList(0, Math.min(batch, n)), Metric.ITM, batch, null, PoolScorer.of(filter), null); // warm-up
    long t0 = System.nanoTime();
    PoolScorer.Scores s = PoolScorer.score(items, Metric.ITM, batch, null, PoolScorer.of(filter), null);
    double mlm = n / ((System.nanoTime() - t0) / 1e9);
    Clip clip = new Clip(Downstream.recipe(), 0);
    List<org.bytedeco.pytorch.Tensor> imgs = pool.stream().map(WebPool.Pair::image).toList();
    List<String> caps = pool.stream().map(WebPool.Pair::caption).toList();
    Downstream.clipScores(clip, imgs.subList(0, Math.min(batch, n)), caps.subList(0, Math.min(batch, n)), batch); // warm-up
    t0 = System.nanoTime();
    Downstream.clipScores(clip, imgs, caps, batch);
    double cs = n / ((System.nanoTime() - t0) / 1e9);
    String loadEnd = Machine.loadAverage();
    out.printf(Locale.ROOT, "MLM filter: %.1f pairs/s (%s weights, %d malformed); CLIPScore: %.1f pairs/s; ratio %.1fx%n",
        mlm, model == null ? "untrained" : "trained", s.malformed(), cs, cs / mlm);
    return String.format(Locale.ROOT, "`papers4j bench mlmfilter%s` — %d pool pairs, batch %d, %d cores, load average %s at the start, %s at the end.%n%n"
        + "| scorer | pairs/s |%n|---|---:|%n| MLM filter (quick size, %s weights, greedy ≤ 4 tokens, one metric) | %.1f |%n"
        + "| CLIPScore (in-project small CLIP, downstream recipe) | %.1f |%n%nCLIPScore is %.1fx faster per pair; the filter pays for %d decoder passes over the prompt per score (no KV cache).%n",
        args.isEmpty() ? "" : " -- " + String.join(" ", args), n, batch, Machine.cores(), loadStart, loadEnd, model == null ? "untrained (all 4 tokens decoded)" : "trained",
        mlm, cs, cs / mlm, MlmFilterConfig.SCORE_TOKENS);
  }

  private static int intArg(List<String> args, String name, int def) {
    int i = args.indexOf(name);
    if (i < 0) return def;
    if (i + 1 >= args.size()) throw new IllegalArgumentException(name + " needs a value");
    try {
      int v = Integer.parseInt(args.get(i + 1));
      if (v < 1) throw new IllegalArgumentException(name + " must be >= 1, got " + v);
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got " + args.get(i + 1));
    }
  }
}
