package io.papers4j.core.cli;

import picocli.CommandLine;

/**
 * A command whose work is done by its subcommands ({@code papers4j lm}, {@code papers4j speech
 * codec}, ...): run on its own it prints its usage with the full command path, as {@code --help}
 * does. Subclasses carry the picocli {@code @Command} annotation with their subcommands.
 */
public abstract class ParentCommand implements Runnable {
  @CommandLine.Spec protected CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
