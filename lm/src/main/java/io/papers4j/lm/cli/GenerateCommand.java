package io.papers4j.lm.cli;

import io.papers4j.core.cli.PrecisionOption;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tokenize.Tokenizer;
import io.papers4j.lm.generate.Generation;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaModel;
import io.papers4j.lm.generate.Sampling;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code papers4j lm generate --model DIR --prompt TEXT}: sample a continuation with a KV cache. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = "Continue a prompt with a checkpoint (needs DIR/tokenizer.json); KV-cached sampling.")
final class GenerateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, description = "Checkpoint directory with tokenizer.json.")
  Path model;

  @Option(names = "--prompt", required = true, description = "Text to continue (encoded as is, no BOS added).")
  String prompt;

  @Option(names = "--max-new-tokens", defaultValue = "100", description = "Tokens to generate (default ${DEFAULT-VALUE}).")
  int maxNewTokens;

  @Option(names = "--temperature", defaultValue = "0.8", description = "Softmax temperature; 0 = greedy (default ${DEFAULT-VALUE}).")
  double temperature;

  @Option(names = "--top-k", defaultValue = "0", description = "Keep the k most likely tokens; 0 = off (default ${DEFAULT-VALUE}).")
  int topK;

  @Option(names = "--top-p", defaultValue = "0.95", description = "Nucleus sampling mass; 1 = off (default ${DEFAULT-VALUE}).")
  double topP;

  @Option(names = "--seed", defaultValue = "0", description = "Sampling seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Mixin PrecisionOption precision;

  @Override
  public Integer call() {
    Sampling sampling = new Sampling(temperature, topK, topP, seed);
    Engine.init();
    Tokenizer tok = ModelDir.anyTokenizer(model);
    LlamaModel m = LlamaCheckpoint.load(model);
    int[] enc = tok.encode(prompt);
    if (enc.length == 0) throw new IllegalArgumentException("--prompt encodes to no tokens");
    long[] ids = Arrays.stream(enc).asLongStream().toArray();
    Set<Long> stop = new HashSet<>();
    for (int e : m.config().eosTokenId()) stop.add((long) e);
    long[] out;
    try (var cast = precision.autocast()) {
      out = Generation.generate(m, ids, maxNewTokens, sampling, stop, true, null);
    }
    int[] gen = Arrays.stream(out).mapToInt(x -> (int) x).toArray();
    PrintWriter w = spec.commandLine().getOut();
    w.println(prompt + tok.decode(gen));
    w.flush();
    return 0;
  }
}
