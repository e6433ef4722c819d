package io.papers4j.lm.cli;

import io.papers4j.core.cli.Benchmark;
import io.papers4j.core.report.Machine;
import io.papers4j.lm.galore.GaLoreBenchWorker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code papers4j bench galore [preset] [steps]}: step time and peak RSS of AdamW, 8-bit Adam,
 * GaLore and 8-bit GaLore (with and without per-layer updates) on the {@code small} LLaMA at 8 ×
 * 128 tokens. Each method runs in a fresh JVM ({@link GaLoreBenchWorker}) so that its VmHWM is
 * its own; the GaLore SVD step is timed separately and amortised over T = 200.
 */
public final class GaLoreBench implements Benchmark {
  static final int T = 200;

  @Override
  public String name() {
    return "galore";
  }

  @Override
  public String description() {
    return "GaLore vs AdamW: step time (SVD amortised over T=200) and peak RSS, small LLaMA, 8x128";
  }

  @Override
  public String run(List<String> args, PrintStream out) throws Exception {
    String preset = args.size() > 0 ? args.get(0) : "small";
    int steps = args.size() > 1 ? Integer.parseInt(args.get(1)) : 22;
    int batch = 8, seqLen = 128, rank = 64, gap = 10; // gap 10 here only to time several SVD steps
    String[][] runs = {
      {"adamw", "false"}, {"adam8bit", "false"}, {"galore", "false"}, {"galore8bit", "false"},
      {"galore8bit", "true"}, {"adamw", "true"}
    };
    double loadStart = Machine.load1();
    long t0 = System.nanoTime();
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT,
        "LLaMA `%s` preset, batch %d x %d tokens, rank %d, %d timed steps per method after 2 warm-up steps, one JVM"
            + " per method (threads: %s). Measured under load on a shared machine unless noted.%n%n",
        preset, batch, seqLen, rank, steps - 2, System.getProperty("papers4j.threads", "all cores")));
    md.append("| method | per-layer | plain step ms | SVD step ms | step ms amortised (T=200) | optimizer state MB | peak RSS MB |\n");
    md.append("|---|---|---|---|---|---|---|\n");
    for (String[] r : runs) {
      String[] res = worker(preset, r[0], r[1], steps, batch, seqLen, rank, gap);
      double plain = Double.parseDouble(res[3]);
      double svd = Double.parseDouble(res[4]);
      double amortised = r[0].startsWith("galore") ? ((T - 1) * plain + svd) / T : plain;
      String line = String.format(Locale.ROOT, "| %s | %s | %.0f | %s | %.0f | %.2f | %.0f |", r[0], r[1], plain,
          Double.isNaN(svd) || !r[0].startsWith("galore") ? "–" : String.format(Locale.ROOT, "%.0f", svd), amortised,
          Long.parseLong(res[5]) / 1048576.0, Long.parseLong(res[6]) / 1048576.0);
      out.println(line);
      md.append(line).append('\n');
    }
    md.append(String.format(Locale.ROOT, "%nLoad average (1 min) %.2f at the start, %.2f at the end; %.0f s in all.%n",
        loadStart, Machine.load1(), (System.nanoTime() - t0) / 1e9));
    return md.toString();
  }

  private static String[] worker(String preset, String method, String perLayer, int steps, int batch, int seqLen,
      int rank, int gap) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
    if (System.getProperty("papers4j.threads") != null) cmd.add("-Dpapers4j.threads=" + System.getProperty("papers4j.threads"));
    cmd.addAll(List.of(GaLoreBenchWorker.class.getName(), preset, method, perLayer, String.valueOf(steps),
        String.valueOf(batch), String.valueOf(seqLen), String.valueOf(rank), String.valueOf(gap)));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String result = null;
    StringBuilder log = new StringBuilder();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("RESULT ")) result = line;
        else log.append(line).append('\n');
      }
    }
    int rc = p.waitFor();
    if (rc != 0 || result == null) {
      throw new IllegalStateException("benchmark worker for " + method + " failed (exit " + rc + "):\n" + log);
    }
    return result.split(" ");
  }
}
