package io.papers4j.vision.flow;

import io.papers4j.core.report.LineChart;
import io.papers4j.core.report.Plot;
import io.papers4j.core.train.LossLog;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The plots and README of {@link FlowReproduction}; {@code fd} names the distance (e.g. FD-FashionMNIST). */
final class FlowReport {
  private FlowReport() {}

  static void plots(Path out, FlowReproduction.Preset p, String fd, Map<String, Map<String, Object>> tableA, Map<String, Object> tableB,
      Map<String, List<LossLog.EvalPoint>> curves, String[] samplers) throws java.io.IOException {
    if (!tableA.isEmpty()) plotA(out, p, fd, tableA, samplers);
    if (!tableB.isEmpty()) {
      LineChart b = Plot.line("3B: " + fd + " vs sampling shift α at 56 px (predicted α = 2)").xLabel("shift α").yLabel(fd);
      for (int n : p.shiftSteps()) {
        double[] ys = new double[p.shifts().length];
        for (int i = 0; i < ys.length; i++) ys[i] = (Double) tableB.get(FlowReproduction.shiftKey(n, p.shifts()[i]));
        b.series(n + " steps", p.shifts(), ys);
      }
      b.write(out.resolve("fd_vs_shift_3b.png"));
    }
    if (curves.isEmpty()) return;
    LineChart c = Plot.line("3C: validation loss (fixed t grid) on captioned shapes").xLabel("step").yLabel("validation loss");
    for (Map.Entry<String, List<LossLog.EvalPoint>> e : curves.entrySet()) {
      double[] x = new double[e.getValue().size()];
      double[] y = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = e.getValue().get(i).step();
        y[i] = e.getValue().get(i).loss();
      }
      c.series(e.getKey(), x, y);
    }
    c.write(out.resolve("val_loss_3c.png"));
  }

  private static void plotA(Path out, FlowReproduction.Preset p, String fd, Map<String, Map<String, Object>> tableA, String[] samplers)
      throws java.io.IOException {
    double[] xs = new double[p.evalSteps().length];
    for (int i = 0; i < xs.length; i++) xs[i] = p.evalSteps()[i];
    LineChart a = Plot.line("3A: " + fd + " vs Euler steps (lower is better)").xLabel("sampling steps").yLabel(fd);
    for (String s : samplers) {
      for (double cfg : p.cfgs()) {
        double[] ys = new double[xs.length];
        for (int i = 0; i < xs.length; i++) ys[i] = FlowReproduction.num(tableA, s, FlowReproduction.key(cfg, p.evalSteps()[i]));
        a.series(s + " CFG " + fmt(cfg), xs, ys);
      }
    }
    a.write(out.resolve("fd_vs_steps_3a.png"));
  }

  static String readme(FlowReproduction.Preset p, String fd, Map<String, Map<String, Object>> tableA, Map<String, Object> table1D,
      Map<String, Object> tableB, Map<String, Object> tableC, Map<String, Object> verdicts, String[] samplers, double runtime,
      String loadStart, String loadEnd, String measured, boolean partial) {
    StringBuilder b = new StringBuilder();
    b.append("# Rectified-flow transformers (SD3, arXiv 2403.03206) — small-scale reproduction\n\n");
    b.append(String.format(Locale.ROOT, "Preset `%s`, seed %d, %.0f s on %d cores; load average (1/5/15 min) %s at the start and %s at the end.%n%n",
        p.name(), FlowReproduction.SEED, runtime, io.papers4j.core.report.Machine.cores(), loadStart, loadEnd));
    b.append("**").append(measured).append("**\n\n");
    String elsewhere = partial ? "Not measured in this run (`--part` ran other parts).\n\n" : "Runs in the full preset (or alone with `--part`).\n\n";
    b.append(String.format(Locale.ROOT, "Class-conditional rectified flow on Fashion-MNIST (%d training images, pixels in [−1, 1]), DiT d %d, depth 6, "
        + "patch 4 (49 tokens), adaLN-Zero, 10%% label dropout, AdamW lr 5e-4, batch %d, %d steps per arm (1D: see its table), same seeds and data order; "
        + "samples from the EMA of the weights (decay %s). "
        + "**%s** is the Fréchet distance in the 128-d features of the evaluation classifier trained here on the real training images "
        + "(`vision.gen.EvalClassifier`), between %d class-balanced samples and %d held-out test images; KID uses the same features; "
        + "conditional accuracy is how often that classifier agrees with the requested class. These are not Inception features: only "
        + "orderings compare with the paper, never values.%n%n",
        p.trainImages(), p.width(), p.batch(), p.stepsA(), fmt(p.emaDecay()), fd, p.samples(), p.testImages()));
    if (tableA.isEmpty()) {
      b.append("## 3A: timestep density\n\n").append(elsewhere);
    } else {
      readmeA(b, p, fd, tableA, verdicts, samplers);
    }
    return rest(b, p, fd, table1D, tableB, tableC, verdicts, elsewhere);
  }

  private static void readmeA(StringBuilder b, FlowReproduction.Preset p, String fd, Map<String, Map<String, Object>> tableA,
      Map<String, Object> verdicts, String[] samplers) {
    b.append("## 3A: timestep density (paper Table 1 / 2, Fig. 3)\n\n").append(fd).append(" (lower is better), KID ×1000 and conditional "
        + "accuracy in brackets:\n\n| t sampler |");
    for (double cfg : p.cfgs()) for (int n : p.evalSteps()) b.append(" CFG ").append(fmt(cfg)).append(", ").append(n).append(" steps |");
    b.append(" val loss | training s (images/s) |\n|---|");
    for (int i = 0; i < p.cfgs().length * p.evalSteps().length + 2; i++) b.append("---|");
    b.append('\n');
    for (String s : samplers) {
      b.append("| ").append(s).append(" |");
      for (double cfg : p.cfgs()) for (int n : p.evalSteps()) b.append(' ').append(cell(tableA.get(s), FlowReproduction.key(cfg, n))).append(" |");
      b.append(' ').append(f4((Double) tableA.get(s).get("val_loss"))).append(" | ");
      Object ts = tableA.get(s).get("train_s");
      Object ips = tableA.get(s).get("train_img_per_s");
      b.append(ts == null ? "–" : String.format(Locale.ROOT, "%.0f (%.0f)", (Double) ts, (Double) ips)).append(" |\n");
    }
    b.append("\nPaper: global rank over 24 settings rf/lognorm(0,1) 1.54, rf/mode(1.29) 2.75, rf uniform 5.67; at 5 steps 1.25 vs 6.50; "
        + "ImageNet FID at 25 steps rf 49.70, rf/lognorm(0,1) 45.78, rf/mode(1.75) 44.39.\n\n");
    b.append("Logit-normal below uniform at ").append(p.evalSteps()[0]).append(" and ").append(p.evalSteps()[1]).append(" steps for every CFG: **")
        .append(verdicts.get("3A_lognorm_beats_uniform_at_few_steps_both_cfg")).append("**; relative gap smaller at the most steps: **")
        .append(verdicts.get("3A_relative_gap_shrinks_at_most_steps")).append("**. Every arm generates its classes (conditional accuracy ≥ ")
        .append(FlowReproduction.LEARNED_ACCURACY).append(", three times chance, at ").append(FlowReproduction.learnedSteps(p))
        .append(" steps, CFG 1): **").append(verdicts.get(FlowReproduction.LEARNED_VERDICT)).append("**.\n\n");
    b.append("![FD vs steps](fd_vs_steps_3a.png)\n\nlogit-normal, 25 steps, CFG 2 (one column per class):\n\n![samples](samples_3a_lognorm_25steps_cfg2.png)\n\n"
        + "uniform, 25 steps, CFG 2:\n\n![samples](samples_3a_uniform_25steps_cfg2.png)\n\n");
  }

  private static String rest(StringBuilder b, FlowReproduction.Preset p, String fd, Map<String, Object> table1D, Map<String, Object> tableB,
      Map<String, Object> tableC, Map<String, Object> verdicts, String elsewhere) {
    if (!table1D.isEmpty()) {
      b.append("## 1D: DiT-LLaMA vs DiT (VisionLLaMA Table 1)\n\nSame recipe, ").append(table1D.get("steps"))
          .append(" steps each; 25 Euler steps; ").append(fd)
          .append(" (KID ×1000, conditional accuracy):\n\n| | DiT | DiT-LLaMA |\n|---|---|---|\n");
      for (double cfg : new double[] {1.0, 1.5}) {
        String k = FlowReproduction.key(cfg, 25);
        b.append("| CFG ").append(fmt(cfg)).append(" | ").append(cell(table1D, "dit_" + k)).append(" | ").append(cell(table1D, "dit-llama_" + k)).append(" |\n");
      }
      b.append("| parameters | ").append(table1D.get("params_dit")).append(" | ").append(table1D.get("params_dit-llama")).append(" |\n");
      if (table1D.containsKey("val_loss_dit")) {
        b.append("| validation loss | ").append(f4((Double) table1D.get("val_loss_dit"))).append(" | ")
            .append(f4((Double) table1D.get("val_loss_dit-llama"))).append(" |\n");
        b.append("| training images/s | ").append(String.format(Locale.ROOT, "%.0f", (Double) table1D.get("train_img_per_s_dit"))).append(" | ")
            .append(String.format(Locale.ROOT, "%.0f", (Double) table1D.get("train_img_per_s_dit-llama"))).append(" |\n");
      }
      b.append('\n');
      b.append("Paper (ImageNet 256, B/4, FID-50k): 68.38 → 63.17 without CFG, 45.38 → 39.51 with CFG 1.5. DiT-LLaMA lower at both: **")
          .append(verdicts.get("1D_dit_llama_lower_fd_both_cfg")).append("**.\n\n");
    } else {
      b.append("## 1D: DiT-LLaMA vs DiT\n\n").append(elsewhere);
    }
    if (!tableB.isEmpty()) {
      b.append("## 3B: resolution shift (eq. 23, Fig. 6)\n\nOne logit-normal model at 56×56 (bilinear ×2), patch 8 (49 tokens); 4× the pixels, "
          + "so eq. 23 predicts α = 2. ").append(fd).append(" after 2×2 average pooling:\n\n| steps |");
      for (double a : p.shifts()) b.append(" α = ").append(fmt(a)).append(" |");
      b.append("\n|---|");
      for (int i = 0; i < p.shifts().length; i++) b.append("---|");
      b.append('\n');
      for (int n : p.shiftSteps()) {
        b.append("| ").append(n).append(" |");
        for (double a : p.shifts()) b.append(' ').append(cell(tableB, FlowReproduction.shiftKey(n, a))).append(" |");
        b.append('\n');
      }
      if (tableB.get("val_loss") != null) {
        b.append(String.format(Locale.ROOT, "%nTrained %d steps at %.0f images/s; final validation loss %.4f.%n", p.stepsA(),
            (Double) tableB.get("train_img_per_s"), (Double) tableB.get("val_loss")));
      }
      b.append("\nPaper: at 1024² a shift α > 1.5 is preferred (α = 3 used). Best α at ").append(p.shiftSteps()[0]).append(" steps: **")
          .append(verdicts.get("3B_best_shift_at_" + p.shiftSteps()[0] + "_steps")).append("**.\n\n![FD vs shift](fd_vs_shift_3b.png)\n\n");
    } else {
      b.append("## 3B: resolution shift\n\n").append(elsewhere);
    }
    if (tableC.isEmpty()) {
      b.append("## 3C: MM-DiT vs DiT vs CrossDiT\n\n").append(elsewhere);
    } else {
      b.append(String.format(Locale.ROOT, "## 3C: MM-DiT vs DiT vs CrossDiT (Fig. 4) and QK-norm (Fig. 5)%n%nCaptioned procedural shapes (%d training "
          + "images, 32×32 RGB, patch 4), captions as 4 word ids with learned embeddings (no pretrained text encoder), pooled caption = mean "
          + "of the word embeddings; %d steps per arm. Depths and widths chosen to match parameters (MM-DiT depth 3 at width w + w/16, DiT 6 with the "
          + "caption tokens concatenated, CrossDiT 5). Validation loss at a fixed t grid; attribute accuracy = the shapes classifier's agreement "
          + "with the shape, colour, position and size asked for, over %d generated images of fresh captions (25 Euler steps, CFG 2):%n%n"
          + "| arm | parameters | val loss | attribute accuracy | shape | colour | position | size | max attention logit |%n|---|---|---|---|---|---|---|---|---|%n",
          p.shapesTrain(), p.stepsC(), p.attributeSamples()));
      for (Map.Entry<String, Object> e : tableC.entrySet()) {
        Map<?, ?> r = (Map<?, ?>) e.getValue();
        b.append("| ").append(e.getKey()).append(" | ").append(r.get("params")).append(" | ").append(f4((Double) r.get("val_loss"))).append(" | ")
            .append(f3((Double) r.get("attribute-accuracy")));
        for (String h : new String[] {"shape", "colour", "position", "size"}) b.append(" | ").append(f3((Double) r.get("attribute-accuracy-" + h)));
        b.append(" | ").append(f2((Double) r.get("max_attention_logit"))).append(" |\n");
      }
      b.append("\nPaper (CC12M): MM-DiT best, then CrossDiT, UViT, DiT-concat; QK-norm keeps attention logits from growing at high "
          + "resolution. MM-DiT lowest validation loss: **").append(verdicts.get("3C_mmdit_lowest_val_loss")).append("**; highest attribute "
          + "accuracy: **").append(verdicts.get("3C_mmdit_highest_attribute_accuracy")).append("**; QK-norm lowers the max logit: **")
          .append(verdicts.get("3C_max_logit_qknorm_lower")).append("**.\n\n![val loss](val_loss_3c.png)\n\n![MM-DiT samples](samples_3c_mmdit_captions.png)\n\n");
    }
    b.append("Caveats: one seed, tiny models and short training; the latent autoencoder experiment (4/8/16 channels) is not part of this report.\n");
    return b.toString();
  }

  /** "FD (KID×1000, acc)" of one evaluation point. */
  static String cell(Map<String, Object> row, String key) {
    Object kid = row.get(key + "_kid");
    Object acc = row.get(key + "_acc");
    return f2((Double) row.get(key)) + " (" + (kid == null ? "–" : f2((Double) kid * 1000)) + ", " + (acc == null ? "–" : f2((Double) acc)) + ")";
  }

  static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  static String f2(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  static String f3(Double v) {
    return v == null ? "–" : String.format(Locale.ROOT, "%.3f", v);
  }

  static String f4(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }
}
