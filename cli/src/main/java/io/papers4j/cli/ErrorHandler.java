package io.papers4j.cli;

import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

/**
 * Turns any exception from a command into one readable line on stderr and exit code 1; the stack
 * trace is printed only with {@code PAPERS4J_DEBUG=1}.
 */
final class ErrorHandler implements IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parse) {
    String msg = ex.getMessage() != null ? ex.getMessage() : ex.getClass().getSimpleName();
    Throwable cause = ex.getCause();
    if (ex.getMessage() == null && cause != null && cause.getMessage() != null) {
      msg = cause.getMessage();
    }
    // the full command path ("papers4j flow train"), so that "train" says which of the many trains failed
    String name = cl.getCommandSpec().qualifiedName(" ");
    cl.getErr().println((name.startsWith("papers4j") ? name : "papers4j " + name) + ": error: " + msg);
    if ("1".equals(System.getenv("PAPERS4J_DEBUG"))) ex.printStackTrace(cl.getErr());
    return 1;
  }
}
