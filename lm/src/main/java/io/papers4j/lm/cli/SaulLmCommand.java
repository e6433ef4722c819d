package io.papers4j.lm.cli;

import io.papers4j.core.cli.CliCommand;
import io.papers4j.lm.saullm.GeneralCorpus;
import io.papers4j.lm.saullm.LegalCorpus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code papers4j saullm corpus build}: SaulLM-7B's legal corpus from licence and copyright text. */
@Command(
    name = "saullm",
    mixinStandardHelpOptions = true,
    description = "SaulLM-7B (arXiv 2403.03883): a legal corpus, continued pretraining with replay, a legal benchmark.",
    subcommands = {SaulLmCommand.Corpus.class})
public final class SaulLmCommand implements CliCommand, Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  /** {@code papers4j saullm corpus build --out DIR}. */
  @Command(name = "corpus", mixinStandardHelpOptions = true, description = "Build the legal and general corpora.",
      subcommands = {Build.class})
  static final class Corpus implements Runnable {
    @Override
    public void run() {
      new picocli.CommandLine(this).usage(System.out);
    }
  }

  @Command(name = "build", mixinStandardHelpOptions = true, description = {
      "Read SPDX licence texts (npm spdx-license-list), /usr/share/common-licenses, DEP-5 copyright files and",
      "the law fortunes; deduplicate (exact + MinHash); split by type with ~10% held out by hash; also the",
      "general corpus (KJV + non-legal fortunes). Writes legal/TYPE/{train,heldout}.jsonl, general/*.txt,",
      "manifest.json and a data card README.md."})
  static final class Build implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--out", required = true, description = "Output directory.")
    Path out;

    @Override
    public Integer call() {
      PrintWriter w = spec.commandLine().getOut();
      LegalCorpus.Built b = LegalCorpus.build();
      GeneralCorpus.Texts g = GeneralCorpus.build();
      LegalCorpus.write(b, g, out);
      w.printf("legal: %d raw documents, %d exact and %d near duplicates removed, %d train, %d held out;"
              + " general: %d train units, %d held out -> %s%n",
          b.raw(), b.exactDuplicates(), b.nearDuplicates(), b.train().size(), b.heldOut().size(),
          g.train().size(), g.heldOut().size(), out);
      w.flush();
      return 0;
    }
  }
}
