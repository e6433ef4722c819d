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
 * The paper's Fig. 4 at toy scale: validation perplexity against evaluation length for a
 * RoPE-pretrained language model fine-tuned with different position encodings.
 *
 * <p>As in App. C.2 (LLaMA2-Chat fine-tuned with YaRN / Resonance YaRN at s = 4 or 8, e.g. 400 steps
 * at the pretraining length of 4K), one model is pretrained with plain RoPE at L = {@code seq}
 * through the path of {@code papers4j lm train}; then a copy is fine-tuned for each encoding through
 * {@code papers4j lm train --init-from PRETRAINED --rope NAME --rope-factor s}
 * ({@link LmTraining#train(LmTrainOptions)} with a rope choice and {@code --init-from},
 * which writes the rope block into config.json). "rope" is the fair baseline: the same fine-tune
 * budget with the encoding unchanged. Every directory is reloaded as {@code papers4j lm eval} does
 * ({@link LlamaCheckpoint#load}) and scored at contexts k·L. Every context length predicts the same
 * validation tokens: a prefix of {@code evalBlocks · L · lcm(multiples)} tokens cut into
 * non-overlapping windows of k·L, so the curves differ only in how much context each token sees and
 * at which positions.
 */
public final class LmLengthStudy {
  private LmLengthStudy() {}

  /**
   * @param encodings {@code --rope} names to fine-tune with ("rope", "yarn", "resonance-yarn" for Fig. 4)
   * @param factor {@code --rope-factor} s of the scaled encodings (4 = the longest evaluation / L)
   * @param preset model shape ({@code tiny}: 4 layers, C = 128, 4 heads × 32, ≈ 1M parameters)
   * @param corpus corpus name ("kjv", as {@code lm train})
   * @param tokenizer a tokenizer.json to use (null: the cached byte-level BPE {@code lm train} trains)
   * @param pretrainSteps optimizer steps of the RoPE pretraining
   * @param finetuneSteps optimizer steps of each fine-tune (the same for every encoding)
   * @param batch sequences per step (pretraining and fine-tuning)
   * @param seq training length L (pretraining and fine-tuning, the paper's 4K regime)
   * @param lr peak learning rate of pretraining (3e-3, the {@code lm train} default for tiny)
   * @param finetuneLr peak learning rate of fine-tuning (lower, as the paper's 2e-5 vs LLaMA's 3e-4)
   * @param multiples evaluation lengths as multiples of L (1, 2, 3, 4)
   * @param evalBlocks evaluation size in units of L · lcm(multiples) tokens
   * @param seed model init and pretraining batch order; fine-tunes draw batches with seed + 1
   */
  public record Config(
      List<String> encodings, double factor, String preset, String corpus, Path tokenizer, long pretrainSteps,
      long finetuneSteps, int batch, int seq, double lr, double finetuneLr, int[] multiples, int evalBlocks,
      long seed) {
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
     * Quick: {@code tiny} at L = 64 pretrained with RoPE for 500 steps of 8 × 64 (lr 3e-3), then
     * 150 fine-tune steps (lr 1e-3) per encoding of Fig. 4 at s = 4, evaluated at 64 … 256 on 12,288
     * validation tokens ({@code -Dpapers4j.resonance.lmSteps=N} overrides the pretraining steps,
     * {@code -Dpapers4j.resonance.lmFinetuneSteps=N} the fine-tune steps).
     */
    public static Config quick() {
      return new Config(FIG4, 4, "tiny", "kjv", null, Long.getLong("papers4j.resonance.lmSteps", 500),
          Long.getLong("papers4j.resonance.lmFinetuneSteps", 150), 8, 64, 3e-3, 1e-3, new int[] {1, 2, 3, 4}, 16, 0);
    }

    /** Full: {@code tiny} at L = 128, 2,000 pretraining + 400 fine-tune steps of 16, evaluated at 128 … 512. */
    public static Config full() {
      return new Config(FIG4, 4, "tiny", "kjv", null, Long.getLong("papers4j.resonance.lmSteps", 2000),
          Long.getLong("papers4j.resonance.lmFinetuneSteps", 400), 16, 128, 3e-3, 1e-3, new int[] {1, 2, 3, 4}, 32,
          0);
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

  /** Directory name (under the work directory) of the RoPE-pretrained model. */
  public static final String PRETRAINED = "pretrained-rope";

  /**
   * One model's curve.
   *
   * @param encoding the {@code --rope} name
   * @param perplexity validation perplexity at each of {@link Config#lengths()}
   * @param steps optimizer steps done (of this run: fine-tune steps for a fine-tuned model)
   * @param trainSeconds wall time of this run's training
   * @param modelDir where the model directory was written
   */
  public record Curve(String encoding, double[] perplexity, long steps, double trainSeconds, Path modelDir) {}

  /**
   * @param pretrained the RoPE model before fine-tuning (the starting point of every curve)
   * @param curves one per fine-tuned encoding, in the order of {@link Config#encodings()}
   * @param unigramPerplexity add-one unigram perplexity of the same validation prefix (a floor of
   *     what "no context" gives)
   */
  public record Results(Config config, Curve pretrained, List<Curve> curves, double unigramPerplexity,
      double seconds) {}

  /**
   * Pretrains with RoPE into {@code workDir/pretrained-rope}, fine-tunes a copy per encoding into
   * {@code workDir/<encoding>} and evaluates all of them.
   */
  public static Results run(Config c, Path workDir) {
    long start = System.nanoTime();
    Path pre = workDir.resolve(PRETRAINED);
    TrainCheckpoint.deleteTree(pre); // every run starts from scratch
    System.err.printf("LM length study: pretraining rope at L = %d for %d steps%n", c.seq(), c.pretrainSteps());
    LmTraining.Run run = LmTraining.train(options(c, c.pretrainSteps(), c.lr(), c.seed(), pre)
        .optRope(new LmTrainOptions.RopeChoice("rope", c.factor())).build());
    int[] val = prefix(run.tokens().validation(), c.evalTokens() + 1);
    CorpusTokens t = run.tokens();
    double unigram = UnigramBaseline.perplexity(t.train(), val, t.tokenizer().vocabSize());
    Curve pretrained = evaluate(c, "rope", pre, val, run.result().steps(), run.result().seconds());
    List<Curve> curves = new ArrayList<>();
    for (String enc : c.encodings()) {
      Path dir = workDir.resolve(enc);
      TrainCheckpoint.deleteTree(dir);
      System.err.printf("LM length study: fine-tuning %s (factor %.3g) from %s for %d steps%n", enc, c.factor(),
          PRETRAINED, c.finetuneSteps());
      // as lm train --init-from PRE --rope ENC --rope-factor s: pretrained weights, this run's encoding
      LmTraining.Run ft = LmTraining.train(options(c, c.finetuneSteps(), c.finetuneLr(), c.seed() + 1, dir)
          .optRope(new LmTrainOptions.RopeChoice(enc, c.factor())).optInitFrom(pre).build());
      curves.add(evaluate(c, enc, dir, val, ft.result().steps(), ft.result().seconds()));
    }
    return new Results(c, pretrained, curves, unigram, (System.nanoTime() - start) / 1e9);
  }

  static LmTrainOptions.Builder options(Config c, long steps, double lr, long seed, Path dir) {
    return LmTrainOptions.builder(c.preset(), steps, dir).optCorpus(c.corpus()).optTokenizer(c.tokenizer())
        .optBatch(c.batch()).optSeq(c.seq()).optLr(lr).optEvalEvery(steps).optEvalBatches(2).optCheckpointEvery(steps)
        .optSeed(seed);
  }

  /** Reloads {@code dir} as lm eval does (the encoding comes from config.json) and scores every length. */
  static Curve evaluate(Config c, String enc, Path dir, int[] val, long steps, double seconds) {
    LlamaModel reloaded = LlamaCheckpoint.load(dir);
    double[] ppl = perplexityByLength(reloaded, val, c.lengths());
    System.err.printf("LM length study: %s (%s) perplexity at %s = %s%n", enc, dir.getFileName(),
        Arrays.toString(c.lengths()), Arrays.toString(ppl));
    return new Curve(enc, ppl, steps, seconds, dir);
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
