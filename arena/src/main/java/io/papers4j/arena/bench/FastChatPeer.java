package io.papers4j.arena.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.arena.stats.Battle;
import io.papers4j.arena.stats.ModelIndex;
import java.io.BufferedWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code bench/arena_fastchat_bt.py} (FastChat's {@code compute_mle_elo}: sklearn
 * LogisticRegression, lbfgs, tol 1e-6, and its bootstrap; Debian {@code python3-sklearn}) on the
 * same battles and compares it with the papers4j leaderboard.
 *
 * <p>Tolerances. Point ratings: both fit the same likelihood; papers4j's Newton solve stops at a
 * gradient of 1e-13 per battle, sklearn's lbfgs at a projected gradient of 1e-6 on its loss, which
 * sklearn 1.2 averages over the sample weights. The rating error of a stopped fit is about
 * 400·|H⁻¹g| with H the averaged Hessian in coefficient units; with 50 models each model's diagonal
 * is about ln(10)²·p(1−p)·(2/50) ≈ 0.05, so 1e-6 allows ~400·1e-6/0.05 ≈ 0.01 points per
 * coordinate, and a few of them add up — {@value #POINT_TOLERANCE} points covers that with margin
 * (FastChat reports integers). Intervals: both are 100-round bootstraps from different random
 * streams, so they agree only up to Monte-Carlo error: the 2.5% quantile of 100 draws has a standard
 * error of about √(0.025·0.975/100)/φ(1.96) ≈ 0.27 σ, i.e. ~10% of the 3.92 σ width per model and
 * ~14% between two independent runs; averaged over 50 models that is ~2%, so the mean width must
 * agree within {@value #WIDTH_TOLERANCE} (three standard errors, rounded up).
 */
public final class FastChatPeer {
  static final String PYTHON = "/usr/bin/python3";
  static final Path SCRIPT = Path.of("bench", "arena_fastchat_bt.py");
  static final double POINT_TOLERANCE = 0.1;
  static final double WIDTH_TOLERANCE = 0.06;

  private FastChatPeer() {}

  public static String compare(List<Battle> data, ModelIndex models, double[] rating, double[] lo, double[] hi, int rounds, PrintStream out)
      throws Exception {
    if (!Files.isExecutable(Path.of(PYTHON)) || !Files.isRegularFile(SCRIPT)) {
      return "\n(FastChat/sklearn peer not run: needs " + PYTHON + " and " + SCRIPT + " in the working directory.)\n";
    }
    Path csv = Files.createTempFile("arena-bench", ".csv");
    try {
      try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
        w.write("model_a,model_b,winner\n");
        for (Battle b : data) {
          w.write(b.modelA());
          w.write(',');
          w.write(b.modelB());
          w.write(',');
          w.write(b.winner().json);
          w.write('\n');
        }
      }
      StringBuilder md = new StringBuilder();
      List<String> checks = new ArrayList<>();
      for (String mode : new String[] {"rows", "multinomial"}) {
        JsonNode r = run(csv, rounds, mode);
        if (r == null) return "\n(FastChat/sklearn peer failed; see the console output.)\n";
        double fit = r.get("fit_seconds").asDouble(), boot = r.get("bootstrap_seconds").asDouble();
        out.printf(Locale.ROOT, "    FastChat/sklearn (%s bootstrap): fit %.3f s, bootstrap %.2f s, total %.2f s%n", mode, fit, boot, fit + boot);
        md.append(String.format(Locale.ROOT, "| FastChat method in Python (`%s`, sklearn %s, %s bootstrap) | (in fit/bootstrap) | %.3f | %.2f | **%.2f** |%n",
            SCRIPT, r.get("sklearn").asText(), mode.equals("rows") ? "row (`sample(frac=1, replace=True)`)" : "multinomial", fit, boot, fit + boot));
        checks.add(check(r, models, rating, lo, hi, mode, out));
      }
      md.append("\nCorrectness vs the peer (same battles; tolerances justified in `FastChatPeer`):\n\n");
      for (String c : checks) md.append("- ").append(c).append('\n');
      return md.toString();
    } finally {
      Files.deleteIfExists(csv);
    }
  }

  private static JsonNode run(Path csv, int rounds, String mode) throws Exception {
    List<String> cmd = List.of(PYTHON, SCRIPT.toString(), "--battles", csv.toString(), "--rounds", String.valueOf(rounds),
        "--seed", "0", "--bootstrap", mode);
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    byte[] stdout = p.getInputStream().readAllBytes();
    if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
      System.err.println("arena bench: " + String.join(" ", cmd) + " failed (exit " + (p.isAlive() ? "timeout" : p.exitValue()) + ")");
      return null;
    }
    return new ObjectMapper().readTree(stdout);
  }

  private static String check(JsonNode r, ModelIndex models, double[] rating, double[] lo, double[] hi, String mode, PrintStream out) {
    int m = models.size();
    double maxPoint = 0, widthJ = 0, widthP = 0, maxBound = 0;
    for (int i = 0; i < m; i++) {
      String name = r.get("models").get(i).asText();
      if (!name.equals(models.name(i))) throw new IllegalStateException("peer model order differs at " + i + ": " + name);
      maxPoint = Math.max(maxPoint, Math.abs(rating[i] - r.get("ratings").get(i).asDouble()));
      double pl = r.get("lower").get(i).asDouble(), pu = r.get("upper").get(i).asDouble();
      widthJ += (hi[i] - lo[i]) / m;
      widthP += (pu - pl) / m;
      maxBound = Math.max(maxBound, Math.max(Math.abs(lo[i] - pl), Math.abs(hi[i] - pu)));
    }
    double rel = Math.abs(widthJ / widthP - 1);
    boolean ok = maxPoint <= POINT_TOLERANCE && rel <= WIDTH_TOLERANCE;
    String s = String.format(Locale.ROOT,
        "%s bootstrap: max |rating difference| %.4f points (tolerance %.1f); mean 95%% CI width %.2f (papers4j) vs %.2f (peer), "
            + "%.1f%% apart (tolerance %.0f%%); largest bound difference %.2f points; lbfgs iterations %d, all fits converged: %s — **%s**",
        mode, maxPoint, POINT_TOLERANCE, widthJ, widthP, 100 * rel, 100 * WIDTH_TOLERANCE, maxBound,
        r.get("lbfgs_iterations").asInt(), r.get("all_fits_converged").asBoolean(), ok ? "agree" : "DISAGREE");
    out.println("    " + s);
    return s;
  }
}
