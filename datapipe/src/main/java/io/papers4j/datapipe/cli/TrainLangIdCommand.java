package io.papers4j.datapipe.cli;

import io.papers4j.datapipe.filter.LanguageIdTrainer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code papers4j datapipe train-langid}: rebuilds the bundled language-ID model from man pages. */
@Command(name = "train-langid", mixinStandardHelpOptions = true,
    description = "Train the character n-gram language identifier on Debian's translated man pages.")
final class TrainLangIdCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, description = "Model file to write (.tsv.gz).")
  Path out;

  @Option(names = "--man", defaultValue = "/usr/share/man", description = "Man page root (default: ${DEFAULT-VALUE}).")
  Path man;

  @Option(names = "--top-k", defaultValue = "1500", description = "Grams kept per language (default: ${DEFAULT-VALUE}).")
  int topK;

  @Override
  public Integer call() throws Exception {
    LanguageIdTrainer.main(new String[] {out.toString(), man.toString(), String.valueOf(topK)});
    return 0;
  }
}
