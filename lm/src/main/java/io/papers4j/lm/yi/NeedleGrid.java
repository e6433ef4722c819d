package io.papers4j.lm.yi;

import io.papers4j.core.report.Plot;
import io.papers4j.core.tokenize.Tokenizer;
import io.papers4j.lm.generate.Generation;
import io.papers4j.lm.llama.LlamaModel;
import io.papers4j.lm.generate.Sampling;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The needle-in-a-haystack grid: for every (context length, needle depth) cell, {@code trials}
 * passkey prompts over different stretches of a held-out haystack, each answered greedily and
 * scored by exact match of the key. The result is the familiar depth × length heatmap.
 *
 * @param lengths prompt lengths in tokens (columns)
 * @param depths needle depths in [0, 1] (rows; 0 = the start of the haystack)
 * @param accuracy {@code accuracy[d][l]}: fraction of trials answered exactly
 * @param trials trials per cell
 */
public record NeedleGrid(int[] lengths, double[] depths, double[][] accuracy, int trials) {

  /** Runs the grid; {@code hay} is held-out text the model never trained on. */
  public static NeedleGrid run(
      LlamaModel model, Tokenizer tokenizer, int[] hay, int[] lengths, double[] depths, int trials, long seed) {
    if (trials < 1) throw new IllegalArgumentException("--trials must be >= 1, got " + trials);
    Passkey passkey = new Passkey(tokenizer);
    double[][] acc = new double[depths.length][lengths.length];
    for (int l = 0; l < lengths.length; l++) {
      for (int d = 0; d < depths.length; d++) {
        // one stream per cell, so adding a length or depth leaves the other cells' trials unchanged
        SplittableRandom rng = new SplittableRandom(seed ^ (31L * lengths[l] + Double.hashCode(depths[d])));
        int hits = 0;
        for (int k = 0; k < trials; k++) {
          String key = Passkey.randomKey(rng);
          Passkey.Trial t = passkey.trial(hay, rng.nextInt(hay.length), lengths[l], depths[d], key);
          long[] prompt = new long[t.prompt().length];
          for (int i = 0; i < prompt.length; i++) prompt[i] = t.prompt()[i];
          long[] out = Generation.generate(model, prompt, t.answer().length, Sampling.greedy(), null, true, null);
          int[] gen = new int[out.length];
          for (int i = 0; i < gen.length; i++) gen[i] = (int) out[i];
          if (passkey.correct(gen, key)) hits++;
        }
        acc[d][l] = (double) hits / trials;
      }
    }
    return new NeedleGrid(lengths.clone(), depths.clone(), acc, trials);
  }

  /** Mean accuracy over the cells of one length. */
  public double meanAtLength(int column) {
    double s = 0;
    for (double[] row : accuracy) s += row[column];
    return s / accuracy.length;
  }

  /** Mean accuracy over all cells. */
  public double mean() {
    double s = 0;
    for (int l = 0; l < lengths.length; l++) s += meanAtLength(l);
    return s / lengths.length;
  }

  /** JSON-ready form: lengths, depths, accuracy rows, trials. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("lengths", lengths);
    m.put("depths", depths);
    m.put("accuracy", accuracy);
    m.put("trials_per_cell", trials);
    m.put("mean_accuracy", mean());
    return m;
  }

  /** The depth × length heatmap, green where the key is found. */
  public Path writeHeatmap(Path file, String title) throws IOException {
    List<String> cols = new ArrayList<>();
    for (int l : lengths) cols.add(Integer.toString(l));
    List<String> rows = new ArrayList<>();
    for (double d : depths) rows.add(String.format(java.util.Locale.ROOT, "%.0f%%", 100 * d));
    return Plot.heatmap(title)
        .rows(rows)
        .cols(cols)
        .values(accuracy)
        .range(0, 1)
        .format("%.2f")
        .xLabel("context length (tokens)")
        .yLabel("needle depth")
        .write(file);
  }
}
