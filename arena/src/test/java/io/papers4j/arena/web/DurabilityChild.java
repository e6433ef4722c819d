package io.papers4j.arena.web;

import io.papers4j.arena.cli.ArenaCommand;
import picocli.CommandLine;

/** Runs {@code papers4j arena serve ARGS…} in a child JVM for {@link VoteDurabilityTest}. */
public final class DurabilityChild {
  private DurabilityChild() {}

  public static void main(String[] args) {
    String[] all = new String[args.length + 1];
    all[0] = "serve";
    System.arraycopy(args, 0, all, 1, args.length);
    System.exit(new CommandLine(new ArenaCommand()).execute(all));
  }
}
