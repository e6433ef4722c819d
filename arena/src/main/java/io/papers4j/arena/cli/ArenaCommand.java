package io.papers4j.arena.cli;

import io.papers4j.core.cli.CliCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code papers4j arena …}: the Chatbot Arena platform, its ratings and its simulation. */
@Command(
    name = "arena",
    mixinStandardHelpOptions = true,
    description = "Chatbot Arena (arXiv 2403.04132): voting platform, Bradley-Terry leaderboard, simulation.",
    subcommands = {ServeCommand.class, RatingsCommand.class, SimulateCommand.class})
public final class ArenaCommand implements Runnable, CliCommand {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
