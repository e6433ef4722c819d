package io.papers4j.cli;

import picocli.CommandLine.Command;

/** Listed for --help; the launcher script runs the test suite itself (it needs Maven, not the JVM). */
@Command(
    name = "test",
    description = "Install what the tests need and run the whole test suite (run as ./papers4j test).")
final class TestCommand implements Runnable {
  @Override
  public void run() {
    System.out.println("Run the test suite through the launcher: ./papers4j test");
  }
}
