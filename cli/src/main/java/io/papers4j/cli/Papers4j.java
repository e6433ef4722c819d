package io.papers4j.cli;

import io.papers4j.core.cli.CliCommand;
import io.papers4j.core.cli.ParentCommand;
import java.util.ServiceLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The {@code papers4j} command. System commands are found through {@link ServiceLoader} ({@link
 * CliCommand}); {@code reproduce} and {@code bench} collect every module's reproductions and
 * benchmarks the same way.
 */
@Command(
    name = "papers4j",
    mixinStandardHelpOptions = true,
    version = "papers4j 0.1.0",
    description = "Eighteen March-2024 ML systems in Java on libtorch.",
    subcommands = {ReproduceCommand.class, BenchCommand.class, TestCommand.class})
public final class Papers4j extends ParentCommand {

  public static CommandLine commandLine() {
    return commandLine(CallerPaths.fromSystemProperty());
  }

  /** The command tree; relative path options resolve against {@code callerPaths}' directory when it is not null. */
  static CommandLine commandLine(CallerPaths callerPaths) {
    CommandLine cl = new CommandLine(new Papers4j());
    for (CliCommand c : ServiceLoader.load(CliCommand.class)) {
      cl.addSubcommand(c);
    }
    // Registered after the subcommands: picocli hands a converter only to commands already added.
    if (callerPaths != null) {
      cl.registerConverter(java.nio.file.Path.class, callerPaths);
      cl.registerConverter(io.papers4j.core.cli.Location.class, callerPaths::location);
    }
    cl.setExecutionExceptionHandler(new ErrorHandler());
    return cl;
  }

  public static void main(String[] args) {
    int rc = commandLine().execute(args);
    System.exit(rc);
  }
}
