package io.papers4j.lm.cli;

import io.papers4j.core.cli.PrecisionOption;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaModel;
import io.papers4j.lm.train.CorpusTokens;
import io.papers4j.lm.train.LmEval;
import io.papers4j.lm.train.UnigramBaseline;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code papers4j lm eval --model DIR}: validation perplexity on the corpus's held-out split. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Validation loss and perplexity of a checkpoint (needs DIR/tokenizer.json) on the held-out split",
      "of a corpus (the split lm train uses), beside the unigram baseline on the same tokens."
    })
final class EvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, description = "Checkpoint directory with tokenizer.json.")
  Path model;

  @Option(names = "--corpus", defaultValue = "kjv", description = "Corpus name (default ${DEFAULT-VALUE}).")
  String corpus;

  @Option(names = {"--seq", "--context"}, defaultValue = "128",
      description = "Window length T; may exceed the trained length to test extrapolation (default ${DEFAULT-VALUE}).")
  int seq;

  @Option(names = "--batch", defaultValue = "16", description = "Windows per forward pass (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;

  @Mixin PrecisionOption precision;

  @Override
  public Integer call() throws Exception {
    Engine.init();
    BpeTokenizer tok = ModelDir.tokenizer(model);
    LlamaModel m = LlamaCheckpoint.load(model);
    if (m.config().vocabSize() < tok.vocabSize()) {
      throw new IllegalArgumentException(
          model + ": tokenizer.json has " + tok.vocabSize() + " tokens but the model only " + m.config().vocabSize());
    }
    if (seq > m.config().maxPositionEmbeddings()) {
      // allowed on purpose: evaluating past the trained context is how RoPE scaling is compared
      System.err.println("note: --context " + seq + " exceeds max_position_embeddings "
          + m.config().maxPositionEmbeddings() + " (extrapolation)");
    }
    CorpusTokens tokens = CorpusTokens.load(corpus, tok);
    LmEval.Score s;
    try (var cast = precision.autocast()) {
      s = LmEval.score(m, tokens.validation(), batch, seq);
    }
    double unigram = UnigramBaseline.perplexity(tokens.train(), tokens.validation(), tok.vocabSize());
    PrintWriter w = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("corpus", corpus);
      j.put("tokens", s.tokens());
      j.put("val_loss", s.loss());
      j.put("val_ppl", s.perplexity());
      j.put("unigram_ppl", unigram);
      w.println(new ObjectMapper().writeValueAsString(j));
    } else {
      w.printf(java.util.Locale.ROOT,
          "%s validation (%,d tokens): loss %.4f nats/token, perplexity %.2f (unigram baseline %.2f, %.0f%% lower)%n",
          corpus, s.tokens(), s.loss(), s.perplexity(), unigram, 100 * (1 - s.perplexity() / unigram));
    }
    w.flush();
    return 0;
  }
}
