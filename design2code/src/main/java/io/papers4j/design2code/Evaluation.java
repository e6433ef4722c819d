package io.papers4j.design2code;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores a directory of predictions against a set, as the official driver does: pages without a
 * prediction are skipped, the corpus score is the mean over scored pages.
 */
public final class Evaluation {
  private Evaluation() {}

  /** Per-page scores (set order), the ids skipped for want of a prediction, and those Chromium could not render (not scored). */
  public record Report(Map<String, PageScore> pages, List<String> missing, List<String> unrendered) {
    /** Corpus means {block, text, position, color, visual, final}. */
    public double[] means() {
      double[] m = new double[6];
      for (PageScore s : pages.values()) {
        double[] v = {s.block(), s.text(), s.position(), s.color(), s.visual(), s.finalScore()};
        for (int k = 0; k < 6; k++) m[k] += v[k];
      }
      for (int k = 0; k < 6; k++) m[k] = pages.isEmpty() ? Double.NaN : m[k] / pages.size();
      return m;
    }

    /** A Markdown table: one row per page and a mean row. */
    public String table() {
      StringBuilder sb = new StringBuilder("| page | Block | Text | Position | Color | Visual | Final |\n|---|---|---|---|---|---|---|\n");
      for (Map.Entry<String, PageScore> e : pages.entrySet()) {
        PageScore s = e.getValue();
        sb.append(row(e.getKey(), new double[] {s.block(), s.text(), s.position(), s.color(), s.visual(), s.finalScore()}));
      }
      sb.append(row("**mean (" + pages.size() + " pages)**", means()));
      return sb.toString();
    }

    private static String row(String name, double[] v) {
      StringBuilder sb = new StringBuilder("| " + name + " |");
      for (double x : v) sb.append(String.format(" %.3f |", x));
      return sb.append('\n').toString();
    }
  }

  public static Report run(Path set, Path predictions, Scorer scorer, java.util.function.Consumer<String> progress) throws IOException {
    if (!Files.isDirectory(predictions)) throw new IOException("predictions directory not found: " + predictions);
    Map<String, PageScore> pages = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    List<String> unrendered = new ArrayList<>();
    for (BenchmarkSet.Entry e : BenchmarkSet.read(set)) {
      Path pred = predictions.resolve(e.id() + ".html");
      if (!Files.isRegularFile(pred)) {
        missing.add(e.id());
        continue;
      }
      try {
        pages.put(e.id(), scorer.score(set.resolve(e.id() + ".html"), pred));
      } catch (Scorer.RenderFailedException x) {
        unrendered.add(e.id());
      }
      if (progress != null) progress.accept(e.id());
    }
    return new Report(pages, missing, unrendered);
  }
}
