package io.papers4j.arena.cli;

import io.papers4j.core.cli.CliCommand;
import io.papers4j.core.cli.ParentCommand;
import picocli.CommandLine.Command;

/** {@code papers4j arena …}: the Chatbot Arena platform, its ratings and its simulation. */
@Command(
    name = "arena",
    mixinStandardHelpOptions = true,
    description = "Chatbot Arena (arXiv 2403.04132): voting platform, Bradley-Terry leaderboard, simulation.",
    subcommands = {ServeCommand.class, RatingsCommand.class, SimulateCommand.class})
public final class ArenaCommand extends ParentCommand implements CliCommand {
}
