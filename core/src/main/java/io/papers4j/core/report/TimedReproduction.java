package io.papers4j.core.report;

import java.nio.file.Path;

/**
 * The common opening and closing of a reproduction: the name, paper and title, a clock and the
 * load average started before any work, a {@link Result.Builder} already holding the system, paper,
 * claim, preset and start time, and {@code result.json} written last (after the README and plots),
 * so a complete {@code result.json} means a complete report.
 *
 * <pre>public final class MyReproduction extends TimedReproduction {
 *   public MyReproduction() { super("my-system", "2403.00000", "one line for --list", "the claim"); }
 *   protected Result reproduce(String preset, Path outDir, Context run) throws Exception {
 *     ... experiment, plots, README into outDir ...
 *     return run.result().seed(SEED).metric("x", x).reference("x", 1.0).reproduced(ok).notes(n).build();
 *   }
 * }</pre>
 */
public abstract class TimedReproduction implements Reproduction {
  private final String name;
  private final String paper;
  private final String title;
  private final String claim;

  /**
   * @param name the system name on the command line
   * @param paper arXiv id
   * @param title one line for {@code papers4j reproduce --list} and the index page
   * @param claim the paper's central claim, in one sentence (result.json "claim")
   */
  protected TimedReproduction(String name, String paper, String title, String claim) {
    this.name = name;
    this.paper = paper;
    this.title = title;
    this.claim = claim;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final String title() {
    return title;
  }

  @Override
  public final Result run(String preset, Path outDir) throws Exception {
    Context run = new Context(preset, outDir, System.nanoTime(), Machine.loadAverage(), name, paper, claim);
    Result result = reproduce(preset, outDir, run);
    result.write(outDir);
    return result;
  }

  /**
   * Runs the experiment at {@code preset} ("quick", "full", or a test-only size), writes README.md
   * and plots into {@code outDir} (which exists) and returns the result; {@code run} holds the clock
   * and the result builder.
   */
  protected abstract Result reproduce(String preset, Path outDir, Context run) throws Exception;

  /** One run: its preset and output directory, its clock, and the result being built. */
  public static final class Context {
    private final String preset;
    private final Path outDir;
    private final long startNanos;
    private final String loadAtStart;
    private final String name;
    private final String paper;
    private final String claim;

    Context(String preset, Path outDir, long startNanos, String loadAtStart, String name, String paper, String claim) {
      this.preset = preset;
      this.outDir = outDir;
      this.startNanos = startNanos;
      this.loadAtStart = loadAtStart;
      this.name = name;
      this.paper = paper;
      this.claim = claim;
    }

    public String preset() {
      return preset;
    }

    public Path outDir() {
      return outDir;
    }

    /** Seconds since the run started. */
    public double seconds() {
      return (System.nanoTime() - startNanos) / 1e9;
    }

    /** The load averages (1/5/15 min) read when the run started. */
    public String loadAtStart() {
      return loadAtStart;
    }

    /** A builder with system, paper, claim, preset and the start time filled in. */
    public Result.Builder result() {
      return Result.builder(name, paper).claim(claim).preset(preset).startedAt(startNanos);
    }
  }
}
