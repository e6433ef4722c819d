package io.papers4j.lm.cli;

import io.papers4j.core.cli.CliCommand;
import io.papers4j.core.cli.ParentCommand;
import picocli.CommandLine.Command;

/**
 * {@code papers4j lm …}: LLaMA-family language models (LLaMA-2/3, Mistral, Yi).
 *
 * <p>Every verb of the group is listed in {@code subcommands} below — add new verbs there.
 */
@Command(
    name = "lm",
    mixinStandardHelpOptions = true,
    description = "LLaMA-family language models: train, evaluate, inspect, generate, score, serve (Hugging Face checkpoints).",
    subcommands = {
      InfoCommand.class,
      GenerateCommand.class,
      ScoreCommand.class,
      ServeCommand.class,
      TrainCommand.class,
      EvalCommand.class,
      NeedleCommand.class,
    })
public final class LmCommand extends ParentCommand implements CliCommand {
}
