package io.papers4j.core.report;

import java.nio.file.Path;

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
}
