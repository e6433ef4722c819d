package io.papers4j.core.cli;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * A command-line option naming where data is read or written when that may be a local path, a glob or a URI such as
 * {@code s3a://bucket/corpus} (Spark's inputs and outputs). Typed as {@code Path}, a URI would lose its {@code //};
 * typed as {@code String}, a relative path would not be read against the caller's directory. The launcher registers a
 * converter that calls {@link #relativeTo}; without it (the Java API, tests) the text is taken as given.
 */
public record Location(String value) {
  // Hadoop reads "scheme:..." as a URI too, so a relative local name with a colon before any slash is not one.
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");

  public Location {
    if (value == null || value.isBlank()) throw new IllegalArgumentException("a location must not be empty");
  }

  /** The factory picocli uses when no converter is registered for this type. */
  public static Location valueOf(String value) {
    return new Location(value);
  }

  /** Whether this names a URI (it has a scheme) rather than a local path. */
  public boolean isUri() {
    return SCHEME.matcher(value).find();
  }

  /** A relative local path resolved against {@code dir}; a URI or an absolute path unchanged. */
  public Location relativeTo(Path dir) {
    if (isUri() || Path.of(value).isAbsolute()) return this;
    return new Location(dir.resolve(value).normalize().toString());
  }

  @Override
  public String toString() {
    return value;
  }
}
