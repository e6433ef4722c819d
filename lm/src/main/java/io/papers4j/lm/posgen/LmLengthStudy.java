package io.papers4j.lm.posgen;

import io.papers4j.core.train.TrainCheckpoint;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaModel;
import io.papers4j.lm.train.CorpusTokens;
import io.papers4j.lm.train.LmEval;
import io.papers4j.lm.train.LmTrainOptions;
import io.papers4j.lm.train.LmTraining;
import io.papers4j.lm.train.UnigramBaseline;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The paper's Fig. 4 at toy scale: validation perplexity against evaluation length for language
 * models that differ only in their position encoding.
 *
 * <p>Each encoding trains a fresh model at L = {@code seq} tokens through exactly the path of
 * {@code papers4j lm train --rope NAME --rope-factor s} ({@link LmTraining#train}, which writes the
 * rope block into config.json), then the saved directory is reloaded as {@code papers4j lm eval}
 * does ({@link LlamaCheckpoint#load}) and scored at contexts k·L. Every context length predicts the
 * same validation tokens: a prefix of {@code evalBlocks · L · lcm(multiples)} tokens cut into
 * non-overlapping windows of k·L, so the curves differ only in how much context each token sees and
 * at which positions. (The paper fine-tunes LLaMA-2 with YaRN / Resonance YaRN at s = 8 or 4; here
 * the scaled models are trained with the scaled encoding from the start, which App. C.1 does for
 * PosGen.)
 */
public final class LmLengthStudy {
  private LmLengthStudy() {}

  /**
   * @param encodings {@code --rope} names to train ("rope", "yarn", "resonance-yarn" for Fig. 4)
   * @param factor {@code --rope-factor} s of the scaled encodings (4 = the longest evaluation / L)
   * @param preset model shape ({@code tiny}: 4 layers, C = 128, 4 heads × 32, ≈ 1M parameters)
   * @param corpus corpus name ("kjv", as {@code lm train})
   * @param tokenizer a tokenizer.json to use (null: the cached byte-level BPE {@code lm train} trains)
   * @param steps optimizer steps per model
   * @param batch sequences per step
   * @param seq training length L
   * @param lr peak learning rate (3e-3, the {@code lm train} default for tiny)
   * @param multiples evaluation lengths as multiples of L (1, 2, 3, 4)
   * @param evalBlocks evaluation size in units of L · lcm(multiples) tokens
   * @param seed model init and batch order (the same for every encoding)
   */
  public record Config(
      List<String> encodings, double factor, String preset, String corpus, Path tokenizer, long steps, int batch, int seq,
      double lr, int[] multiples, int evalBlocks, long seed) {
    public Config {
      if (encodings.isEmpty()) throw new IllegalArgumentException("LM length study needs at least one encoding");
      if (multiples.length == 0 || Arrays.stream(multiples).anyMatch(m -> m < 1))
        throw new IllegalArgumentException("evaluation multiples must be >= 1, got " + Arrays.toString(multiples));
      if (evalBlocks < 1) throw new IllegalArgumentException("evalBlocks must be >= 1, got " + evalBlocks);
    }

    /** The validation tokens predicted at every length (a multiple of every evaluation length). */
    public int evalTokens() {
      int l = 1;
      for (int m : multiples) l = lcm(l, m);
      return evalBlocks * l * seq;
    }

    public int[] lengths() {
      return Arrays.stream(multiples).map(m -> m * seq).toArray();
    }

    /**
     * Quick: the three encodings of Fig. 4 on {@code tiny} at L = 64, s = 4, evaluated at 64 … 256
     * on 12,288 validation tokens; 500 steps of 8 × 64 per model (about 40 s each on 2 idle cores;
     * {@code -Dpapers4j.resonance.lmSteps=N} overrides the steps).
     */
    public static Config quick() {
      return new Config(FIG4, 4, "tiny", "kjv", null, Long.getLong("papers4j.resonance.lmSteps", 500), 8, 64, 3e-3,
          new int[] {1, 2, 3, 4}, 16, 0);
    }

    /** Full: {@code tiny} at L = 128, s = 4, 2,000 steps of 16, evaluated at 128 … 512 on 49K tokens. */
    public static Config full() {
      return new Config(FIG4, 4, "tiny", "kjv", null, Long.getLong("papers4j.resonance.lmSteps", 2000), 16, 128, 3e-3,
          new int[] {1, 2, 3, 4}, 32, 0);
    }

    public static Config named(String preset) {
      return switch (preset) {
        case "quick" -> quick();
        case "full" -> full();
        default -> throw new IllegalArgumentException("unknown preset '" + preset + "' (quick, full)");
      };
    }
  }

  /** The encodings of the paper's Fig. 4. */
  public static final List<String> FIG4 = List.of("rope", "yarn", "resonance-yarn");

  /**
   * One encoding's curve.
   *
   * @param encoding the {@code --rope} name
   * @param perplexity validation perplexity at each of {@link Config#lengths()}
   * @param steps optimizer steps done
   * @param trainSeconds wall time of training
   * @param modelDir where the trained model directory was written
   */
  public record Curve(String encoding, double[] perplexity, long steps, double trainSeconds, Path modelDir) {}

  /**
   * @param unigramPerplexity add-one unigram perplexity of the same validation prefix (a floor of
   *     what "no context" gives)
   */
  public record Results(Config config, List<Curve> curves, double unigramPerplexity, double seconds) {}

  /** Trains and evaluates every encoding; model directories go to {@code workDir/<encoding>}. */
  public static Results run(Config c, Path workDir) {
    long start = System.nanoTime();
    List<Curve> curves = new ArrayList<>();
    double unigram = Double.NaN;
    for (String enc : c.encodings()) {
      Path dir = workDir.resolve(enc);
      TrainCheckpoint.deleteTree(dir); // every run starts from scratch
      LmTrainOptions o = new LmTrainOptions(c.preset(), c.corpus(), 0, c.tokenizer(), c.steps(), c.batch(), c.seq(), c.lr(),
          -1, 0.1, 1.0, 0.1, c.steps(), 2, c.steps(), c.seed(), dir, false, Double.POSITIVE_INFINITY);
      System.err.printf("LM length study: training %s (factor %.3g) at L = %d for %d steps%n", enc, c.factor(),
          c.seq(), c.steps());
      LmTraining.Run run = LmTraining.train(o, null, new LmTraining.RopeChoice(enc, c.factor()));
      int[] val = prefix(run.tokens().validation(), c.evalTokens() + 1);
      if (Double.isNaN(unigram)) {
        CorpusTokens t = run.tokens();
        unigram = UnigramBaseline.perplexity(t.train(), val, t.tokenizer().vocabSize());
      }
      LlamaModel reloaded = LlamaCheckpoint.load(dir); // as lm eval: the encoding comes from config.json
      double[] ppl = perplexityByLength(reloaded, val, c.lengths());
      System.err.printf("LM length study: %s perplexity at %s = %s%n", enc, Arrays.toString(c.lengths()),
          Arrays.toString(ppl));
      curves.add(new Curve(enc, ppl, run.result().steps(), run.result().seconds(), dir));
    }
    return new Results(c, curves, unigram, (System.nanoTime() - start) / 1e9);
  }

  /**
   * Validation perplexity of {@code model} on {@code tokens} at each context length: windows of
   * length T with stride T, every token after the first predicted once.
   */
  public static double[] perplexityByLength(LlamaModel model, int[] tokens, int[] lengths) {
    double[] ppl = new double[lengths.length];
    for (int i = 0; i < lengths.length; i++) {
      int batch = Math.max(1, 1024 / lengths[i]); // about 1K tokens per forward pass at every length
      ppl[i] = LmEval.score(model, tokens, batch, lengths[i]).perplexity();
    }
    return ppl;
  }

  static int[] prefix(int[] tokens, int n) {
    if (tokens.length < n)
      throw new IllegalArgumentException("validation split has " + tokens.length + " tokens, the length study needs "
          + n + " (lower evalBlocks)");
    return Arrays.copyOf(tokens, n);
  }

  static int lcm(int a, int b) {
    int x = a, y = b;
    while (y != 0) {
      int t = x % y;
      x = y;
      y = t;
    }
    return a / x * b;
  }
}
