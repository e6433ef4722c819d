package io.papers4j.design2code;

import io.papers4j.core.io.AtomicFiles;
import io.papers4j.core.report.Plot;
import io.papers4j.core.report.Result;
import io.papers4j.core.report.TimedReproduction;
import io.papers4j.core.train.ProgressBar;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code papers4j reproduce design2code}: the metric-behaviour study. Builds a set of real pages
 * from Debian packages, derives graded candidates from every page ({@link Degradations}), scores
 * them with the full metric pipeline in headless Chromium, and checks that each metric reacts to
 * the error it is designed for: identity scores 1, stripped colours hit Color, a shuffled layout
 * hits Position, truncation hits Block-Match, and Text saturates (varies less than Block-Match),
 * as the paper observes for real systems (Text 94–98 for every strong model, Tab. 1).
 */
public final class Design2CodeReproduction extends TimedReproduction {
  static final String[] METRICS = {"block", "text", "position", "color", "visual", "final"};

  public Design2CodeReproduction() {
    super("design2code", "2403.03163",
        "Design2Code (2403.03163): fine-grained screenshot-to-code metrics on real pages, in headless Chromium",
        "Fine-grained, OCR-free block metrics (Block-Match, Text, Position, Color) plus a visual score isolate the kinds of error a screenshot-to-code model makes, while Text similarity saturates.");
  }

