package io.papers4j.core.report;

import java.nio.file.Path;
import java.util.List;

/**
 * One paper's reproduction, discovered by {@code papers4j reproduce} through {@link
 * java.util.ServiceLoader} (list the class in {@code
 * META-INF/services/io.papers4j.core.report.Reproduction}).
 */
public interface Reproduction {
  /** The system name used on the command line, e.g. {@code lm}, {@code galore}, {@code arena}. */
  String name();

  /** One line for {@code papers4j reproduce --help} and the index page. */
  String title();

  /**
   * Runs the experiment at {@code preset} ("quick" or "full") and writes {@code result.json},
   * {@code README.md} and plots into {@code outDir} (which exists). Returns the result written.
   */
  Result run(String preset, Path outDir) throws Exception;

  /**
   * The named parts of the experiment that {@code papers4j reproduce <system> --part P} can run
   * alone (e.g. one table of the paper); empty when the reproduction runs only as a whole.
   */
  default List<String> parts() {
    return List.of();
  }

  /**
   * Runs only {@code parts} (all of them when empty) at {@code preset}. The report then holds only
   * what this run measured, says which parts those were and when, and carries {@code metrics.parts}
   * (see {@link TimedReproduction}), so a partial report never passes for a whole one.
   */
  default Result run(String preset, List<String> parts, Path outDir) throws Exception {
    if (!parts.isEmpty()) {
      throw new IllegalArgumentException(name() + " has no parts to run alone" + (parts().isEmpty() ? "" : "; its parts: " + parts()));
    }
    return run(preset, outDir);
  }
}
