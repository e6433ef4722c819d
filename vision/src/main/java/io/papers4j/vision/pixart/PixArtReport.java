package io.papers4j.vision.pixart;

import io.papers4j.core.report.Plot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The plots and README of {@link PixArtReproduction}. */
final class PixArtReport {
  private PixArtReport() {}

  static void plots(Path out, String fd, Map<String, Map<String, Object>> zeroShot, Map<String, Map<String, Object>> tuned,
      List<BlockTiming.Row> timing) throws java.io.IOException {
    List<String> labels = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    List<Double> errs = new ArrayList<>();
    zeroShot.forEach((k, v) -> add(labels, values, errs, "zero-shot " + k, v, fd));
    tuned.forEach((k, v) -> add(labels, values, errs, k, v, fd));
    Plot.bar(fd + " per arm (mean of 2 sampling seeds, bar = spread; lower is better)").labels(labels)
        .values(values.stream().mapToDouble(Double::doubleValue).toArray()).errors(errs.stream().mapToDouble(Double::doubleValue).toArray())
        .yLabel(fd).write(out.resolve("fd_per_arm.png"));
    double[] tokens = new double[timing.size()], plain = new double[timing.size()], comp = new double[timing.size()];
    for (int i = 0; i < timing.size(); i++) {
      tokens[i] = timing.get(i).tokens();
      plain[i] = timing.get(i).msPlain();
      comp[i] = timing.get(i).msCompressed();
    }
    Plot.line("One PixArt block forward: plain vs KV compression (conv 2×2)").xLabel("tokens").yLabel("ms").logY(true)
        .series("plain", tokens, plain).series("KV compressed", tokens, comp).write(out.resolve("block_forward_ms.png"));
  }

  private static void add(List<String> labels, List<Double> values, List<Double> errs, String label, Map<String, Object> row, String fd) {
    labels.add(label);
    values.add((Double) row.get(fd + "_mean"));
    errs.add((Double) row.get(fd + "_spread") / 2);
  }

  /** The whole README: title, what was measured and when, the parts' sections, the verdicts. */
  static String readme(PixArtReproduction.Preset p, String head, String sections, Map<String, Object> verdicts, boolean reproduced, double runtime,
      String loadStart, String loadEnd) {
    StringBuilder b = new StringBuilder();
    b.append("# PixArt-Σ (arXiv 2403.04692) — KV compression and weak-to-strong training, small-scale reproduction\n\n");
    b.append(String.format(Locale.ROOT, "Preset `%s`, seed %d, %.0f s on %d cores; load average (1/5/15 min) %s at the start and %s at the end "
        + "(the machine is shared: timings include other people's jobs).%n%n", p.name(), PixArtReproduction.SEED, runtime,
        io.papers4j.core.report.Machine.cores(), loadStart, loadEnd));
    b.append(head).append("\n\n").append(sections);
    b.append("## Verdicts\n\n| criterion | result |\n|---|---|\n");
    verdicts.forEach((k, v) -> b.append("| ").append(k).append(" | **").append(v).append("** |\n"));
    b.append("\nReproduced (every criterion of the parts measured in this run): **").append(reproduced).append("**\n\n");
    b.append("Caveats: tiny models and short training, one training seed; the paper's gaps (8.24 vs 8.53) are far smaller than what this "
        + "scale can resolve, so a verdict is weak evidence either way.\n");
    return b.toString();
  }