  @Override
  protected Result reproduce(String preset, Path outDir, Context run) throws Exception {
    long seed = 2024;
    BenchmarkSet.Selection sel = "full".equals(preset) ? BenchmarkSet.Selection.full() : BenchmarkSet.Selection.quick();
    Path work = outDir.resolve("work");
    Path setDir = work.resolve("set");
    Degradations.Variant[] variants = Degradations.Variant.values();
    // scores[variant][page] = {block, text, position, color, visual, final}
    Map<Degradations.Variant, Map<String, double[]>> scores = new LinkedHashMap<>();
    for (Degradations.Variant v : Degradations.Variant.values()) scores.put(v, new LinkedHashMap<>());
    List<String> unrendered = new ArrayList<>();
    String encoder;
    double[] split;
    int renders;
    try (Scorer scorer = Scorer.launch()) {
      List<BenchmarkSet.Entry> entries;
      try (Chromium c = Chromium.launch()) {
        entries = BenchmarkSet.build(setDir, sel, c);
      }
      try (ProgressBar bar = new ProgressBar("design2code", (long) entries.size() * variants.length, "pages")) {
        int step = 0;
        for (BenchmarkSet.Entry e : entries) {
          Path refHtml = setDir.resolve(e.id() + ".html");
          Scorer.Page ref = scorer.page(refHtml);
          String html = Files.readString(refHtml, StandardCharsets.UTF_8);
          for (Degradations.Variant v : variants) {
            Path dir = work.resolve("candidates").resolve(v.key);
            Files.createDirectories(dir);
            Files.copy(setDir.resolve(BenchmarkSet.PLACEHOLDER), dir.resolve(BenchmarkSet.PLACEHOLDER), StandardCopyOption.REPLACE_EXISTING);
            Path cand = dir.resolve(e.id() + ".html");
            AtomicFiles.write(cand, Degradations.apply(v, html, seed).getBytes(StandardCharsets.UTF_8));
            try {
              PageScore s = scorer.score(ref, scorer.candidatePage(cand));
              scores.computeIfAbsent(v, k -> new LinkedHashMap<>())
                  .put(e.id(), new double[] {s.block(), s.text(), s.position(), s.color(), s.visual(), s.finalScore()});
            } catch (Scorer.RenderFailedException x) {
              unrendered.add(e.id() + "/" + v.key); // left out of every mean, counted in the result
            }
            bar.update(++step, Double.NaN, 1, "page", e.id(), "variant", v.key);
          }
        }
      }
      encoder = scorer.encoderName();
      split = scorer.timings();
    }
    double runtime = run.seconds();

    // ---- aggregate and check ----
    Map<Degradations.Variant, double[]> mean = new LinkedHashMap<>();
    for (Degradations.Variant v : variants) mean.put(v, mean(scores.get(v).values()));
    double[] id = mean.get(Degradations.Variant.IDENTICAL);
    boolean identity = true;
    for (double[] s : scores.get(Degradations.Variant.IDENTICAL).values())
      for (int k = 0; k < 5; k++) identity &= Math.abs(s[k] - 1) < (k == 4 ? 1e-6 : 1e-9);
    double[] col = mean.get(Degradations.Variant.COLORS_STRIPPED);
    double[] shu = mean.get(Degradations.Variant.LAYOUT_SHUFFLED);
    double[] tru = mean.get(Degradations.Variant.TRUNCATED);
    boolean colorHit = drop(col, 3) > Math.max(drop(col, 0), Math.max(drop(col, 1), drop(col, 2)));
    boolean positionHit = drop(shu, 2) > drop(shu, 1);
    boolean blockHit = drop(tru, 0) > drop(tru, 1);
    List<Double> texts = new ArrayList<>(), blocks = new ArrayList<>();
    for (Degradations.Variant v : variants) {
      if (v == Degradations.Variant.IDENTICAL) continue;
      for (double[] s : scores.get(v).values()) {
        texts.add(s[1]);
        blocks.add(s[0]);
      }
    }
    double sdText = sd(texts), sdBlock = sd(blocks);
    boolean textSaturates = sdText < sdBlock;
    boolean reproduced = identity && colorHit && positionHit && blockHit && textSaturates;

    Result.Builder b = run.result().seed(seed).runtimeS(runtime);
    b.metric("pages", scores.get(Degradations.Variant.IDENTICAL).size());
    for (Degradations.Variant v : variants)
      for (int k = 0; k < METRICS.length; k++) b.metric(v.key + "." + METRICS[k], round(mean.get(v)[k]));
    b.metric("check.identity_scores_one", identity);
    b.metric("check.colors_stripped_hits_color_most", colorHit);
    b.metric("check.layout_shuffled_hits_position_more_than_text", positionHit);
    b.metric("check.truncated_hits_block_more_than_text", blockHit);
    b.metric("check.text_varies_less_than_block", textSaturates);
    b.metric("sd_text_over_degraded", round(sdText));
    b.metric("sd_block_over_degraded", round(sdBlock));
    b.metric("render_failures", unrendered.size());
    b.metric("unrendered_pages", unrendered);
    b.metric("visual_encoder", encoder);
    b.metric("seconds_render_and_detect", round(split[0]));
    b.metric("seconds_matching", round(split[1]));
    b.metric("seconds_visual", round(split[2]));

    String[] rows = {"gpt4v_direct", "gpt4v_text_augmented", "gpt4v_self_revision", "gemini_direct", "websight_vlm_8b", "design2code_18b"};
    double[][] vals = {
      {85.8, 97.4, 80.5, 73.3, 86.9}, {87.6, 98.2, 80.2, 73.0, 87.2}, {88.8, 98.1, 81.1, 72.9, 87.2},
      {80.2, 94.6, 72.3, 66.2, 84.4}, {55.9, 86.6, 77.3, 79.4, 87.6}, {78.5, 96.4, 74.3, 67.0, 85.8}
    };
    String[] names = {"block", "text", "position", "color", "clip"};
    for (int r = 0; r < rows.length; r++) for (int k = 0; k < 5; k++) b.reference(rows[r] + "." + names[k], vals[r][k] / 100.0);

    String notes =
        "Metric-behaviour study on " + scores.get(Degradations.Variant.IDENTICAL).size() + " real pages (Bootstrap 5 examples, PostgreSQL 15 docs; Debian packages). "
            + "Reproduced = identity scores 1 on all five metrics AND stripped colours lower Color more than Block/Text/Position AND a shuffled layout "
            + "lowers Position more than Text AND truncation lowers Block-Match more than Text AND Text has a smaller spread than Block-Match over all "
            + "degraded candidates. The visual score uses '" + encoder + "', not CLIP (weights not obtainable offline): its values are not comparable "
            + "to the paper's CLIP column. paper_reference holds the paper's Table 1 (later version) for model outputs, which we cannot generate offline. "
            + (unrendered.isEmpty() ? "Every page rendered." : unrendered.size() + " page/variant renders fell back to Chromium's blank image and were left out "
                + "of every mean: " + String.join(", ", unrendered) + ".");
    Result result = b.reproduced(reproduced).notes(notes).build();
    writeReadme(outDir, preset, scores, mean, result.metrics(), reproduced, encoder, runtime, split);
    writePlots(outDir, mean);
    Chromium.deleteTree(work.resolve("candidates"));
    return result;
  }

  private static double drop(double[] m, int k) {
    return 1 - m[k];
  }

  static double[] mean(java.util.Collection<double[]> rows) {
    double[] m = new double[METRICS.length];
    for (double[] r : rows) for (int k = 0; k < m.length; k++) m[k] += r[k];
    for (int k = 0; k < m.length; k++) m[k] /= Math.max(1, rows.size());
    return m;
  }

  static double sd(List<Double> xs) {
    double m = xs.stream().mapToDouble(d -> d).average().orElse(0);
    return Math.sqrt(xs.stream().mapToDouble(d -> (d - m) * (d - m)).average().orElse(0));
  }

  private static double round(double x) {
    return Math.round(x * 10000) / 10000.0;
  }

  private static void writePlots(Path out, Map<Degradations.Variant, double[]> mean) throws Exception {
    List<String> rows = new ArrayList<>();
    double[][] v = new double[mean.size()][5];
    int r = 0;
    for (Map.Entry<Degradations.Variant, double[]> e : mean.entrySet()) {
      rows.add(e.getKey().key);
      System.arraycopy(e.getValue(), 0, v[r++], 0, 5);
    }
    Plot.heatmap("Design2Code metrics per degradation (mean over pages)")
        .rows(rows)
        .cols("Block", "Text", "Position", "Color", "Visual*")
        .values(v)
        .range(0, 1)
        .write(out.resolve("metrics_by_degradation.png"));
    double[] fin = new double[mean.size()];
    r = 0;
    for (double[] m : mean.values()) fin[r++] = m[5];
    Plot.bar("Combined score 0.2·(Block+Text+Position+Color+Visual*)").labels(rows).values(fin).yLabel("score").write(out.resolve("final_by_degradation.png"));
  }

