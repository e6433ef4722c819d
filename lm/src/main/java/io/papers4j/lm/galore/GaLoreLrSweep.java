package io.papers4j.lm.galore;

import io.papers4j.core.tensor.Engine;
import io.papers4j.lm.galore.GaLoreExperiment.Method;
import io.papers4j.lm.galore.GaLoreExperiment.Preset;
import io.papers4j.lm.galore.GaLoreExperiment.Run;
import io.papers4j.lm.llama.LlamaConfig;
import io.papers4j.lm.train.CorpusTokens;
import io.papers4j.lm.train.TokenTrainData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The learning-rate sweep behind the reproduction's baseline learning rates: every method of the
 * comparison at several peak learning rates on the reproduction's own data, model, schedule and
 * token budget (the paper tunes its baselines over {1e-4, 5e-4, 1e-3, 5e-3, 1e-2}). A tool, not a
 * reproduction; its output table is quoted in {@code docs/galore.md}.
 *
 * <pre>
 * java -cp "$(cat cli/target/classpath.txt)" io.papers4j.lm.galore.GaLoreLrSweep quick adamw:1e-3 adamw:5e-3 ...
 * </pre>
 *
 * Each argument after the preset is {@code optimizer:lr[:T]} (T defaults to the preset's GaLore T),
 * or {@code steps=N} to override the preset's step count (for timing probes).
 */
public final class GaLoreLrSweep {
  private GaLoreLrSweep() {}

  public static void main(String[] args) {
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: GaLoreLrSweep <quick|full> optimizer:lr[:T] ...");
    }
    Engine.init();
    Preset base = GaLoreReproduction.preset(args[0]);
    int defaultGap = base.methods().stream().filter(m -> m.optimizer().equals("galore")).findFirst()
        .map(Method::updateGap).orElse(200);
    List<Method> methods = new ArrayList<>();
    int steps = base.steps();
    for (int i = 1; i < args.length; i++) {
      if (args[i].startsWith("steps=")) {
        steps = Integer.parseInt(args[i].substring(6));
        continue;
      }
      String[] f = args[i].split(":");
      if (f.length < 2 || f.length > 3) throw new IllegalArgumentException("bad run '" + args[i] + "': optimizer:lr[:T]");
      Optimizers.check(f[0]);
      int gap = f.length == 3 ? Integer.parseInt(f[2]) : defaultGap;
      methods.add(new Method(f[0] + "@" + f[1], f[0], Double.parseDouble(f[1]), gap));
    }
    Preset p = new Preset(base.name() + "-sweep", steps, base.batch(), base.seqLen(), base.evalEvery(),
        base.evalBatches(), base.rank(), base.galoreScale(), methods);
    CorpusTokens corpus = CorpusTokens.load("kjv", LlamaConfig.preset("tiny").vocabSize());
    LlamaConfig config = LlamaConfig.preset("tiny").withVocabSize(corpus.tokenizer().vocabSize());
    TokenTrainData data =
        new TokenTrainData(corpus.train(), corpus.validation(), p.batch(), p.seqLen(), GaLoreReproduction.SEED);
    Path out = Path.of(System.getProperty("java.io.tmpdir"), "galore-lr-sweep");
    StringBuilder table = new StringBuilder("| method | lr | T | val ppl | ms/step |\n|---|---|---|---|---|\n");
    for (Method m : methods) {
      Run r = GaLoreExperiment.run(m, p, config, data, GaLoreReproduction.SEED, out);
      String row = String.format(Locale.ROOT, "| %s | %g | %d | %.2f | %.0f |%n", m.optimizer(), m.lr(),
          m.updateGap(), r.valPerplexity(), r.result().msPerStep());
      System.out.print(row);
      System.out.flush();
      table.append(row);
    }
    System.out.printf("%n%s steps x %d x %d tokens per run, seed %d%n%s", p.steps(), p.batch(), p.seqLen(),
        GaLoreReproduction.SEED, table);
  }
}