  /** The section of part 4e. */
  static String kvSection(PixArtReproduction.Preset p, long preSteps, String fd, Map<String, Object> base, Map<String, Map<String, Object>> zeroShot,
      Map<String, Map<String, Object>> tuned, List<BlockTiming.Row> timing, Map<String, Object> verdicts) {
    StringBuilder b = new StringBuilder("## KV compression ablation (part `4e`, spec 4(e))\n\n");
    b.append(String.format(Locale.ROOT, "Captioned Fashion-MNIST (%d training images; each class captioned \"a photo of a <class>\" and encoded by "
        + "the frozen all-MiniLM-L6-v2, 16 tokens), 28×28, patch 2 → 14×14 = 196 tokens (7×7 = 49 keys when compressed). PixArt DiT width %d, "
        + "depth %d, %d heads, adaLN-single, cross-attention, ε-prediction on the DDPM linear schedule, AdamW lr 1e-3, batch %d. Base: %d steps "
        + "without compression; every fine-tuned arm then trains %d steps from it on the same batches and noise. **%s** is the Fréchet "
        + "distance in the features of the toolkit's evaluation classifier between %d class-balanced samples (%d DDIM steps, CFG %s) and %d "
        + "held-out images — not Inception FID, so only orderings compare with the paper. Each score is the mean of sampling seeds %s "
        + "(± half the spread).%n%n", p.trainImages(), p.width(), p.depth(), p.heads(), p.batch(), preSteps, p.finetuneSteps(), fd, p.samples(),
        p.sampleSteps(), p.cfg(), p.realImages(), java.util.Arrays.toString(p.seeds())));
    b.append("| model | ").append(fd).append(" | KID | conditional accuracy | val loss | train ms/step | sampling img/s |\n|---|---|---|---|---|---|---|\n");
    row(b, "base (no compression)", base, fd);
    zeroShot.forEach((k, v) -> row(b, "zero-shot deep conv, " + k + " init", v, fd));
    tuned.forEach((k, v) -> row(b, "fine-tuned " + k, v, fd));
    b.append("\nPaper (Tab. 3, FID on PixArt-Σ at 1K, [2nd]): by layers none 8.244, deep (14-27) 8.532, middle 9.063, shallow (1-14) 9.278; "
        + "by operator conv 2×2 8.505, token discarding 8.918, token pooling 9.415. Conv Avg Init: usable within ~100 steps.\n\n");
    b.append("Pass criteria (spec 4(e)): zero-shot avg init < random init; FD (i) ≤ (ii) < (iii); (ii) ≤ (iv) and (v); (ii) within 10% of (i); "
        + "the block speed-up grows with the token count.\n\n| criterion | result |\n|---|---|\n");
    verdicts.forEach((k, v) -> b.append("| ").append(k).append(" | **").append(v).append("** |\n"));
    b.append("\n![FD per arm](fd_per_arm.png)\n\n");
    b.append("Samples (CFG 3, one class per column): base, then fine-tuned (ii)\n\n![base](samples_base_cfg3.png)\n\n![deep conv](samples_ii_deep_conv_cfg3.png)\n\n");
    b.append(String.format(Locale.ROOT, "### Speed: one block's forward, plain vs KV compressed%n%nWidth %d, %d heads, batch %d, 16 caption tokens, "
        + "median of 5 forwards.%n%n| grid | tokens | keys compressed | ms plain | ms compressed | speed-up |%n|---|---|---|---|---|---|%n",
        p.width(), p.heads(), p.timingBatch()));
    for (BlockTiming.Row r : timing) {
      b.append(String.format(Locale.ROOT, "| %d×%d | %d | %d | %.2f | %.2f | %.2f× |%n", r.grid(), r.grid(), r.tokens(), r.keys(), r.msPlain(),
          r.msCompressed(), r.speedup()));
    }
    b.append("\nPaper: −34% inference time at 2K, −35% training time at 4K, −18% at 1K: the saving grows with resolution. The 56² forward "
        + "timing uses a batch of " + p.timingBatch() + ".\n\n![block forward](block_forward_ms.png)\n\n");
    return b.toString();
  }

  @SuppressWarnings("unchecked")
  private static void row(StringBuilder b, String name, Map<String, Object> r, String fd) {
    Map<String, Double> s1 = null;
    double kid = 0, acc = 0, ips = 0;
    int n = 0;
    for (Map.Entry<String, Object> e : r.entrySet()) {
      if (e.getKey().startsWith("seed")) {
        s1 = (Map<String, Double>) e.getValue();
        kid += s1.get(fd.replace("FD-", "KID-"));
        acc += s1.getOrDefault("conditional-accuracy", Double.NaN);
        ips += s1.get("images_per_s");
        n++;
      }
    }
    b.append(String.format(Locale.ROOT, "| %s | %.1f ± %.1f | %.3g | %.3f | %s | %s | %.1f |%n", name, (Double) r.get(fd + "_mean"),
        (Double) r.get(fd + "_spread") / 2, kid / n, acc / n, r.containsKey("val_loss") ? String.format(Locale.ROOT, "%.4f", (Double) r.get("val_loss")) : "–",
        r.containsKey("train_ms_per_step") ? String.format(Locale.ROOT, "%.0f", (Double) r.get("train_ms_per_step")) : "–", ips / n));
  }
}