  private static void writeReadme(
      Path out, String preset, Map<Degradations.Variant, Map<String, double[]>> scores, Map<Degradations.Variant, double[]> mean,
      Map<String, Object> metrics, boolean reproduced, String encoder, double runtime, double[] split) throws Exception {
    StringBuilder sb = new StringBuilder();
    sb.append("# Design2Code (arXiv 2403.03163) — metric-behaviour study\n\n");
    sb.append("Preset `").append(preset).append("`, ").append(metrics.get("pages")).append(" real pages, runtime ")
        .append(String.format("%.0f s (render+detect %.0f s, matching %.1f s, visual %.0f s; measured on a shared, loaded machine)", runtime, split[0], split[1], split[2]))
        .append(". Reproduced: **").append(reproduced).append("**.\n\n");
    sb.append("Every page of the set is degraded in four controlled ways and scored against itself with the full official pipeline ")
        .append("(re-rendering in headless Chromium, OCR-free block detection, merge search + Jonker–Volgenant matching, five scores).\n\n");
    sb.append("| variant | what it does | Block | Text | Position | Color | Visual* | Final |\n|---|---|---|---|---|---|---|---|\n");
    for (Map.Entry<Degradations.Variant, double[]> e : mean.entrySet()) {
      double[] m = e.getValue();
      sb.append(String.format("| %s | %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |%n", e.getKey().key, e.getKey().description, m[0], m[1], m[2], m[3], m[4], m[5]));
    }
    sb.append("\n\\* Visual = cosine similarity under `").append(encoder).append("`, a training-free substitute for CLIP ViT-B/32 ")
        .append("(same text inpainting and square resize); not comparable with the paper's CLIP column.\n\n");
    sb.append("## Checks\n\n| check | result |\n|---|---|\n");
    for (Map.Entry<String, Object> e : metrics.entrySet())
      if (e.getKey().startsWith("check.")) sb.append("| ").append(e.getKey().substring(6)).append(" | ").append(e.getValue()).append(" |\n");
    sb.append(String.format("%nSpread over all degraded candidates: sd(Text) = %.3f, sd(Block-Match) = %.3f.%n%n", metrics.get("sd_text_over_degraded"), metrics.get("sd_block_over_degraded")));
    sb.append("## The paper's numbers (Table 1, later version; ×100) for reference\n\n")
        .append("These score model outputs on the 484-page C4 test set, which we cannot run offline (no GPT-4V/Gemini, no test set). ")
        .append("Use `papers4j design2code generate` against an OpenAI-compatible endpoint and `eval` to produce such rows.\n\n")
        .append("| system | Block | Text | Position | Color | CLIP |\n|---|---|---|---|---|---|\n")
        .append("| GPT-4V direct | 85.8 | 97.4 | 80.5 | 73.3 | 86.9 |\n| GPT-4V text-augmented | 87.6 | 98.2 | 80.2 | 73.0 | 87.2 |\n")
        .append("| GPT-4V self-revision | 88.8 | 98.1 | 81.1 | 72.9 | 87.2 |\n| Gemini 1.0 Pro Vision direct | 80.2 | 94.6 | 72.3 | 66.2 | 84.4 |\n")
        .append("| WebSight VLM-8B | 55.9 | 86.6 | 77.3 | 79.4 | 87.6 |\n| Design2Code-18B | 78.5 | 96.4 | 74.3 | 67.0 | 85.8 |\n\n");
    sb.append("Paper observation we test: Text similarity saturates (94–98 for every strong system) while Block-Match spreads (55.9–88.8).\n\n");
    sb.append("## Per page\n\n| page | variant | Block | Text | Position | Color | Visual* | Final |\n|---|---|---|---|---|---|---|---|\n");
    for (Map.Entry<Degradations.Variant, Map<String, double[]>> v : scores.entrySet())
      for (Map.Entry<String, double[]> p : v.getValue().entrySet()) {
        double[] m = p.getValue();
        sb.append(String.format("| %s | %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |%n", p.getKey(), v.getKey().key, m[0], m[1], m[2], m[3], m[4], m[5]));
      }
    sb.append("\nPlots: `metrics_by_degradation.png`, `final_by_degradation.png`. Data: Debian `libjs-bootstrap5-doc` (CC-BY-3.0 docs, MIT code), ")
        .append("`postgresql-doc-15` (PostgreSQL Licence). The set (HTML + reference screenshots) stays in `work/set/`.\n");
    AtomicFiles.write(out.resolve("README.md"), sb.toString().getBytes(StandardCharsets.UTF_8));
  }
}
