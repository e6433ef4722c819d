package io.papers4j.lm.cli;

import io.papers4j.core.cli.PrecisionOption;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.tensor.Engine;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bytedeco.pytorch.NoGradGuard;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code papers4j lm score --model DIR --ids 1,17,42}: prints {@code {"ids": [...],
 * "next_token_logprobs": [...]}} where entry i is ln p(ids[i] | ids[0..i−1]) (natural log). The
 * first id has no context, so entry 0 is {@code null}; the arrays have equal length.
 */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    description = {
      "Print the log-probability of each token given the ones before it, as JSON:",
      "{\"ids\": [...], \"next_token_logprobs\": [null, ...]} (natural log; the first id has no prediction, so null)."
    })
final class ScoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, description = "Checkpoint directory.")
  Path model;

  static final class Input {
    @Option(names = "--ids", split = ",", description = "Token ids, comma-separated.")
    long[] ids;

    @Option(names = "--text", description = "Text to encode with DIR/tokenizer.json instead of --ids.")
    String text;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  @Mixin PrecisionOption precision;

  @Override
  public Integer call() throws Exception {
    Engine.init();
    long[] ids = input.ids;
    if (ids == null) ids = Arrays.stream(ModelDir.anyTokenizer(model).encode(input.text)).asLongStream().toArray();
    if (ids.length == 0) throw new IllegalArgumentException("no token ids to score");
    LlamaModel m = LlamaCheckpoint.load(model);
    for (long id : ids) {
      if (id < 0 || id >= m.config().vocabSize()) {
        throw new IllegalArgumentException("--ids: id " + id + " is outside the vocabulary [0, " + m.config().vocabSize() + ")");
      }
    }
    double[] lp;
    try (NoGradGuard g = new NoGradGuard(); var cast = precision.autocast()) {
      lp = m.nextTokenLogProbs(ids);
    }
    List<Double> next = new ArrayList<>();
    next.add(null);
    for (double v : lp) next.add(v);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("ids", ids);
    json.put("next_token_logprobs", next);
    PrintWriter w = spec.commandLine().getOut();
    w.println(new ObjectMapper().writeValueAsString(json));
    w.flush();
    return 0;
  }
}
