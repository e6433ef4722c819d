package io.papers4j.core.cli;

import io.papers4j.core.cli.CliCommand;
import io.papers4j.core.data.Corpora;
import io.papers4j.core.data.Split;
import io.papers4j.core.data.TextCorpus;
import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.core.tokenize.BpeTrainer;
import io.papers4j.core.tokenize.Gpt2Tokenizer;
import io.papers4j.core.tokenize.PreTokenizer;
import io.papers4j.core.tokenize.Tokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code papers4j tokenizer …}: train, encode and decode with byte-level BPE. */
@Command(
    name = "tokenizer",
    mixinStandardHelpOptions = true,
    description = "Byte-level BPE tokenizers: train on a corpus, encode, decode (Hugging Face tokenizer.json).",
    subcommands = {
      TokenizerCommand.Train.class,
      TokenizerCommand.Encode.class,
      TokenizerCommand.Decode.class
    })
public final class TokenizerCommand extends ParentCommand implements CliCommand {

  /** "gpt2" means the real GPT-2 tokenizer; anything else is a tokenizer.json path. */
  static Tokenizer open(String name) {
    return name.equals("gpt2") ? Gpt2Tokenizer.load() : Tokenizer.load(Path.of(name));
  }

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = "Train byte-level BPE on the training split of a corpus and write tokenizer.json.")
  static final class Train implements Callable<Integer> {
    @Option(names = "--corpus", defaultValue = "kjv", description = "Corpus name (default: ${DEFAULT-VALUE}).")
    String corpus;

    @Option(names = "--vocab-size", defaultValue = "4096", description = "Vocabulary size incl. special tokens (default: ${DEFAULT-VALUE}).")
    int vocabSize;

    @Option(names = "--special", split = ",", defaultValue = "<|endoftext|>", description = "Special tokens, comma-separated (default: ${DEFAULT-VALUE}).")
    List<String> specials;

    @Option(names = "--val-fraction", defaultValue = "0.05", description = "Held-out tail of the corpus not trained on (default: ${DEFAULT-VALUE}).")
    double valFraction;

    @Option(names = "--out", required = true, description = "tokenizer.json to write.")
    Path out;

    @Override
    public Integer call() {
      TextCorpus c = Corpora.load(corpus);
      Split split = Split.tail(c.units(), valFraction);
      long t0 = System.nanoTime();
      BpeTokenizer tok = BpeTrainer.train(split.trainText(), vocabSize, specials, PreTokenizer.GPT2);
      double secs = (System.nanoTime() - t0) / 1e9;
      tok.save(out);
      String val = split.validationText();
      int n = tok.encode(val).length;
      System.out.printf("trained %d tokens (%d merges) on %s in %.1f s -> %s%n",
          tok.vocabSize(), tok.merges().size(), corpus, secs, out);
      System.out.printf("validation: %d characters -> %d tokens (%.2f characters/token)%n",
          val.length(), n, val.length() / (double) n);
      return 0;
    }
  }

  @Command(name = "encode", mixinStandardHelpOptions = true,
      description = "Print the token ids of a text as JSON.")
  static final class Encode implements Callable<Integer> {
    @Option(names = "--tokenizer", defaultValue = "gpt2", description = "tokenizer.json path, or gpt2 (default: ${DEFAULT-VALUE}).")
    String tokenizer;

    @Option(names = "--text", required = true, description = "Text to encode.")
    String text;

    @Override
    public Integer call() {
      int[] ids = open(tokenizer).encode(text);
      System.out.println("{\"ids\": " + Arrays.toString(ids) + "}");
      return 0;
    }
  }

  @Command(name = "decode", mixinStandardHelpOptions = true, description = "Print the text of token ids.")
  static final class Decode implements Callable<Integer> {
    @Option(names = "--tokenizer", defaultValue = "gpt2", description = "tokenizer.json path, or gpt2 (default: ${DEFAULT-VALUE}).")
    String tokenizer;

    @Option(names = "--ids", required = true, split = ",", description = "Comma-separated ids.")
    int[] ids;

    @Override
    public Integer call() {
      System.out.println(open(tokenizer).decode(ids));
      return 0;
    }
  }
}
