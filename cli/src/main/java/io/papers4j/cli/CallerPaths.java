package io.papers4j.cli;

import io.papers4j.core.cli.Location;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * Reads path options relative to the directory the user called {@code papers4j} from.
 *
 * <p>The launcher runs the JVM in the repository root (benchmarks find their peer scripts there and
 * reproductions write {@code reports/} there) and passes the caller's directory as the system
 * property {@value #PROPERTY}; without this converter {@code --out runs/x} typed in a
 * subdirectory would land in the root. Absolute paths, and every path when the property is absent
 * (the Java API, tests), are taken as given. {@link Location} options (a path or a URI) get the same treatment
 * for their local paths.
 */
final class CallerPaths implements CommandLine.ITypeConverter<Path> {
  static final String PROPERTY = "papers4j.caller.dir";

  private final Path callerDir;

  CallerPaths(Path callerDir) {
    this.callerDir = callerDir;
  }

  /** The converter for the caller's directory named by {@value #PROPERTY}, or null when it is not set. */
  static CallerPaths fromSystemProperty() {
    String dir = System.getProperty(PROPERTY);
    return dir == null || dir.isBlank() ? null : new CallerPaths(Path.of(dir));
  }

  @Override
  public Path convert(String value) {
    Path p = Path.of(value);
    return p.isAbsolute() ? p : callerDir.resolve(p).normalize();
  }

  /** A {@link Location} option: a relative local path read against the caller's directory, a URI as typed. */
  Location location(String value) {
    return Location.valueOf(value).relativeTo(callerDir);
  }
}
