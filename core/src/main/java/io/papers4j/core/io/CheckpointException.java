package io.papers4j.core.io;

import java.nio.file.Path;

/**
 * The one error every checkpoint reader and writer in papers4j throws for bad input: a truncated or
 * corrupt safetensors file, a malformed {@code config.json}, a tensor that is missing or has the
 * wrong dtype or shape. The message always names the file and, where one is involved, the tensor or
 * key, so a user can tell which part of which file to fix.
 */
public class CheckpointException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }

  /** "{@code file}: {@code problem}". */
  public static CheckpointException of(Path file, String problem) {
    return new CheckpointException(file + ": " + problem);
  }

  /** "{@code file}: tensor '{@code tensor}': {@code problem}". */
  public static CheckpointException of(Path file, String tensor, String problem) {
    return new CheckpointException(file + ": tensor '" + tensor + "': " + problem);
  }

  public static CheckpointException of(Path file, String tensor, String problem, Throwable cause) {
    return new CheckpointException(file + ": tensor '" + tensor + "': " + problem, cause);
  }

  public static CheckpointException of(Path file, String problem, Throwable cause) {
    return new CheckpointException(file + ": " + problem, cause);
  }
}
