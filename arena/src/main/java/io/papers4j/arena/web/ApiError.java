package io.papers4j.arena.web;

/** A client error with its HTTP status; rendered as {@code {"error": message}}. */
final class ApiError extends RuntimeException {
  final int status;
  /** Seconds for a {@code Retry-After} header (429), or 0 for none. */
  final long retryAfter;

  ApiError(int status, String message) {
    this(status, message, 0);
  }

  ApiError(int status, String message, long retryAfter) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter;
  }
}
