package io.papers4j.arena.web;

/** A client error with its HTTP status; rendered as {@code {"error": message}}. */
final class ApiError extends RuntimeException {
  final int status;

  ApiError(int status, String message) {
    super(message);
    this.status = status;
  }
}
