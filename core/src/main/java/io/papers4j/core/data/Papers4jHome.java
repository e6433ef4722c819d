package io.papers4j.core.data;

import java.nio.file.Path;

/**
 * The cache directory for data papers4j fetches or derives: {@code $PAPERS4J_HOME}, else the
 * system property {@code papers4j.home}, else {@code ~/.cache/papers4j}.
 */
public final class Papers4jHome {
  private Papers4jHome() {}

  public static Path dir() {
    String p = System.getProperty("papers4j.home");
    if (p == null || p.isBlank()) p = System.getenv("PAPERS4J_HOME");
    if (p == null || p.isBlank()) return Path.of(System.getProperty("user.home"), ".cache", "papers4j");
    return Path.of(p);
  }

  /** {@code dir()/first/more...}. */
  public static Path resolve(String first, String... more) {
    return dir().resolve(Path.of(first, more));
  }
}
